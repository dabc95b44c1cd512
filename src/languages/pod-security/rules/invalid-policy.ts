import { POLICY_FILE, policy } from './examples.js';
import { defineRule } from '../../../core/rule.js';

export const invalidPolicy = defineRule({
  meta: {
    id: 'pod-security/invalid-policy',
    severity: 'error',
    type: 'problem',
    description: 'A pod security policy file that is not valid YAML or does not follow the policy schema.',
    remediation:
      'Correct the field the message names (`schemas/pod-security.schema.json` describes the format).',
    docs: {
      rationale: [
        'Policy files hold `apiVersion: container-host-security/v1`, `kind: PodSecurity`, `metadata.name` and a `spec`',
        'with a `level` and/or `controls` (schema: `schemas/pod-security.schema.json`), or a legacy',
        '`policy/v1beta1` PodSecurityPolicy. A policy with errors is neither evaluated nor rendered.',
      ].join(' '),
      bad: [
        {
          path: POLICY_FILE,
          text: policy(`  namespaces: [shop]
  level: strict
`),
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
    yaml: 'invalid YAML: {{message}}',
    schema: '{{message}}',
    notPolicy:
      'a {{kind}} is not a pod security policy: use kind PodSecurity (apiVersion container-host-security/v1) or a policy/v1beta1 PodSecurityPolicy',
    duplicateKey: 'duplicate key "{{key}}": the later value wins',
    nothing: 'the policy sets neither spec.level nor spec.controls: it checks nothing',
  },
});
