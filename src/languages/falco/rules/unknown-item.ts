import { defineRule } from '../../../core/rule.js';

export const unknownItem = defineRule({
  meta: {
    id: 'falco/unknown-item',
    severity: 'warning',
    type: 'problem',
    description: 'A top-level item that is not a rule, macro, list or version requirement.',
    remediation:
      'Remove the item or correct its key: a rules file holds `rule`, `macro`, `list`, `required_engine_version` and `required_plugin_versions` items.',
    docs: {
      rationale:
        'Falco ignores such items; a typo in `rule:`, `macro:` or `list:` makes the whole item disappear.',
      bad: [
        {
          path: 'policies/falco/rules.yaml',
          text: `- rulez: Shell in container
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
          text: `- rule: Shell in container
  desc: a shell started in a container
  condition: evt.type = execve and proc.name = bash
  output: "shell in a container (command=%proc.cmdline user=%user.name)"
  priority: WARNING
`,
        },
      ],
    },
    falcoCode: 'LOAD_UNKNOWN_ITEM',
  },
  messages: {
    unknown: 'Unknown top level item',
  },
});
