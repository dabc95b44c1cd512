import { defineRule } from '../../../core/rule.js';

export const neverMatches = defineRule({
  id: 'falco/never-matches',
  type: 'problem',
  description: 'A rule whose condition can never hold.',
  docs: 'A contradiction (`evt.type = open and evt.type = close`, a field equal to two values, `in` an empty list) makes the rule dead. A list left empty to be filled by users is a common cause.',
  defaultSeverity: 'warning',
  messages: { message: '{{message}}' },
});
