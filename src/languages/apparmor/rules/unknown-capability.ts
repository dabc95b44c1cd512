import { NGINX_RULES, PROFILE_FILE, profile } from './examples.js';
import { defineRule } from '../../../core/rule.js';

export const unknownCapability = defineRule({
  meta: {
    id: 'apparmor/unknown-capability',
    severity: 'error',
    type: 'problem',
    description: 'A capability rule names a capability that does not exist.',
    remediation:
      'Write the capability in lower case without `CAP_` (`capability net_bind_service,`), as capabilities(7) names it.',
    docs: {
      rationale:
        'apparmor_parser rejects unknown capability names (`capability CAP_SYS_ADMIN,` is wrong: write `capability sys_admin,`). See capabilities(7) for the names, lower case and without the `CAP_` prefix.',
      bad: [
        {
          path: PROFILE_FILE,
          text: profile(
            NGINX_RULES +
              `  capability CAP_NET_BIND_SERVICE,
`,
          ),
        },
      ],
      good: [
        {
          path: PROFILE_FILE,
          text: profile(
            NGINX_RULES +
              `  capability net_bind_service,
`,
          ),
        },
      ],
    },
  },
  messages: { unknown: 'unknown capability "{{name}}"{{hint}}' },
});
