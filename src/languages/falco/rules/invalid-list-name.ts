import { defineRule } from '../../../core/rule.js';

export const invalidListName = defineRule({
  id: 'falco/invalid-list-name',
  type: 'problem',
  description: 'A list name that conditions cannot refer to.',
  docs: 'A list is substituted where its name appears as a bare word: the name must not contain blanks, quotes, parentheses, commas or `=`.',
  defaultSeverity: 'warning',
  falcoCode: 'LOAD_INVALID_LIST_NAME',
  messages: { message: '{{message}}' },
});
