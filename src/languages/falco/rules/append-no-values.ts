import { defineRule } from '../../../core/rule.js';

export const appendNoValues = defineRule({
  id: 'falco/append-no-values',
  type: 'suggestion',
  description: 'An exception appended or overridden without values.',
  docs: 'An exception override without `values` adds nothing.',
  defaultSeverity: 'warning',
  falcoCode: 'LOAD_APPEND_NO_VALUES',
  messages: { message: '{{message}}' },
});
