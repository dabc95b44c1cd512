import { defineRule } from '../../../core/rule.js';

export const appendNoValues = defineRule({
  meta: {
    id: 'falco/append-no-values',
    severity: 'warning',
    type: 'suggestion',
    description: 'An exception appended or overridden without values.',
    remediation: 'TODO-REMEDIATION',
    docs: {
      rationale: 'An exception override without `values` adds nothing.',
      bad: [{ path: 'TODO', text: 'TODO' }],
      good: [{ path: 'TODO', text: 'TODO' }],
    },
    falcoCode: 'LOAD_APPEND_NO_VALUES',
  },
  messages: {
    noValues: 'Overriding/appending exception with no values',
  },
});
