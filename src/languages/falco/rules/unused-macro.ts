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
          path: 'policies/falco/rules.yaml',
          text: `- macro: is_shell
  condition: proc.name in (bash, sh)
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
          text: `- macro: is_shell
  condition: proc.name in (bash, sh)
- rule: Shell in container
  desc: a shell started in a container
  condition: evt.type = execve and is_shell
  output: "shell in a container (command=%proc.cmdline user=%user.name)"
  priority: WARNING
`,
        },
      ],
    },
    falcoCode: 'LOAD_UNUSED_MACRO',
  },
  messages: {
    unused: 'Macro not referred to by any other rule/macro',
  },
});
