import { defineRule } from '../../../core/rule.js';

export const unsafeNaCheck = defineRule({
  meta: {
    id: 'falco/unsafe-na-check',
    severity: 'warning',
    type: 'problem',
    description: 'A k8s audit field compared with `<NA>`.',
    remediation: 'TODO-REMEDIATION',
    docs: {
      rationale:
        'Comparing a field with `<NA>` is unsafe: use `exists` (or `not ... exists`) to test whether the field is there.',
      bad: [{ path: 'TODO', text: 'TODO' }],
      good: [{ path: 'TODO', text: 'TODO' }],
    },
    falcoCode: 'LOAD_UNSAFE_NA_CHECK',
  },
  messages: { message: '{{message}}' },
});
