import { defineRule } from '../../../core/rule.js';

export const unknownItem = defineRule({
  id: 'falco/unknown-item',
  type: 'problem',
  description: 'A top-level item that is not a rule, macro, list or version requirement.',
  docs: 'Falco ignores such items; a typo in `rule:`, `macro:` or `list:` makes the whole item disappear.',
  defaultSeverity: 'warning',
  falcoCode: 'LOAD_UNKNOWN_ITEM',
  messages: { message: '{{message}}' },
});
