import { defineRule } from '../../../core/rule.js';

export const unknownFilter = defineRule({
  meta: {
    id: 'falco/unknown-filter',
    severity: 'warning',
    type: 'problem',
    description:
      'A rule with `skip-if-unknown-filter: true` that Falco skips because it names an unknown field or event type.',
    remediation:
      'Check the spelling of the field; if the rule is meant for newer Falco versions only, nothing is wrong.',
    docs: {
      rationale:
        'The rule will not run on this Falco. That is the purpose of the flag; check that the field is spelled right.',
      bad: [
        {
          path: 'policies/falco/rules.yaml',
          text: `- rule: Shell in container
  desc: a shell started in a container
  condition: evt.type = execve and proc.nme = bash
  output: "shell in a container (command=%proc.cmdline user=%user.name)"
  priority: WARNING
  skip-if-unknown-filter: true
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
  skip-if-unknown-filter: true
`,
        },
      ],
    },
    falcoCode: 'LOAD_UNKNOWN_FILTER',
  },
  messages: {
    skipped: '{{detail}}',
  },
});
