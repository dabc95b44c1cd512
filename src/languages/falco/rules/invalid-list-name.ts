import { RULES_FILE, falcoRule } from './examples.js';
import { defineRule } from '../../../core/rule.js';

export const invalidListName = defineRule({
  meta: {
    id: 'falco/invalid-list-name',
    severity: 'warning',
    type: 'problem',
    description: 'A list name that conditions cannot refer to.',
    remediation:
      "Rename the list without spaces, quotes, parentheses, `=` or `,` (snake_case, as Falco's own lists).",
    docs: {
      rationale:
        'A list is substituted where its name appears as a bare word: the name must not contain blanks, quotes, parentheses, commas or `=`.',
      bad: [
        {
          path: RULES_FILE,
          text:
            `- list: "shell binaries"
  items: [bash, sh]
` + falcoRule('evt.type = execve and proc.name in ("shell binaries")'),
        },
      ],
      good: [
        {
          path: RULES_FILE,
          text:
            `- list: shell_binaries
  items: [bash, sh]
` + falcoRule('evt.type = execve and proc.name in (shell_binaries)'),
        },
      ],
    },
    falcoCode: 'LOAD_INVALID_LIST_NAME',
  },
  messages: {
    invalid: `List has an invalid name. List names should match a regular expression: ([^()"'[:space:]=,]+)`,
  },
});
