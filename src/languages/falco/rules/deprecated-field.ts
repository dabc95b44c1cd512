import { defineRule } from '../../../core/rule.js';

export const deprecatedField = defineRule({
  meta: {
    id: 'falco/deprecated-field',
    severity: 'warning',
    type: 'suggestion',
    description: 'A field Falco 0.44 deprecates: `evt.dir`, `evt.latency*`, `evt.wait_latency`.',
    remediation: 'TODO-REMEDIATION',
    docs: {
      rationale:
        'Falco no longer captures enter events, so `evt.dir = <` is always true and `evt.dir = >` always false, and latency fields have no value. Falco 0.44 reports the use (LOAD_DEPRECATED_ITEM); remove the check.',
      bad: [{ path: 'TODO', text: 'TODO' }],
      good: [{ path: 'TODO', text: 'TODO' }],
    },
    falcoCode: 'LOAD_DEPRECATED_ITEM',
  },
  messages: {
    inCondition: "usage of deprecated field '{{field}}' has been detected in the rule condition",
    inOutput: "usage of deprecated field '{{field}}' has been detected in the rule output",
  },
});
