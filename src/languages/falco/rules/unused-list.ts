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
          path: 'policies/falco/rules.yaml',
          text: `- list: shell_binaries
  items: [bash, sh]
- rule: Shell in container
  desc: a shell started in a container
  condition: evt.type = execve and proc.name = bash
  output: "shell in a container (command=%proc.cmdline user=%user.name)"
  priority: WARNING
`,
        },
      ],
      good: [
        {
          path: 'policies/falco/rules.yaml',
          text: `- list: shell_binaries
  items: [bash, sh]
- rule: Shell in container
  desc: a shell started in a container
  condition: evt.type = execve and proc.name in (shell_binaries)
  output: "shell in a container (command=%proc.cmdline user=%user.name)"
  priority: WARNING
`,
        },
      ],
    },
    falcoCode: 'LOAD_UNUSED_LIST',
  },
  messages: {
    unused: 'List not referred to by any other rule/macro',
  },
});
