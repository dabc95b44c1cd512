import { defineRule } from '../../../core/rule.js';

export const unknownOutputField = defineRule({
  meta: {
    id: 'falco/unknown-output-field',
    severity: 'warning',
    type: 'problem',
    description:
      "An output placeholder that the rule's plugin source does not have, in a rule Falco would skip because the plugin is not required.",
    remediation: 'TODO-REMEDIATION',
    docs: {
      rationale:
        "Falco skips rules of sources whose plugin is not loaded without looking at them; chs still checks their outputs against the plugin's fields so that the mistake is not found on the day the plugin is loaded.",
      bad: [{ path: 'TODO', text: 'TODO' }],
      good: [{ path: 'TODO', text: 'TODO' }],
    },
  },
  messages: {
    unknown: "'%{{field}}' is not a field of the {{source}} source",
  },
});
