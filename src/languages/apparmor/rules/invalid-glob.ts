import { defineRule } from '../../../core/rule.js';

export const invalidGlob = defineRule({
  id: 'apparmor/invalid-glob',
  type: 'problem',
  description: 'A path or name pattern (AARE) that apparmor_parser cannot compile.',
  docs: 'AppArmor patterns use `*`, `**`, `?`, `[...]` classes and `{a,b}` alternations; braces and brackets must be balanced, file paths must be absolute (start with `/` or a variable that does).',
  defaultSeverity: 'error',
  messages: {
    unbalanced: 'unbalanced {{what}} in "{{pattern}}"',
    relative: 'path "{{pattern}}" must be absolute (start with / or a variable)',
    invalid: '{{detail}} in "{{pattern}}"',
  },
});
