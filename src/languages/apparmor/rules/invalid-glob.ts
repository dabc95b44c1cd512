import { PROFILE_FILE, profile } from './examples.js';
import { defineRule } from '../../../core/rule.js';

export const invalidGlob = defineRule({
  meta: {
    id: 'apparmor/invalid-glob',
    severity: 'error',
    type: 'problem',
    description: 'A path or name pattern (AARE) that apparmor_parser cannot compile.',
    remediation: 'Balance the braces and brackets, and start file paths with `/` or a variable.',
    docs: {
      rationale:
        'AppArmor patterns use `*`, `**`, `?`, `[...]` classes and `{a,b}` alternations; braces and brackets must be balanced, file paths must be absolute (start with `/` or a variable that does).',
      bad: [
        {
          path: PROFILE_FILE,
          text: profile(`  /usr/sbin/nginx mr,
  /etc/{nginx,ssl/** r,
`),
        },
      ],
      good: [
        {
          path: PROFILE_FILE,
          text: profile(`  /usr/sbin/nginx mr,
  /etc/{nginx,ssl}/** r,
`),
        },
      ],
    },
  },
  messages: {
    unbalanced: 'unbalanced {{what}} in "{{pattern}}"',
    relative: 'path "{{pattern}}" must be absolute (start with / or a variable)',
    invalid: '{{detail}} in "{{pattern}}"',
  },
});
