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
  messages: {
    na: "Comparing a field value with <NA> is unsafe and can lead to unpredictable behavior of the rule condition. If you need to check for the existence of a field, consider using the 'exists' operator instead.",
  },
});
