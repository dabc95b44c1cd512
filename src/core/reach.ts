/**
 * What a run may read. A merge request's files are written by someone we do not trust and read in
 * a job that holds tokens: a path taken from a policy or from chs.yaml (an include, a baseline, a
 * profile named by a test, a glob) is read only when it lies inside the repository or a root that
 * whoever runs chs trusts (`--include-dir`, the base's include roots, the system AppArmor root).
 * Symbolic links count where they lead. A path outside is never opened, listed or stat-ed, so
 * nothing of it can reach a finding.
 */
import { realpathSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import type { ReadFailure } from './read.js';

/** Whether `path` is `root` or below it (both absolute, normalised). */
export function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/**
 * The path with every symbolic link resolved; for a path that does not exist, its nearest
 * existing ancestor resolved and the rest appended (a missing file is still somewhere).
 */
function realPath(absolute: string): string {
  const missing: string[] = [];
  let current = resolve(absolute);
  for (;;) {
    try {
      return join(realpathSync.native(current), ...missing.reverse());
    } catch {
      const parent = dirname(current);
      if (parent === current) return join(current, ...missing.reverse());
      missing.push(basename(current));
      current = parent;
    }
  }
}

/**
 * A repository's `.git` is not the repository's content: its config holds the job's remote URL
 * (a job token in it, or an authorisation header, base64-encoded where no mask finds it).
 */
function inGitDirectory(root: string, path: string): boolean {
  return relative(root, path).split(/[\\/]/).includes('.git');
}

export class Reach {
  /** The roots as given (for messages) and resolved (for the checks). */
  readonly roots: readonly string[];
  private readonly real: readonly string[];
  private readonly answers = new Map<string, boolean>();

  constructor(roots: Iterable<string>) {
    this.roots = [...new Set([...roots].map((r) => resolve(r)))];
    this.real = this.roots.map(realPath);
  }

  /** A reach of this one plus more roots. */
  with(roots: Iterable<string>): Reach {
    return new Reach([...this.roots, ...roots]);
  }

  /**
   * Whether the file or directory at `absolute` may be read. A path that is not even written
   * inside a root is refused before the file system is asked anything about it.
   */
  contains(absolute: string): boolean {
    const path = resolve(absolute);
    let answer = this.answers.get(path);
    if (answer === undefined) {
      const written = this.roots.some((r) => isInside(r, path)) || this.real.some((r) => isInside(r, path));
      if (written) {
        const real = realPath(path);
        answer = this.real.some((r) => isInside(r, real) && !inGitDirectory(r, real));
      } else answer = false;
      // Files do not change during a run; every profile asks about the same includes.
      if (this.answers.size > 65_536) this.answers.clear();
      this.answers.set(path, answer);
    }
    return answer;
  }
}

export const OUTSIDE_REASON =
  "outside the repository (the path, or a symbolic link on it, leads out of it): chs reads only the repository, --include-dir, the base's include roots and the system AppArmor root; copy the file into the repository";

export function outsideFailure(): ReadFailure {
  return { reason: 'outside', message: OUTSIDE_REASON };
}

/**
 * The system's AppArmor include root when it exists: /etc/apparmor.d, or CHS_APPARMOR_SYSTEM_ROOT
 * when set (empty: none; the tests use it to run as in a CI image without AppArmor).
 */
export function systemAppArmorRoot(
  env: Readonly<Record<string, string | undefined>> = process.env,
): string | undefined {
  const root = env.CHS_APPARMOR_SYSTEM_ROOT ?? '/etc/apparmor.d';
  if (root === '') return undefined;
  try {
    realpathSync.native(root);
    return root;
  } catch {
    return undefined;
  }
}

/**
 * Whether the working tree's chs.yaml may widen what chs reads (include roots outside the
 * repository). On a developer's machine, and in a job on a protected branch or tag, it may: the
 * file was reviewed. In any other CI job (a merge request, an unprotected branch) the tree is
 * whoever pushed it, and only the job definition (`--include-dir`) or the base may.
 */
export function workingTreeTrusted(env: Readonly<Record<string, string | undefined>> = process.env): boolean {
  return !env.CI || env.CI_COMMIT_REF_PROTECTED === 'true';
}

/** Where one run reads: the AppArmor include roots in search order, and everything it may open. */
export interface ReadScope {
  /** `--include-dir`, the configuration's include roots that may be used, the system root. */
  includeRoots: readonly string[];
  /** The repository and the include roots. */
  reach: Reach;
  /** The configuration's include roots refused (outside the repository, not trusted), by index. */
  refused: readonly { index: number; dir: string }[];
}

export function readScope(
  config: { root: string; apparmor: { includeDirs: readonly string[] } },
  options: {
    /** Absolute `--include-dir` roots: the job definition names them. */
    includeDirs?: readonly string[];
    /** Whether chs.yaml's include roots outside the repository are honoured. */
    trustConfig: boolean;
    env?: Readonly<Record<string, string | undefined>>;
  },
): ReadScope {
  const repository = new Reach([config.root]);
  const fromConfig: string[] = [];
  const refused: { index: number; dir: string }[] = [];
  config.apparmor.includeDirs.forEach((dir, index) => {
    if (options.trustConfig || repository.contains(dir)) fromConfig.push(dir);
    else refused.push({ index, dir });
  });
  const system = systemAppArmorRoot(options.env);
  const includeRoots = [
    ...(options.includeDirs ?? []),
    ...fromConfig,
    ...(system === undefined ? [] : [system]),
  ];
  return { includeRoots, reach: repository.with(includeRoots), refused };
}
