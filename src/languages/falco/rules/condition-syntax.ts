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
      bad: [
        {
          path: 'policies/falco/rules.yaml',
          text: `- rule: Shell in container
  desc: a shell started in a container
  condition: evt.type = execve and and proc.name = bash
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
  condition: evt.type = execve and proc.name = bash
  output: "shell in a container (command=%proc.cmdline user=%user.name)"
  priority: WARNING
`,
        },
      ],
    },
    falcoCode: 'LOAD_ERR_COMPILE_CONDITION',
  },
  messages: {
    syntax: '{{error}}',
  },
});
