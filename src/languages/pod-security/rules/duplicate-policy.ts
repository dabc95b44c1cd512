import { defineRule } from '../../../core/rule.js';
import { rangeAt } from '../../../core/yaml.js';
import type { PolicyCheckContext } from './context.js';
import { POLICY_FILE, policy } from './examples.js';

export const duplicatePolicy = defineRule({
  meta: {
    id: 'pod-security/duplicate-policy',
    severity: 'error',
    type: 'problem',
    description:
      'Two pod security policies with the same name (their rendered objects would overwrite each other).',
    remediation: 'Rename one of the policies, or merge them.',
    docs: {
      rationale:
        'Each policy renders as `chs-<name>` objects in the cluster, so names must be unique across the repository.',
      bad: [
        {
          path: POLICY_FILE,
          text: policy(`  namespaces: [shop]
  controls:
    runAsNonRoot: true
`),
        },
        {
          path: 'policies/pod-security/shop.yaml',
          text: policy(`  namespaces: [shop]
  controls:
    privileged: false
`),
        },
      ],
      good: [
        {
          path: POLICY_FILE,
          text: policy(`  namespaces: [shop]
  controls:
    runAsNonRoot: true
`),
        },
        {
          path: 'policies/pod-security/shop.yaml',
          text: policy(
            `  namespaces: [shop]
  controls:
    privileged: false
`,
            'no-privileged',
          ),
        },
      ],
    },
  },
  messages: { duplicate: 'a policy named "{{name}}" is already defined in {{other}}' },
  check: checkDuplicate,
});

function checkDuplicate({ policy, earlier, report }: PolicyCheckContext): void {
  const other = earlier.get(policy.name);
  if (other === undefined || !policy.file) return;
  const range = rangeAt(policy.root, ['metadata', 'name']) ?? policy.range;
  report({
    rule: duplicatePolicy,
    messageId: 'duplicate',
    data: { name: policy.name, other },
    file: policy.file,
    ...(range ? { range } : {}),
  });
}
