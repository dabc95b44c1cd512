import { POLICY_FILE, legacyPsp, policy } from './examples.js';
import { defineRule } from '../../../core/rule.js';

export const legacyPolicy = defineRule({
  meta: {
    id: 'pod-security/legacy-policy',
    severity: 'info',
    type: 'suggestion',
    description:
      'A legacy PodSecurityPolicy (policy/v1beta1), translated to explicit controls, with the Pod Security Standards level it comes closest to.',
    remediation:
      'Rewrite the policy as a `PodSecurity` policy with the suggested level or the translated controls, and name its namespaces.',
    docs: {
      rationale: [
        'Kubernetes removed PodSecurityPolicy in 1.25. chs reads it and translates what it can into explicit controls,',
        'deployed as a ValidatingAdmissionPolicy. A PSP applied to the pods whose user or service account was allowed',
        'to `use` it (RBAC); the translation applies to every pod of the namespaces it selects, so name them with',
        '`spec.namespaces` once you rewrite it as a `PodSecurity` policy. The suggested level is the strictest Pod',
        'Security Standards level that admits everything the PSP admitted.',
      ].join(' '),
      bad: [
        {
          path: 'policies/pod-security/legacy.yaml',
          text: legacyPsp(),
        },
      ],
      good: [
        {
          path: POLICY_FILE,
          text: policy(`  namespaces: [shop]
  level: restricted
`),
        },
      ],
    },
  },
  messages: {
    translated:
      'legacy PodSecurityPolicy "{{name}}" translated to explicit controls; it applies to every pod of its namespaces (RBAC "use" is not carried over); closest Pod Security Standards level: {{level}}',
  },
});
