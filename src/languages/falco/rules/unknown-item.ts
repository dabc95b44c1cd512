import { defineRule } from '../../../core/rule.js';

export const unknownItem = defineRule({
  meta: {
    id: 'falco/unknown-item',
    severity: 'warning',
    type: 'problem',
    description: 'A top-level item that is not a rule, macro, list or version requirement.',
    remediation: 'TODO-REMEDIATION',
    docs: {
      rationale:
        'Falco ignores such items; a typo in `rule:`, `macro:` or `list:` makes the whole item disappear.',
      bad: [{ path: 'TODO', text: 'TODO' }],
      good: [{ path: 'TODO', text: 'TODO' }],
    },
    falcoCode: 'LOAD_UNKNOWN_ITEM',
  },
  messages: {
    unknown: 'Unknown top level item',
  },
});
