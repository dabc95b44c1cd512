import { defineRule } from '../../../core/rule.js';

export const syntaxError = defineRule({
  meta: {
    id: 'apparmor/syntax-error',
    severity: 'error',
    type: 'problem',
    description: 'Text that apparmor_parser cannot parse.',
    remediation: 'TODO-REMEDIATION',
    docs: {
      rationale:
        'apparmor_parser refuses the whole file, so the profile does not load and a pod that needs it cannot start. The finding points at the token where the statement goes wrong (apparmor_parser often names the next line). Every rule ends with a comma; blocks open with `{` and close with `}`.',
      bad: [{ path: 'TODO', text: 'TODO' }],
      good: [{ path: 'TODO', text: 'TODO' }],
    },
  },
  messages: {
    expected: 'expected {{expected}}, found {{found}}',
    unterminated: 'unterminated {{what}}',
    notHere: '{{what}} is not allowed {{where}}',
    invalid: '{{detail}}',
  },
});
