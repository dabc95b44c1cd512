import { defineRule } from '../../../core/rule.js';

export const exceptionNameNotUnique = defineRule({
  meta: {
    id: 'falco/exception-name-not-unique',
    severity: 'warning',
    type: 'problem',
    description: 'Two exceptions with the same name in one rule.',
    remediation: 'TODO-REMEDIATION',
    docs: {
      rationale: 'Exception names identify exceptions for later appends; give each a distinct name.',
      bad: [{ path: 'TODO', text: 'TODO' }],
      good: [{ path: 'TODO', text: 'TODO' }],
    },
    falcoCode: 'LOAD_EXCEPTION_NAME_NOT_UNIQUE',
  },
  messages: {
    duplicate: "Multiple definitions of exception '{{name}}' in the same rule",
  },
});
