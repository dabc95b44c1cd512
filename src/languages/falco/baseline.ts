/**
 * chs.yaml `falco.baseline`: rules files loaded before the repository's own (the official
 * falco_rules.yaml, or a file of the team's own macros and lists), so that rules can use their
 * macros and lists. Their own findings are not reported.
 */
import { resolve } from 'node:path';
import { expandGlob, walkFiles } from '../../core/discovery.js';
import type { WalkProblem } from '../../core/discovery.js';

/** The absolute paths a baseline glob names, sorted; empty when it matches nothing. */
export function expandBaseline(glob: string, root: string, cwd: string): string[] {
  if (!/[*?[{]/.test(glob)) {
    const problems: WalkProblem[] = [];
    const absolute = resolve(root, glob);
    return walkFiles(resolve(absolute, '..'), problems, cwd).filter((f) => f === absolute);
  }
  return expandGlob(glob, root, cwd, []);
}

export const NO_BASELINE_HINT =
  'Rules that use the official macros and lists need the official rules file loaded first: name it (or a file of your own that defines them) under falco.baseline in chs.yaml.';
