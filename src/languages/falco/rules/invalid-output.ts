import { defineRule } from '../../../core/rule.js';

export const invalidOutput = defineRule({
  id: 'falco/invalid-output',
  type: 'problem',
  description: "A rule output with a `%field` placeholder the rule's source does not have.",
  docs: 'Falco compiles the output format when it loads the rule and refuses unknown fields (`invalid formatting token`).',
  defaultSeverity: 'error',
  falcoCode: 'LOAD_ERR_COMPILE_OUTPUT',
  messages: { message: '{{message}}' },
});
