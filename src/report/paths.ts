/**
 * Paths in report files relative to another directory than the one chs ran in: GitLab places Code
 * Quality findings, JUnit `file=` and SARIF `uri`s relative to the project directory, while a job
 * that runs `chs -C sub` gets paths relative to `sub`. One rewrite for every report.
 */
import { isAbsolute, relative, resolve, sep } from 'node:path';

/** `file` (as chs printed it, relative to `cwd` or absolute) relative to `base`, with `/`. */
export function rebasePath(file: string, cwd: string, base: string): string {
  const absolute = isAbsolute(file) ? file : resolve(cwd, file);
  const rebased = relative(base, absolute);
  return (rebased === '' ? '.' : rebased).split(sep).join('/');
}

/** A copy of `value` whose `file` and `files` say where the files are as seen from `base`. */
export function rebaseFiles<T extends { file: string }>(items: readonly T[], cwd: string, base: string): T[] {
  return items.map((item) => ({ ...item, file: rebasePath(item.file, cwd, base) }));
}
