import { defineRule } from '../../../core/rule.js';

export const outputFieldRunOn = defineRule({
  id: 'falco/output-field-run-on',
  type: 'problem',
  description: 'An output placeholder with text run on after its field name (`%user.namecontainerid=`).',
  docs: "Falco's output formatter reads a `%` placeholder as the longest field name the text after `%` starts with, and prints the rest as text: `%user.namecontainerid=%container.id` prints the user name followed by `containerid=` and the container id. That is rarely what was meant (a missing blank, or a misspelt field that happens to start with a real one). Put a blank or punctuation after the field name, or correct the name.",
  defaultSeverity: 'warning',
  messages: { message: '{{message}}' },
});
