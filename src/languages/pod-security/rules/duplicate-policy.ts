import { defineRule } from '../../../core/rule.js';
import { rangeAt } from '../../../core/yaml.js';
import type { PolicyCheckContext } from './context.js';

export const duplicatePolicy = defineRule({
  meta: {
    id: 'pod-security/duplicate-policy',
    severity: 'error',
    type: 'problem',
    description:
      'Two pod security policies with the same name (their rendered objects would overwrite each other).',
    remediation: 'TODO-REMEDIATION',
    docs: {
      rationale:
        'Each policy renders as `chs-<name>` objects in the cluster, so names must be unique across the repository.',
      bad: [{ path: 'TODO', text: 'TODO' }],
      good: [{ path: 'TODO', text: 'TODO' }],
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
