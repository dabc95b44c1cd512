import { defineRule } from '../../../core/rule.js';

export const legacyField = defineRule({
  meta: {
    id: 'pod-security/legacy-field',
    severity: 'warning',
    type: 'problem',
    description:
      'A PodSecurityPolicy field that has no faithful translation (mutating defaults, ranges, drivers).',
    remediation: 'TODO-REMEDIATION',
    docs: {
      rationale: [
        'PodSecurityPolicy could change pods (default capabilities, default seccomp or AppArmor profiles, user, group',
        'and SELinux defaults) and check numeric ranges. Admission policies validate and do not mutate, so these',
        'fields are dropped from the translation: set the values in the workloads themselves, or add the matching',
        'explicit control to a `PodSecurity` policy.',
      ].join(' '),
      bad: [{ path: 'TODO', text: 'TODO' }],
      good: [{ path: 'TODO', text: 'TODO' }],
    },
  },
  messages: {
    mutating: '{{field}} changed pods (a mutating default) and is not carried over: {{hint}}',
    notCarried: '{{field}} is not carried over: {{hint}}',
  },
});
