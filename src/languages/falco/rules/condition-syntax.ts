import { defineRule } from '../../../core/rule.js';

export const conditionSyntax = defineRule({
  id: 'falco/condition-syntax',
  type: 'problem',
  description: "A macro or rule condition that Falco's condition parser rejects.",
  docs: "The condition language is libsinsp's filter grammar: checks (`field op value`), `and`/`or`/`not`, parentheses, lists, transformers. The message and the column are those of libsinsp's parser; remember that lists are substituted into the text before parsing.",
  defaultSeverity: 'error',
  falcoCode: 'LOAD_ERR_COMPILE_CONDITION',
  messages: { message: '{{message}}' },
});
