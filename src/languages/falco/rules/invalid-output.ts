import { RULES_FILE, SHELL_RULE, falcoRule } from './examples.js';
import { defineRule } from '../../../core/rule.js';

export const invalidOutput = defineRule({
  meta: {
    id: 'falco/invalid-output',
    severity: 'error',
    type: 'problem',
    description: "A rule output with a `%field` placeholder the rule's source does not have.",
    remediation:
      "Correct the `%field` placeholder: `chs falco compile` and Falco's field list (`falco --list`) name the fields of each source.",
    docs: {
      rationale:
        'Falco compiles the output format when it loads the rule and refuses unknown fields (`invalid formatting token`).',
      bad: [
        {
          path: RULES_FILE,
          text: falcoRule('evt.type = execve and proc.name = bash', {
            output: '"shell in a container (command=%proc.cmdline user=%user.nme)"',
          }),
        },
      ],
      good: [{ path: RULES_FILE, text: SHELL_RULE }],
    },
    falcoCode: 'LOAD_ERR_COMPILE_OUTPUT',
  },
  messages: {
    token: 'invalid formatting token {{token}}',
  },
});
