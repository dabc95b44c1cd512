import { RULES_FILE, SHELL_RULE, falcoRule } from './examples.js';
import { defineRule } from '../../../core/rule.js';

export const conditionSyntax = defineRule({
  meta: {
    id: 'falco/condition-syntax',
    severity: 'error',
    type: 'problem',
    description: "A macro or rule condition that Falco's condition parser rejects.",
    remediation:
      'Correct the condition at the position shown: operators are `and`, `or`, `not`, comparisons such as `=`, `in`, `startswith`; parentheses must balance.',
    docs: {
      rationale:
        "The condition language is libsinsp's filter grammar: checks (`field op value`), `and`/`or`/`not`, parentheses, lists, transformers. The message and the column are those of libsinsp's parser; remember that lists are substituted into the text before parsing.",
      bad: [{ path: RULES_FILE, text: falcoRule('evt.type = execve and and proc.name = bash') }],
      good: [{ path: RULES_FILE, text: SHELL_RULE }],
    },
    falcoCode: 'LOAD_ERR_COMPILE_CONDITION',
  },
  messages: {
    syntax: '{{error}}',
  },
});
