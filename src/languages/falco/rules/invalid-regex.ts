import { defineRule } from '../../../core/rule.js';

export const invalidRegex = defineRule({
  meta: {
    id: 'falco/invalid-regex',
    severity: 'error',
    type: 'problem',
    description: 'A `regex` pattern that RE2 rejects.',
    remediation:
      'Correct the expression to RE2 syntax (no look-around or back-references), or use `startswith`, `endswith`, `contains` or `glob`.',
    docs: {
      rationale:
        "Falco's `regex` operator uses RE2, which has no lookaround, backreferences, possessive quantifiers or atomic groups. Rewrite the pattern without them.",
      bad: [
        {
          path: 'policies/falco/rules.yaml',
          text: `- rule: Shell in container
  desc: a shell started in a container
  condition: evt.type = execve and proc.name regex '(ba|z)sh('
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
  condition: evt.type = execve and proc.name regex '^(ba|z)sh$'
  output: "shell in a container (command=%proc.cmdline user=%user.name)"
  priority: WARNING
`,
        },
      ],
    },
    falcoCode: 'LOAD_ERR_COMPILE_CONDITION',
  },
  messages: {
    invalid: "regex '{{regex}}' is not valid RE2: {{problem}}",
  },
});
