import { RULES_FILE, SHELL_RULE, falcoRule } from './examples.js';
import { defineRule } from '../../../core/rule.js';

export const unknownField = defineRule({
  meta: {
    id: 'falco/unknown-field',
    severity: 'error',
    type: 'problem',
    description: "A condition that names a field or an event type the rule's event source does not have.",
    remediation:
      'Correct the field or event type name (`falco --list` names the fields of each source); on a rule that must load on Falco versions without the field, set `skip-if-unknown-filter: true`.',
    docs: {
      rationale:
        "Every field must exist for the rule's `source` (syscall by default; plugin sources have their plugin's fields). Set `skip-if-unknown-filter: true` on a rule that must load on Falco versions without the field: Falco then skips it with a warning.",
      bad: [{ path: RULES_FILE, text: falcoRule('evt.type = execve and proc.nme = bash') }],
      good: [{ path: RULES_FILE, text: SHELL_RULE }],
    },
    falcoCode: 'LOAD_ERR_COMPILE_CONDITION',
  },
  messages: {
    field: '{{problem}}',
    eventType: 'unknown event type {{name}}',
  },
});
