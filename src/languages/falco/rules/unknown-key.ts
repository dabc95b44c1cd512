import { defineRule } from '../../../core/rule.js';

export const unknownKey = defineRule({
  meta: {
    id: 'falco/unknown-key',
    severity: 'warning',
    type: 'problem',
    description: "A key that the item's type does not have.",
    remediation: 'Remove the key or correct its spelling; keep your own data in `tags` or a YAML comment.',
    docs: {
      rationale:
        'Falco ignores unknown keys; a typo (`prority`) or a key on the wrong item type (`priority` on a list) silently does nothing.',
      bad: [
        {
          path: 'policies/falco/rules.yaml',
          text: `- rule: Shell in container
  desc: a shell started in a container
  condition: evt.type = execve and proc.name = bash
  output: "shell in a container (command=%proc.cmdline user=%user.name)"
  priority: WARNING
  owner: platform-team
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
  tags: [owner_platform_team]
`,
        },
      ],
    },
    falcoCode: 'LOAD_UNKNOWN_KEY',
  },
  messages: {
    unknown: "Unknown key '{{key}}'",
  },
});
