import { RULES_FILE, k8sRule } from './examples.js';
import { defineRule } from '../../../core/rule.js';

export const unsafeNaCheck = defineRule({
  meta: {
    id: 'falco/unsafe-na-check',
    severity: 'warning',
    type: 'problem',
    description: 'A k8s audit field compared with `<NA>`.',
    remediation:
      'Test for the field with `exists` (`ka.user.name exists`), or `not ka.user.name exists` for its absence.',
    docs: {
      rationale:
        'Comparing a field with `<NA>` is unsafe: use `exists` (or `not ... exists`) to test whether the field is there.',
      bad: [
        {
          path: RULES_FILE,
          text: k8sRule('ka.verb = create and ka.target.subresource = exec and ka.user.name != "<NA>"', {
            requirePlugin: true,
          }),
        },
      ],
      good: [
        {
          path: RULES_FILE,
          text: k8sRule('ka.verb = create and ka.target.subresource = exec and ka.user.name exists', {
            requirePlugin: true,
          }),
        },
      ],
    },
    falcoCode: 'LOAD_UNSAFE_NA_CHECK',
  },
  messages: {
    na: "Comparing a field value with <NA> is unsafe and can lead to unpredictable behavior of the rule condition. If you need to check for the existence of a field, consider using the 'exists' operator instead.",
  },
});
