import { RULES_FILE, falcoRule } from './examples.js';
import { defineRule } from '../../../core/rule.js';

export const outputFieldRunOn = defineRule({
  meta: {
    id: 'falco/output-field-run-on',
    severity: 'warning',
    type: 'problem',
    description: 'An output placeholder with text run on after its field name (`%user.namecontainerid=`).',
    remediation: 'Put a blank or punctuation after the field name, or correct the field name.',
    docs: {
      rationale:
        "Falco's output formatter (libsinsp) reads a `%` placeholder as the longest field name that the text after `%` starts with, and prints the rest as text: `%user.namecontainerid=%container.id` prints the user name, then `containerid=` and the container id. That is rarely what was meant: a missing blank, or a misspelt field that happens to start with a real one.",
      bad: [
        {
          path: RULES_FILE,
          text: falcoRule('evt.type = execve and proc.name = bash', {
            output: '"shell (user=%user.namecontainerid=%container.id)"',
          }),
        },
      ],
      good: [
        {
          path: RULES_FILE,
          text: falcoRule('evt.type = execve and proc.name = bash', {
            output: '"shell (user=%user.name containerid=%container.id)"',
          }),
        },
      ],
    },
  },
  messages: {
    runOn:
      "Falco reads %{{token}} as the field {{field}} followed by the text '{{rest}}': put a blank or punctuation after %{{field}}, or correct the field name",
  },
});
