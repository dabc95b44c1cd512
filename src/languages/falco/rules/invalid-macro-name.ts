import { RULES_FILE, falcoRule } from './examples.js';
import { defineRule } from '../../../core/rule.js';

export const invalidMacroName = defineRule({
  meta: {
    id: 'falco/invalid-macro-name',
    severity: 'warning',
    type: 'problem',
    description: 'A macro name that conditions cannot refer to.',
    remediation: 'Rename the macro with letters, digits and `_` only, starting with a letter.',
    docs: {
      rationale: 'A macro is referenced by a bare identifier: its name must match `[a-zA-Z]+[a-zA-Z0-9_]*`.',
      bad: [
        {
          path: RULES_FILE,
          text:
            `- macro: is-shell
  condition: proc.name in (bash, sh)
` + falcoRule('evt.type = execve and is-shell'),
        },
      ],
      good: [
        {
          path: RULES_FILE,
          text:
            `- macro: is_shell
  condition: proc.name in (bash, sh)
` + falcoRule('evt.type = execve and is_shell'),
        },
      ],
    },
    falcoCode: 'LOAD_INVALID_MACRO_NAME',
  },
  messages: {
    invalid:
      'Macro has an invalid name. Macro names should match a regular expression: ([a-zA-Z]+[a-zA-Z0-9_]*)',
  },
});
