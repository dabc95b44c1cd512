import { defineRule } from '../../../core/rule.js';

export const unknownCapability = defineRule({
  meta: {
    id: 'apparmor/unknown-capability',
    severity: 'error',
    type: 'problem',
    description: 'A capability rule names a capability that does not exist.',
    remediation: 'TODO-REMEDIATION',
    docs: {
      rationale:
        'apparmor_parser rejects unknown capability names (`capability CAP_SYS_ADMIN,` is wrong: write `capability sys_admin,`). See capabilities(7) for the names, lower case and without the `CAP_` prefix.',
      bad: [{ path: 'TODO', text: 'TODO' }],
      good: [{ path: 'TODO', text: 'TODO' }],
    },
  },
  messages: { unknown: 'unknown capability "{{name}}"{{hint}}' },
});
