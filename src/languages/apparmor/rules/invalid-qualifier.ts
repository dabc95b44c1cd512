import { NGINX_RULES, PROFILE_FILE, profile } from './examples.js';
import { defineRule } from '../../../core/rule.js';

export const invalidQualifier = defineRule({
  meta: {
    id: 'apparmor/invalid-qualifier',
    severity: 'error',
    type: 'problem',
    description:
      'A rule qualifier (audit, allow, deny, owner, priority) in the wrong order or on a rule that does not take it.',
    remediation:
      'Write the qualifiers in the order `priority=N audit allow|deny owner`, and only on rules that take them.',
    docs: {
      rationale:
        'Qualifiers come in the order `priority=N audit allow|deny owner`. `owner` applies to file rules only; `allow` and `deny` exclude each other.',
      bad: [
        {
          path: PROFILE_FILE,
          text: profile(
            NGINX_RULES +
              `  deny audit /etc/shadow r,
`,
          ),
        },
      ],
      good: [
        {
          path: PROFILE_FILE,
          text: profile(
            NGINX_RULES +
              `  audit deny /etc/shadow r,
`,
          ),
        },
      ],
    },
  },
  messages: {
    order: '"{{word}}" must come before "{{other}}"',
    notFor: '"{{word}}" is not allowed on {{kind}} rules',
    both: '"allow" and "deny" exclude each other',
    repeated: '"{{word}}" is repeated',
  },
});
