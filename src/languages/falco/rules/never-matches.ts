import { defineRule } from '../../../core/rule.js';

export const neverMatches = defineRule({
  meta: {
    id: 'falco/never-matches',
    severity: 'warning',
    type: 'problem',
    description: 'A rule whose condition can never hold.',
    remediation: 'TODO-REMEDIATION',
    docs: {
      rationale:
        'A contradiction (`evt.type = open and evt.type = close`, a field equal to two values, `in` an empty list) makes the rule dead. A list left empty to be filled by users is a common cause.',
      bad: [{ path: 'TODO', text: 'TODO' }],
      good: [{ path: 'TODO', text: 'TODO' }],
    },
  },
  messages: {
    never: "Rule '{{rule}}' can never match: {{reason}}",
  },
});
