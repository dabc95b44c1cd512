import { defineRule } from '../../../core/rule.js';

export const unknownCapability = defineRule({
  id: 'apparmor/unknown-capability',
  type: 'problem',
  description: 'A capability rule names a capability that does not exist.',
  docs: 'apparmor_parser rejects unknown capability names (`capability CAP_SYS_ADMIN,` is wrong: write `capability sys_admin,`). See capabilities(7) for the names, lower case and without the `CAP_` prefix.',
  defaultSeverity: 'error',
  messages: { unknown: 'unknown capability "{{name}}"{{hint}}' },
});
