/**
 * chs.yaml's severity overrides for one finding: `rules`, then each `overrides` entry whose
 * globs match the file (later entries win), as ESLint's configuration cascades.
 */
import { resolve } from 'node:path';
import type { Config } from './config.js';
import type { Severity } from './diagnostic.js';
import { globToRegExp } from './glob.js';
import { relativePosix } from './paths.js';

/**
 * The configured severity of `ruleId` in `file` (a path as shown, relative to `cwd`), or
 * undefined when chs.yaml leaves the rule's own.
 */
export function configuredSeverity(
  config: Pick<Config, 'root' | 'rules' | 'overrides'>,
  ruleId: string,
  file: string,
  cwd: string = config.root,
): Severity | 'off' | undefined {
  let severity = config.rules[ruleId];
  if (config.overrides.length === 0) return severity;
  const path = relativePosix(config.root, resolve(cwd, file));
  for (const override of config.overrides) {
    const own = override.rules[ruleId];
    if (own !== undefined && override.files.some((glob) => globToRegExp(glob).test(path))) severity = own;
  }
  return severity;
}
