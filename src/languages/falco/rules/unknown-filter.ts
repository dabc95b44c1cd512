import { defineRule } from '../../../core/rule.js';

export const unknownFilter = defineRule({
  id: 'falco/unknown-filter',
  type: 'problem',
  description:
    'A rule with `skip-if-unknown-filter: true` that Falco skips because it names an unknown field or event type.',
  docs: 'The rule will not run on this Falco. That is the purpose of the flag; check that the field is spelled right.',
  defaultSeverity: 'warning',
  falcoCode: 'LOAD_UNKNOWN_FILTER',
  messages: { message: '{{message}}' },
});
