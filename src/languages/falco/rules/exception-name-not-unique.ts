import { defineRule } from '../../../core/rule.js';

export const exceptionNameNotUnique = defineRule({
  id: 'falco/exception-name-not-unique',
  type: 'problem',
  description: 'Two exceptions with the same name in one rule.',
  docs: 'Exception names identify exceptions for later appends; give each a distinct name.',
  defaultSeverity: 'warning',
  falcoCode: 'LOAD_EXCEPTION_NAME_NOT_UNIQUE',
  messages: { message: '{{message}}' },
});
