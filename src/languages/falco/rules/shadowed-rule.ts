import { defineRule } from '../../../core/rule.js';

export const shadowedRule = defineRule({
  meta: {
    id: 'falco/shadowed-rule',
    severity: 'warning',
    type: 'problem',
    description:
      'A rule that never fires under `rule_matching: first` because an earlier rule matches every event it matches.',
    remediation:
      'Put the narrower rule first, narrow the earlier rule (an exception, a stricter condition), or set `rule_matching: all` in chs.yaml if your Falco runs that way.',
    docs: {
      rationale:
        "With Falco's default `rule_matching: first`, only the first matching rule alerts. If an earlier rule's condition is implied by a later rule's, the later one never fires: reorder the rules or narrow the earlier one.",
      bad: [
        {
          path: 'policies/falco/rules.yaml',
          text: `- rule: Shell in container
  desc: a shell started in a container
  condition: evt.type = execve and proc.name = bash
  output: "shell in a container (command=%proc.cmdline user=%user.name)"
  priority: WARNING
- rule: Root shell in container
  desc: a shell started in a container
  condition: evt.type = execve and proc.name = bash and user.name = root
  output: "shell in a container (command=%proc.cmdline user=%user.name)"
  priority: WARNING
`,
        },
      ],
      good: [
        {
          path: 'policies/falco/rules.yaml',
          text: `- rule: Root shell in container
  desc: a shell started in a container
  condition: evt.type = execve and proc.name = bash and user.name = root
  output: "shell in a container (command=%proc.cmdline user=%user.name)"
  priority: WARNING
- rule: Shell in container
  desc: a shell started in a container
  condition: evt.type = execve and proc.name = bash
  output: "shell in a container (command=%proc.cmdline user=%user.name)"
  priority: WARNING
`,
        },
      ],
    },
  },
  messages: {
    shadowed:
      "Rule '{{rule}}' can never fire under rule_matching: first: the earlier rule '{{earlier}}' matches every event it matches",
  },
});
