import { defineRule } from '../../../core/rule.js';
import { legacyPsp } from './examples.js';

export const legacyField = defineRule({
  meta: {
    id: 'pod-security/legacy-field',
    severity: 'warning',
    type: 'problem',
    description:
      'A PodSecurityPolicy field that has no faithful translation (mutating defaults, ranges, drivers).',
    remediation:
      'Set the value in the workloads themselves, or express the check as an explicit control of a `PodSecurity` policy.',
    docs: {
      rationale: [
        'PodSecurityPolicy could change pods (default capabilities, default seccomp or AppArmor profiles, user, group',
        'and SELinux defaults) and check numeric ranges. Admission policies validate and do not mutate, so these',
        'fields are dropped from the translation: set the values in the workloads themselves, or add the matching',
        'explicit control to a `PodSecurity` policy.',
      ].join(' '),
      bad: [
        {
          path: 'policies/pod-security/legacy.yaml',
          text: legacyPsp('  defaultAddCapabilities: [NET_BIND_SERVICE]\n'),
        },
      ],
      good: [
        {
          path: 'policies/pod-security/legacy.yaml',
          text: legacyPsp(),
        },
      ],
    },
  },
  messages: {
    mutating: '{{field}} changed pods (a mutating default) and is not carried over: {{hint}}',
    notCarried: '{{field}} is not carried over: {{hint}}',
  },
});
