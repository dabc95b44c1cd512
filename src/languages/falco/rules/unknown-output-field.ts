import { RULES_FILE, k8sRule } from './examples.js';
import { defineRule } from '../../../core/rule.js';

export const unknownOutputField = defineRule({
  meta: {
    id: 'falco/unknown-output-field',
    severity: 'warning',
    type: 'problem',
    description:
      "An output placeholder that the rule's plugin source does not have, in a rule Falco would skip because the plugin is not required.",
    remediation: "Use a field of the rule's source in the output (`%ka.user.name` for k8s_audit, say).",
    docs: {
      rationale:
        "Falco skips rules of sources whose plugin is not loaded without looking at them; chs still checks their outputs against the plugin's fields so that the mistake is not found on the day the plugin is loaded.",
      bad: [
        {
          path: RULES_FILE,
          text: k8sRule('ka.verb = create and ka.target.subresource = exec', {
            output: '"pod exec (user=%user.name pod=%ka.target.name)"',
          }),
        },
      ],
      good: [{ path: RULES_FILE, text: k8sRule('ka.verb = create and ka.target.subresource = exec') }],
    },
  },
  messages: {
    unknown: "'%{{field}}' is not a field of the {{source}} source",
  },
});
