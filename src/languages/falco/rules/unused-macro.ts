import { RULES_FILE, SHELL_RULE, falcoRule } from './examples.js';
import { defineRule } from '../../../core/rule.js';

export const unusedMacro = defineRule({
  meta: {
    id: 'falco/unused-macro',
    severity: 'warning',
    type: 'suggestion',
    description: 'A macro no rule or macro uses.',
    remediation: 'Use the macro in a rule or macro, or remove it.',
    docs: {
      rationale: 'Falco warns about macros that nothing refers to. Remove it, or use it.',
      bad: [
        {
          path: RULES_FILE,
          text:
            `- macro: is_shell
  condition: proc.name in (bash, sh)
` + SHELL_RULE,
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
    falcoCode: 'LOAD_UNUSED_MACRO',
  },
  messages: {
    unused: 'Macro not referred to by any other rule/macro',
  },
});
