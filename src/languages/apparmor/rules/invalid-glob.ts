import { defineRule } from '../../../core/rule.js';

export const invalidGlob = defineRule({
  meta: {
    id: 'apparmor/invalid-glob',
    severity: 'error',
    type: 'problem',
    description: 'A path or name pattern (AARE) that apparmor_parser cannot compile.',
    remediation: 'TODO-REMEDIATION',
    docs: {
      rationale:
        'AppArmor patterns use `*`, `**`, `?`, `[...]` classes and `{a,b}` alternations; braces and brackets must be balanced, file paths must be absolute (start with `/` or a variable that does).',
      bad: [{ path: 'TODO', text: 'TODO' }],
      good: [{ path: 'TODO', text: 'TODO' }],
    },
  },
  messages: {
    unbalanced: 'unbalanced {{what}} in "{{pattern}}"',
    relative: 'path "{{pattern}}" must be absolute (start with / or a variable)',
    invalid: '{{detail}} in "{{pattern}}"',
  },
});
