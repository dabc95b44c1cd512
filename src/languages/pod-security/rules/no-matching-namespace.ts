import { defineRule } from '../../../core/rule.js';

export const noMatchingNamespace = defineRule({
  id: 'pod-security/no-matching-namespace',
  type: 'problem',
  description:
    'A policy that applies to no namespace: an empty list, every namespace exempted, or none in any target.',
  docs: [
    'A policy that matches no namespace is never enforced. Check `spec.namespaces`, `spec.exemptions.namespaces`',
    'and the namespaces of the targets in `chs.yaml`.',
  ].join(' '),
  defaultSeverity: 'warning',
  messages: {
    empty: 'spec.namespaces is empty: the policy applies to no namespace',
    allExempt: 'every namespace the policy names is also exempted',
    noTarget: 'none of the namespaces {{namespaces}} is in a target of chs.yaml (targets cover {{targets}})',
    selector: 'the namespace selector can match no namespace: {{why}}',
  },
});
