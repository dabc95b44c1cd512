import { defineRule } from '../../../core/rule.js';

export const unknownFilter = defineRule({
  meta: {
    id: 'falco/unknown-filter',
    severity: 'warning',
    type: 'problem',
    description:
      'A rule with `skip-if-unknown-filter: true` that Falco skips because it names an unknown field or event type.',
    remediation: 'TODO-REMEDIATION',
    docs: {
      rationale:
        'The rule will not run on this Falco. That is the purpose of the flag; check that the field is spelled right.',
      bad: [{ path: 'TODO', text: 'TODO' }],
      good: [{ path: 'TODO', text: 'TODO' }],
    },
    falcoCode: 'LOAD_UNKNOWN_FILTER',
  },
  messages: {
    skipped: '{{detail}}',
  },
});
