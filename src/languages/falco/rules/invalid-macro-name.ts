import { defineRule } from '../../../core/rule.js';

export const invalidMacroName = defineRule({
  meta: {
    id: 'falco/invalid-macro-name',
    severity: 'warning',
    type: 'problem',
    description: 'A macro name that conditions cannot refer to.',
    remediation: 'TODO-REMEDIATION',
    docs: {
      rationale: 'A macro is referenced by a bare identifier: its name must match `[a-zA-Z]+[a-zA-Z0-9_]*`.',
      bad: [{ path: 'TODO', text: 'TODO' }],
      good: [{ path: 'TODO', text: 'TODO' }],
    },
    falcoCode: 'LOAD_INVALID_MACRO_NAME',
  },
  messages: {
    invalid: 'Macro has an invalid name. Macro names should match a regular expression: ([a-zA-Z]+[a-zA-Z0-9_]*)',
  },
});
