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
          path: 'policies/falco/rules.yaml',
          text: `- required_plugin_versions:
    - name: k8saudit
      version: 0.7.0
- rule: Exec into pod
  desc: someone execs into a pod
  condition: ka.verb = create and ka.target.subresource = exec and ka.user.name != "<NA>"
  output: "pod exec (user=%ka.user.name pod=%ka.target.name)"
  priority: NOTICE
  source: k8s_audit
`,
        },
      ],
      good: [
        {
          path: 'policies/falco/rules.yaml',
          text: `- required_plugin_versions:
    - name: k8saudit
      version: 0.7.0
- rule: Exec into pod
  desc: someone execs into a pod
  condition: ka.verb = create and ka.target.subresource = exec and ka.user.name exists
  output: "pod exec (user=%ka.user.name pod=%ka.target.name)"
  priority: NOTICE
  source: k8s_audit
`,
        },
      ],
    },
    falcoCode: 'LOAD_UNSAFE_NA_CHECK',
  },
  messages: {
    na: "Comparing a field value with <NA> is unsafe and can lead to unpredictable behavior of the rule condition. If you need to check for the existence of a field, consider using the 'exists' operator instead.",
  },
});
