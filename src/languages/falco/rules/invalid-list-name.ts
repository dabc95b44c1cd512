import { defineRule } from '../../../core/rule.js';

export const invalidListName = defineRule({
  meta: {
    id: 'falco/invalid-list-name',
    severity: 'warning',
    type: 'problem',
    description: 'A list name that conditions cannot refer to.',
    remediation:
      "Rename the list without spaces, quotes, parentheses, `=` or `,` (snake_case, as Falco's own lists).",
    docs: {
      rationale:
        'A list is substituted where its name appears as a bare word: the name must not contain blanks, quotes, parentheses, commas or `=`.',
      bad: [
        {
          path: 'policies/falco/rules.yaml',
          text: `- list: "shell binaries"
  items: [bash, sh]
- rule: Shell in container
  desc: a shell started in a container
  condition: evt.type = execve and proc.name in ("shell binaries")
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
    falcoCode: 'LOAD_INVALID_LIST_NAME',
  },
  messages: {
    invalid: `List has an invalid name. List names should match a regular expression: ([^()"'[:space:]=,]+)`,
  },
});
