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
          path: 'policies/apparmor/k8s-nginx',
          text: `profile k8s-nginx {
  /usr/sbin/nginx mr,
  /etc/nginx/** r,
  capability CAP_NET_BIND_SERVICE,
}
`,
        },
      ],
      good: [
        {
          path: 'policies/apparmor/k8s-nginx',
          text: `profile k8s-nginx {
  /usr/sbin/nginx mr,
  /etc/nginx/** r,
  capability net_bind_service,
}
`,
        },
      ],
    },
  },
  messages: { unknown: 'unknown capability "{{name}}"{{hint}}' },
});
