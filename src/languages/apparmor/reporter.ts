/** How AppArmor's parser, validator and pattern checks report a finding of a rule at a range. */
import type { Range } from '../../core/diagnostic.js';
import type { AnyRule, Finding, MessageArgs, MessageData, MessageId } from '../../core/rule.js';

export type Reporter = <R extends AnyRule, K extends MessageId<R>>(
  rule: R,
  messageId: K,
  range: Range,
  ...data: MessageArgs<R, K>
) => void;

export function reporterFor(file: string, report: (finding: Finding) => void): Reporter {
  return (rule, messageId, range, ...[data]) => {
    const finding: Finding = { rule, messageId, file, range };
    if (data) finding.data = data as MessageData;
    report(finding);
  };
}
