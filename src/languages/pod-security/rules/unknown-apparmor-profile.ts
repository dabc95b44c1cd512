import { defineRule } from '../../../core/rule.js';

export const unknownApparmorProfile = defineRule({
  id: 'pod-security/unknown-apparmor-profile',
  type: 'problem',
  description:
    'A policy allows or requires an AppArmor profile `localhost/<name>` that no AppArmor file of the repository defines.',
  docs: [
    'A `localhost/<name>` profile must be loaded on every node before a pod can use it; chs loads the profiles of',
    'the repository. A name no profile defines is a typo or a missing file. When the repository defines no',
    'AppArmor profile at all, it does not manage AppArmor through chs (the profiles come from the nodes), and',
    'this rule stays silent.',
  ].join(' '),
  defaultSeverity: 'error',
  messages: { unknown: 'no AppArmor profile of the repository is named "{{name}}"{{hint}}' },
});
