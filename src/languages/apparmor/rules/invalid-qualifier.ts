import { defineRule } from '../../../core/rule.js';

export const invalidQualifier = defineRule({
  meta: {
    id: 'apparmor/invalid-qualifier',
    severity: 'error',
    type: 'problem',
    description:
      'A rule qualifier (audit, allow, deny, owner, priority) in the wrong order or on a rule that does not take it.',
    remediation: 'TODO-REMEDIATION',
    docs: {
      rationale:
        'Qualifiers come in the order `priority=N audit allow|deny owner`. `owner` applies to file rules only; `allow` and `deny` exclude each other.',
      bad: [{ path: 'TODO', text: 'TODO' }],
      good: [{ path: 'TODO', text: 'TODO' }],
    },
  },
  messages: {
    order: '"{{word}}" must come before "{{other}}"',
    notFor: '"{{word}}" is not allowed on {{kind}} rules',
    both: '"allow" and "deny" exclude each other',
    repeated: '"{{word}}" is repeated',
  },
});
