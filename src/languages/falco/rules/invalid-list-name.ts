import { defineRule } from '../../../core/rule.js';

export const invalidListName = defineRule({
  meta: {
    id: 'falco/invalid-list-name',
    severity: 'warning',
    type: 'problem',
    description: 'A list name that conditions cannot refer to.',
    remediation: 'TODO-REMEDIATION',
    docs: {
      rationale:
        'A list is substituted where its name appears as a bare word: the name must not contain blanks, quotes, parentheses, commas or `=`.',
      bad: [{ path: 'TODO', text: 'TODO' }],
      good: [{ path: 'TODO', text: 'TODO' }],
    },
    falcoCode: 'LOAD_INVALID_LIST_NAME',
  },
  messages: {
    invalid: `List has an invalid name. List names should match a regular expression: ([^()"'[:space:]=,]+)`,
  },
});
