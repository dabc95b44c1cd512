import { defineRule } from '../../../core/rule.js';

export const duplicatePolicy = defineRule({
  id: 'pod-security/duplicate-policy',
  type: 'problem',
  description:
    'Two pod security policies with the same name (their rendered objects would overwrite each other).',
  docs: 'Each policy renders as `chs-<name>` objects in the cluster, so names must be unique across the repository.',
  defaultSeverity: 'error',
  messages: { duplicate: 'a policy named "{{name}}" is already defined in {{other}}' },
});
