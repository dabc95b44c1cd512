import { defineRule } from '../../../core/rule.js';

export const unknownSeccompProfile = defineRule({
  id: 'pod-security/unknown-seccomp-profile',
  type: 'problem',
  description:
    'A policy allows or requires a seccomp profile `localhost/<path>` that no seccomp file of the repository defines.',
  docs: [
    "A `localhost/<path>` seccomp profile is a file under the kubelet's seccomp directory; chs installs the",
    "repository's profiles there, named by their path in the repository. A path no profile has is a typo or a",
    'missing file. When the repository defines no seccomp profile at all, it does not manage seccomp through chs,',
    'and this rule stays silent.',
  ].join(' '),
  defaultSeverity: 'error',
  messages: { unknown: 'no seccomp profile of the repository is at "{{name}}"{{hint}}' },
});
