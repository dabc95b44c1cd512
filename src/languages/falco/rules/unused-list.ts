import { defineRule } from '../../../core/rule.js';

export const unusedList = defineRule({
  id: 'falco/unused-list',
  type: 'suggestion',
  description: 'A list no rule, macro or list uses.',
  docs: 'Falco warns about lists that nothing refers to. Remove it, or use it.',
  defaultSeverity: 'warning',
  falcoCode: 'LOAD_UNUSED_LIST',
  messages: { message: '{{message}}' },
});
