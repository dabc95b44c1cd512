import { RULES_FILE, falcoRule } from './examples.js';
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
      bad: [{ path: RULES_FILE, text: falcoRule("evt.type = execve and proc.name regex '(ba|z)sh('") }],
      good: [{ path: RULES_FILE, text: falcoRule("evt.type = execve and proc.name regex '^(ba|z)sh$'") }],
    },
    falcoCode: 'LOAD_ERR_COMPILE_CONDITION',
  },
  messages: {
    invalid: "regex '{{regex}}' is not valid RE2: {{problem}}",
  },
});
