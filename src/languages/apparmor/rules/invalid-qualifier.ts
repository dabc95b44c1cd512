import { defineRule } from '../../../core/rule.js';

export const invalidQualifier = defineRule({
  id: 'apparmor/invalid-qualifier',
  type: 'problem',
  description:
    'A rule qualifier (audit, allow, deny, owner, priority) in the wrong order or on a rule that does not take it.',
  docs: 'Qualifiers come in the order `priority=N audit allow|deny owner`. `owner` applies to file rules only; `allow` and `deny` exclude each other.',
  defaultSeverity: 'error',
  messages: {
    order: '"{{word}}" must come before "{{other}}"',
    notFor: '"{{word}}" is not allowed on {{kind}} rules',
    both: '"allow" and "deny" exclude each other',
    repeated: '"{{word}}" is repeated',
  },
});
