import { defineRule } from '../../../core/rule.js';

export const unsafeNaCheck = defineRule({
  id: 'falco/unsafe-na-check',
  type: 'problem',
  description: 'A k8s audit field compared with `<NA>`.',
  docs: 'Comparing a field with `<NA>` is unsafe: use `exists` (or `not ... exists`) to test whether the field is there.',
  defaultSeverity: 'warning',
  falcoCode: 'LOAD_UNSAFE_NA_CHECK',
  messages: { message: '{{message}}' },
});
