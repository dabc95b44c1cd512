import { defineRule } from '../../../core/rule.js';

export const unknownKey = defineRule({
  id: 'falco/unknown-key',
  type: 'problem',
  description: "A key that the item's type does not have.",
  docs: 'Falco ignores unknown keys; a typo (`prority`) or a key on the wrong item type (`priority` on a list) silently does nothing.',
  defaultSeverity: 'warning',
  falcoCode: 'LOAD_UNKNOWN_KEY',
  messages: { message: '{{message}}' },
});
