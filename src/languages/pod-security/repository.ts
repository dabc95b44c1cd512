/** The repository's pod security policies, found and loaded as `chs lint` would. */
import type { Config } from '../../core/config.js';
import { discover } from '../../core/discovery.js';
import type { WalkProblem } from '../../core/discovery.js';
import { readTextFile } from '../../core/read.js';
import type { Finding } from '../../core/rule.js';
import { loadPolicyFile } from './load.js';
import { POD_SECURITY_PATHS } from './paths.js';
import type { PodSecurityPolicy } from './policy.js';

export interface RepositoryPolicies {
  policies: PodSecurityPolicy[];
  /** Problems that make a policy unusable (errors); warnings are left to `chs lint`. */
  errors: { file: string; message: string; offset?: number }[];
}

export function loadRepositoryPolicies(config: Config, cwd: string): RepositoryPolicies {
  const problems: WalkProblem[] = [];
  const globs = config.paths['pod-security'] ?? POD_SECURITY_PATHS;
  const files = discover(config.root, cwd, [{ kind: 'pod-security', globs }], problems);
  const result: RepositoryPolicies = {
    policies: [],
    errors: problems.map((p) => ({ file: p.display, message: p.message })),
  };
  for (const entry of files) {
    const read = readTextFile(entry.absolute, entry.display);
    if (!read.ok) {
      result.errors.push({ file: entry.display, message: read.failure.message });
      continue;
    }
    const { policies, findings } = loadPolicyFile(read.file);
    result.policies.push(...policies);
    for (const finding of findings.filter((f: Finding) => (f.severity ?? f.rule.meta.severity) === 'error'))
      result.errors.push({
        file: finding.file,
        message: String(finding.data?.message ?? finding.messageId),
        ...(finding.range ? { offset: finding.range.start } : {}),
      });
  }
  return result;
}
