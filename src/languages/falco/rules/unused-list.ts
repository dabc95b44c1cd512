import { defineRule } from '../../../core/rule.js';

export const unusedList = defineRule({
  meta: {
    id: 'falco/unused-list',
    severity: 'warning',
    type: 'suggestion',
    description: 'A list no rule, macro or list uses.',
    remediation: 'TODO-REMEDIATION',
    docs: {
      rationale: 'Falco warns about lists that nothing refers to. Remove it, or use it.',
      bad: [{ path: 'TODO', text: 'TODO' }],
      good: [{ path: 'TODO', text: 'TODO' }],
    },
    falcoCode: 'LOAD_UNUSED_LIST',
  },
  messages: {
    unused: 'List not referred to by any other rule/macro',
  },
});
