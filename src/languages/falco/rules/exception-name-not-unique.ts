import { RULES_FILE, falcoRule } from './examples.js';
import { defineRule } from '../../../core/rule.js';

export const exceptionNameNotUnique = defineRule({
  meta: {
    id: 'falco/exception-name-not-unique',
    severity: 'warning',
    type: 'problem',
    description: 'Two exceptions with the same name in one rule.',
    remediation: 'Give each exception of a rule its own name, or merge their values into one exception.',
    docs: {
      rationale: 'Exception names identify exceptions for later appends; give each a distinct name.',
      bad: [
        {
          path: RULES_FILE,
          text: falcoRule('evt.type = execve and proc.name = bash', {
            extra:
              '  exceptions:\n    - name: known_parents\n      fields: [proc.pname]\n      values: [[sshd]]\n    - name: known_parents\n      fields: [proc.pname]\n      values: [[login]]\n',
          }),
        },
      ],
      good: [
        {
          path: RULES_FILE,
          text: falcoRule('evt.type = execve and proc.name = bash', {
            extra:
              '  exceptions:\n    - name: known_parents\n      fields: [proc.pname]\n      values: [[sshd], [login]]\n',
          }),
        },
      ],
    },
    falcoCode: 'LOAD_EXCEPTION_NAME_NOT_UNIQUE',
  },
  messages: {
    duplicate: "Multiple definitions of exception '{{name}}' in the same rule",
  },
});
