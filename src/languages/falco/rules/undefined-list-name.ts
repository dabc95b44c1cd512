import { RULES_FILE, falcoRule } from './examples.js';
import { defineRule } from '../../../core/rule.js';

export const undefinedListName = defineRule({
  meta: {
    id: 'falco/undefined-list-name',
    severity: 'warning',
    type: 'problem',
    description: 'A bare word in a list that looks like a list name, but no such list is defined.',
    remediation:
      'Define the list (in the file, an earlier file or `falco.baseline`), or quote the value if the literal string is meant.',
    docs: {
      rationale:
        'Falco replaces list names by their items; a name it does not know stays a plain string, so `proc.name in (my_shell_binaries)` silently compares with the word itself. Define the list (or load the file that defines it as a baseline), or quote the word if it is meant literally.',
      bad: [
        { path: RULES_FILE, text: falcoRule('evt.type = execve and proc.name in (shell_binaries, zsh)') },
      ],
      good: [
        {
          path: RULES_FILE,
          text:
            `- list: shell_binaries
  items: [bash, sh]
` + falcoRule('evt.type = execve and proc.name in (shell_binaries, zsh)'),
        },
      ],
    },
  },
  messages: {
    literal:
      "'{{value}}' looks like a list name, but no list '{{value}}' is defined: Falco compares it as the literal string '{{value}}'",
  },
});
