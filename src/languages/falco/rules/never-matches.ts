import { RULES_FILE, falcoRule } from './examples.js';
import { defineRule } from '../../../core/rule.js';

export const neverMatches = defineRule({
  meta: {
    id: 'falco/never-matches',
    severity: 'warning',
    type: 'problem',
    description: 'A rule whose condition can never hold.',
    remediation:
      'Correct the condition: two different values required of one field, an empty list, or contradicting `evt.type` checks are usually a typo (`and` meant as `or`).',
    docs: {
      rationale:
        'A contradiction (`evt.type = open and evt.type = close`, a field equal to two values, `in` an empty list) makes the rule dead. A list left empty to be filled by users is a common cause.',
      bad: [
        { path: RULES_FILE, text: falcoRule('evt.type = execve and evt.type = openat and proc.name = bash') },
      ],
      good: [{ path: RULES_FILE, text: falcoRule('evt.type in (execve, openat) and proc.name = bash') }],
    },
  },
  messages: {
    never: "Rule '{{rule}}' can never match: {{reason}}",
  },
});
