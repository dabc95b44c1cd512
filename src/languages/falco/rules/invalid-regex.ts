import { defineRule } from '../../../core/rule.js';

export const invalidRegex = defineRule({
  meta: {
    id: 'falco/invalid-regex',
    severity: 'error',
    type: 'problem',
    description: 'A `regex` pattern that RE2 rejects.',
    remediation: 'TODO-REMEDIATION',
    docs: {
      rationale:
        "Falco's `regex` operator uses RE2, which has no lookaround, backreferences, possessive quantifiers or atomic groups. Rewrite the pattern without them.",
      bad: [{ path: 'TODO', text: 'TODO' }],
      good: [{ path: 'TODO', text: 'TODO' }],
    },
    falcoCode: 'LOAD_ERR_COMPILE_CONDITION',
  },
  messages: {
    invalid: "regex '{{regex}}' is not valid RE2: {{problem}}",
  },
});
