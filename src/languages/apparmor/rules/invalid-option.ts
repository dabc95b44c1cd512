import { NGINX_RULES, PROFILE_FILE, profile } from './examples.js';
import { defineRule } from '../../../core/rule.js';

export const invalidOption = defineRule({
  meta: {
    id: 'apparmor/invalid-option',
    severity: 'error',
    type: 'problem',
    description: 'A rule with a condition, name or value apparmor_parser rejects.',
    remediation: 'Correct the value or condition the message names (apparmor.d(5) lists them per rule kind).',
    docs: {
      rationale:
        'Network rules take a known address family, socket type or protocol; signal rules known signal names (`hup`, `rtmin+0`...); mount rules known options and file systems; rlimit rules a known limit and a value in its unit; dbus, unix and mqueue rules their own conditions. The message names what is wrong.',
      bad: [
        {
          path: PROFILE_FILE,
          text: profile(
            NGINX_RULES +
              `  network inet stram,
`,
          ),
        },
      ],
      good: [
        {
          path: PROFILE_FILE,
          text: profile(
            NGINX_RULES +
              `  network inet stream,
`,
          ),
        },
      ],
    },
  },
  messages: {
    unknownKey: '{{kind}} rules do not take "{{key}}="{{hint}}',
    badValue: 'invalid {{what}} "{{value}}"{{hint}}',
    invalid: '{{detail}}',
  },
});
