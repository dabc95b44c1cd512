import { defineRule } from '../../../core/rule.js';

export const undefinedListName = defineRule({
  meta: {
    id: 'falco/undefined-list-name',
    severity: 'warning',
    type: 'problem',
    description: 'A bare word in a list that looks like a list name, but no such list is defined.',
    remediation: 'TODO-REMEDIATION',
    docs: {
      rationale:
        'Falco replaces list names by their items; a name it does not know stays a plain string, so `proc.name in (my_shell_binaries)` silently compares with the word itself. Define the list (or load the file that defines it as a baseline), or quote the word if it is meant literally.',
      bad: [{ path: 'TODO', text: 'TODO' }],
      good: [{ path: 'TODO', text: 'TODO' }],
    },
  },
  messages: {
    literal: "'{{value}}' looks like a list name, but no list '{{value}}' is defined: Falco compares it as the literal string '{{value}}'",
  },
});
