import { defineRule } from '../../../core/rule.js';

export const unusedMacro = defineRule({
  id: 'falco/unused-macro',
  type: 'suggestion',
  description: 'A macro no rule or macro uses.',
  docs: 'Falco warns about macros that nothing refers to. Remove it, or use it.',
  defaultSeverity: 'warning',
  falcoCode: 'LOAD_UNUSED_MACRO',
  messages: { message: '{{message}}' },
});
