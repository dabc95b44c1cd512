import { defineRule } from '../../../core/rule.js';

export const exceptionNameNotUnique = defineRule({
  meta: {
    id: 'falco/exception-name-not-unique',
    severity: 'warning',
    type: 'problem',
    description: 'Two exceptions with the same name in one rule.',
    remediation: 'Give each exception of a rule its own name, or merge their values into one exception.',
    docs: {
      rationale: 'Exception names identify exceptions for later appends; give each a distinct name.',
      bad: [
        {
          path: 'policies/falco/rules.yaml',
          text: `- rule: Shell in container
  desc: a shell started in a container
  condition: evt.type = execve and proc.name = bash
  output: "shell in a container (command=%proc.cmdline user=%user.name)"
  priority: WARNING
  exceptions:
    - name: known_parents
      fields: [proc.pname]
      values: [[sshd]]
    - name: known_parents
      fields: [proc.pname]
      values: [[login]]
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
    - name: known_parents
      fields: [proc.pname]
      values: [[sshd], [login]]
`,
        },
      ],
    },
    falcoCode: 'LOAD_EXCEPTION_NAME_NOT_UNIQUE',
  },
  messages: {
    duplicate: "Multiple definitions of exception '{{name}}' in the same rule",
  },
});
