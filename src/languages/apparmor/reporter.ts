/** How AppArmor's parser, validator and pattern checks report a finding of a rule at a range. */
import type { Range } from '../../core/diagnostic.js';
import type { Finding, MessageData, RuleDefinition } from '../../core/rule.js';

export type Reporter = <M extends string>(
  rule: RuleDefinition<M>,
  messageId: M,
  range: Range,
  data?: MessageData,
) => void;

export function reporterFor(file: string, report: (finding: Finding) => void): Reporter {
  return (rule, messageId, range, data) =>
    report({ rule, messageId, file, range, ...(data ? { data } : {}) });
}
