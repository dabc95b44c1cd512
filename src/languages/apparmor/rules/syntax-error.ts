import { NGINX_RULES, PROFILE_FILE, profile } from './examples.js';
import { defineRule } from '../../../core/rule.js';

export const syntaxError = defineRule({
  meta: {
    id: 'apparmor/syntax-error',
    severity: 'error',
    type: 'problem',
    description: 'Text that apparmor_parser cannot parse.',
    remediation:
      'Correct the statement at the position shown: every rule ends with a comma; blocks open with `{` and close with `}`.',
    docs: {
      rationale:
        'apparmor_parser refuses the whole file, so the profile does not load and a pod that needs it cannot start. The finding points at the token where the statement goes wrong (apparmor_parser often names the next line). Every rule ends with a comma; blocks open with `{` and close with `}`.',
      bad: [
        {
          path: PROFILE_FILE,
          text: profile(`  /usr/sbin/nginx mr,
  /etc/nginx/** r
`),
        },
      ],
      good: [{ path: PROFILE_FILE, text: profile(NGINX_RULES) }],
    },
  },
  messages: {
    expected: 'expected {{expected}}, found {{found}}',
    unterminated: 'unterminated {{what}}',
    notHere: '{{what}} is not allowed {{where}}',
    invalid: '{{detail}}',
  },
});
