import { defineRule } from '../../../core/rule.js';

export const invalidMacroName = defineRule({
  id: 'falco/invalid-macro-name',
  type: 'problem',
  description: 'A macro name that conditions cannot refer to.',
  docs: 'A macro is referenced by a bare identifier: its name must match `[a-zA-Z]+[a-zA-Z0-9_]*`.',
  defaultSeverity: 'warning',
  falcoCode: 'LOAD_INVALID_MACRO_NAME',
  messages: { message: '{{message}}' },
});
