import { defineRule } from '../../../core/rule.js';

export const deprecatedField = defineRule({
  meta: {
    id: 'falco/deprecated-field',
    severity: 'warning',
    type: 'suggestion',
    description: 'A field Falco 0.44 deprecates: `evt.dir`, `evt.latency*`, `evt.wait_latency`.',
    remediation: 'Remove the check on the deprecated field; Falco 0.44 captures exit events only.',
    docs: {
      rationale:
        'Falco no longer captures enter events, so `evt.dir = <` is always true and `evt.dir = >` always false, and latency fields have no value. Falco 0.44 reports the use (LOAD_DEPRECATED_ITEM); remove the check.',
      bad: [
        {
          path: 'policies/falco/rules.yaml',
          text: `- rule: Shell in container
  desc: a shell started in a container
  condition: evt.type = execve and evt.dir = < and proc.name = bash
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
    falcoCode: 'LOAD_DEPRECATED_ITEM',
  },
  messages: {
    inCondition: "usage of deprecated field '{{field}}' has been detected in the rule condition",
    inOutput: "usage of deprecated field '{{field}}' has been detected in the rule output",
  },
});
