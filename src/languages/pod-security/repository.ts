/** The repository's pod security policies, found and loaded as `chs lint` would. */
import type { Config } from '../../core/config.js';
import { discover } from '../../core/discovery.js';
import type { WalkProblem } from '../../core/discovery.js';
import { loadErrors } from '../../core/load-errors.js';
import { readTextFile } from '../../core/read.js';
import type { SourceFile } from '../../core/source.js';
import { loadPolicyFile } from './load.js';
import { POD_SECURITY_PATHS } from './paths.js';
import type { PodSecurityPolicy } from './policy.js';

export interface RepositoryPolicies {
  policies: PodSecurityPolicy[];
  /**
   * What makes a policy file unusable, each as `file:line:column: message (rule)`: errors after
   * chs.yaml's severity overrides, as `chs lint` counts them; warnings are left to `chs lint`.
   */
  errors: string[];
}

export function loadRepositoryPolicies(config: Config, cwd: string): RepositoryPolicies {
  const problems: WalkProblem[] = [];
  const globs = config.paths['pod-security'] ?? POD_SECURITY_PATHS;
  const files = discover(config.root, cwd, [{ kind: 'pod-security', globs }], problems);
  const result: RepositoryPolicies = {
    policies: [],
    errors: problems.map((p) => `${p.display}: ${p.message}`),
  };
  for (const entry of files) {
    const read = readTextFile(entry.absolute, entry.display);
    if (!read.ok) {
      result.errors.push(`${entry.display}: ${read.failure.message}`);
      continue;
    }
    const { policies, findings } = loadPolicyFile(read.file);
    result.policies.push(...policies);
    const sources = new Map<string, SourceFile>([[read.file.path, read.file]]);
    result.errors.push(...loadErrors(findings, config, sources, cwd));
  }
  return result;
}
