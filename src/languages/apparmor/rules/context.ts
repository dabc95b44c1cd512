/** What the container-oriented checks see: the analyzed files of one policy file. */
import type { Config } from '../../../core/config.js';
import type { RepositoryFacts } from '../../../core/language.js';
import type { Report } from '../../../core/rule.js';
import type { PolicyModel } from '../policy-model.js';

export interface CheckContext {
  model: PolicyModel;
  /** The policy file being linted (rules from includes are not the repository's to fix). */
  file: string;
  config: Config;
  facts: RepositoryFacts;
  report: Report;
  /** "line N" (same file) or "FILE:N" for an offset in a file. */
  where(file: string, from: string, offset: number): string;
}
