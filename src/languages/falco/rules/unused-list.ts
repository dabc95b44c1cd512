import { RULES_FILE, SHELL_RULE, falcoRule } from './examples.js';
import { defineRule } from '../../../core/rule.js';

export const unusedList = defineRule({
  meta: {
    id: 'falco/unused-list',
    severity: 'warning',
    type: 'suggestion',
    description: 'A list no rule, macro or list uses.',
    remediation: 'Use the list in a rule or macro, or remove it.',
    docs: {
      rationale: 'Falco warns about lists that nothing refers to. Remove it, or use it.',
      bad: [
        {
          path: RULES_FILE,
          text:
            `- list: shell_binaries
  items: [bash, sh]
` + SHELL_RULE,
        },
      ],
      good: [
        {
          path: RULES_FILE,
          text:
            `- list: shell_binaries
  items: [bash, sh]
` + falcoRule('evt.type = execve and proc.name in (shell_binaries)'),
        },
      ],
    },
    falcoCode: 'LOAD_UNUSED_LIST',
  },
  messages: {
    unused: 'List not referred to by any other rule/macro',
  },
});
