import { defineRule } from '../../../core/rule.js';

export const invalidItem = defineRule({
  meta: {
    id: 'falco/invalid-item',
    severity: 'error',
    type: 'problem',
    description: 'A rules file item with a missing key, an empty value or a value of the wrong type.',
    remediation: 'TODO-REMEDIATION',
    docs: {
      rationale:
        "Falco checks the structure of every item: a list needs `items`, a macro `condition`, a rule `condition`, `output`, `desc` and `priority`; values must be scalars or sequences where expected; `override` entries must name keys that can be appended or replaced. The message is Falco's own.",
      bad: [{ path: 'TODO', text: 'TODO' }],
      good: [{ path: 'TODO', text: 'TODO' }],
    },
    falcoCode: 'LOAD_ERR_YAML_VALIDATE',
  },
  messages: { message: '{{message}}' },
});
