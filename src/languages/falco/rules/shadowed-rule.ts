import { defineRule } from '../../../core/rule.js';

export const shadowedRule = defineRule({
  meta: {
    id: 'falco/shadowed-rule',
    severity: 'warning',
    type: 'problem',
    description:
      'A rule that never fires under `rule_matching: first` because an earlier rule matches every event it matches.',
    remediation: 'TODO-REMEDIATION',
    docs: {
      rationale:
        "With Falco's default `rule_matching: first`, only the first matching rule alerts. If an earlier rule's condition is implied by a later rule's, the later one never fires: reorder the rules or narrow the earlier one.",
      bad: [{ path: 'TODO', text: 'TODO' }],
      good: [{ path: 'TODO', text: 'TODO' }],
    },
  },
  messages: {
    shadowed: "Rule '{{rule}}' can never fire under rule_matching: first: the earlier rule '{{earlier}}' matches every event it matches",
  },
});
