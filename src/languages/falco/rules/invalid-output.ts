import { defineRule } from '../../../core/rule.js';

export const invalidOutput = defineRule({
  meta: {
    id: 'falco/invalid-output',
    severity: 'error',
    type: 'problem',
    description: "A rule output with a `%field` placeholder the rule's source does not have.",
    remediation: 'TODO-REMEDIATION',
    docs: {
      rationale:
        'Falco compiles the output format when it loads the rule and refuses unknown fields (`invalid formatting token`).',
      bad: [{ path: 'TODO', text: 'TODO' }],
      good: [{ path: 'TODO', text: 'TODO' }],
    },
    falcoCode: 'LOAD_ERR_COMPILE_OUTPUT',
  },
  messages: {
    token: 'invalid formatting token {{token}}',
  },
});
