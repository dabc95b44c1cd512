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
          path: 'policies/falco/rules.yaml',
          text: `- rule: Shell in container
  desc: a shell started in a container
  condition: evt.type = execve and proc.name = bash
  output: "shell in a container (command=%proc.cmdline user=%user.nme)"
  priority: WARNING
`,
        },
      ],
      good: [
        {
          path: 'policies/falco/rules.yaml',
          text: `- rule: Shell in container
  desc: a shell started in a container
  condition: evt.type = execve and proc.name = bash
  output: "shell in a container (command=%proc.cmdline user=%user.name)"
  priority: WARNING
`,
        },
      ],
    },
    falcoCode: 'LOAD_ERR_COMPILE_OUTPUT',
  },
  messages: {
    token: 'invalid formatting token {{token}}',
  },
});
