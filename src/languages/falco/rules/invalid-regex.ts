import { defineRule } from '../../../core/rule.js';

export const invalidRegex = defineRule({
  id: 'falco/invalid-regex',
  type: 'problem',
  description: 'A `regex` pattern that RE2 rejects.',
  docs: "Falco's `regex` operator uses RE2, which has no lookaround, backreferences, possessive quantifiers or atomic groups. Rewrite the pattern without them.",
  defaultSeverity: 'error',
  falcoCode: 'LOAD_ERR_COMPILE_CONDITION',
  messages: { message: '{{message}}' },
});
