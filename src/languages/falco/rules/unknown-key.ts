import { defineRule } from '../../../core/rule.js';

export const unknownKey = defineRule({
  meta: {
    id: 'falco/unknown-key',
    severity: 'warning',
    type: 'problem',
    description: "A key that the item's type does not have.",
    remediation: 'TODO-REMEDIATION',
    docs: {
      rationale:
        'Falco ignores unknown keys; a typo (`prority`) or a key on the wrong item type (`priority` on a list) silently does nothing.',
      bad: [{ path: 'TODO', text: 'TODO' }],
      good: [{ path: 'TODO', text: 'TODO' }],
    },
    falcoCode: 'LOAD_UNKNOWN_KEY',
  },
  messages: {
    unknown: "Unknown key '{{key}}'",
  },
});
