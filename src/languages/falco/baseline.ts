/**
 * chs.yaml `falco.baseline`: rules files loaded before the repository's own (the official
 * falco_rules.yaml, or a file of the team's own macros and lists), so that rules can use their
 * macros and lists. Their own findings are not reported.
 */
import { resolve } from 'node:path';
import { expandGlob, walkFiles } from '../../core/discovery.js';
import type { WalkProblem } from '../../core/discovery.js';
import type { Reach } from '../../core/reach.js';

/**
 * The absolute paths a baseline glob names, sorted; empty when it matches nothing. Only files
 * within `reach`: `outside` says the glob (or a link it met) leads out of it.
 */
export function expandBaseline(
  glob: string,
  root: string,
  cwd: string,
  reach: Reach,
): { files: string[]; outside: boolean } {
  const problems: WalkProblem[] = [];
  let files: string[];
  if (!/[*?[{]/.test(glob)) {
    const absolute = resolve(root, glob);
    if (!reach.contains(absolute)) return { files: [], outside: true };
    files = walkFiles(resolve(absolute, '..'), problems, cwd, reach).filter((f) => f === absolute);
  } else {
    files = expandGlob(glob, root, cwd, reach, problems);
  }
  return { files, outside: problems.some((p) => p.outside) };
}
