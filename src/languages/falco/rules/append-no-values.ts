import { defineRule } from '../../../core/rule.js';

export const appendNoValues = defineRule({
  meta: {
    id: 'falco/append-no-values',
    severity: 'warning',
    type: 'suggestion',
    description: 'An exception appended or overridden without values.',
    remediation: 'Give the appended exception the `values` to add, or remove the append.',
    docs: {
      rationale: 'An exception override without `values` adds nothing.',
      bad: [
        {
          path: 'policies/falco/rules.yaml',
          text: `- rule: Shell in container
  desc: a shell started in a container
  condition: evt.type = execve and proc.name = bash
  output: "shell in a container (command=%proc.cmdline user=%user.name)"
  priority: WARNING
  exceptions:
    - name: known_shells
      fields: [proc.pname]
      values: [[sshd]]
- rule: Shell in container
  exceptions:
    - name: known_shells
  override:
    exceptions: append
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
  exceptions:
    - name: known_shells
      fields: [proc.pname]
      values: [[sshd]]
- rule: Shell in container
  exceptions:
    - name: known_shells
      values: [[login]]
  override:
    exceptions: append
`,
        },
      ],
    },
    falcoCode: 'LOAD_APPEND_NO_VALUES',
  },
  messages: {
    noValues: 'Overriding/appending exception with no values',
  },
});
