import { defineRule } from '../../../core/rule.js';

export const conditionSyntax = defineRule({
  meta: {
    id: 'falco/condition-syntax',
    severity: 'error',
    type: 'problem',
    description: "A macro or rule condition that Falco's condition parser rejects.",
    remediation: 'TODO-REMEDIATION',
    docs: {
      rationale:
        "The condition language is libsinsp's filter grammar: checks (`field op value`), `and`/`or`/`not`, parentheses, lists, transformers. The message and the column are those of libsinsp's parser; remember that lists are substituted into the text before parsing.",
      bad: [{ path: 'TODO', text: 'TODO' }],
      good: [{ path: 'TODO', text: 'TODO' }],
    },
    falcoCode: 'LOAD_ERR_COMPILE_CONDITION',
  },
  messages: {
    syntax: '{{error}}',
  },
});
