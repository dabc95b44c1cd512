/** What every pod security rule's check receives: one policy, in the repository's context. */
import type { Config } from '../../../core/config.js';
import type { RepositoryFacts } from '../../../core/language.js';
import type { Report } from '../../../core/rule.js';
import type { PodSecurityPolicy } from '../policy.js';

export interface PolicyCheckContext {
  policy: PodSecurityPolicy;
  config: Config;
  facts: RepositoryFacts;
  /** Policies checked before this one: name -> file (names are unique across the repository). */
  earlier: ReadonlyMap<string, string>;
  report: Report;
}
