import { defineRule } from '../../../core/rule.js';

export const duplicateProfile = defineRule({
  id: 'apparmor/duplicate-profile',
  type: 'problem',
  description: 'Two profiles (or two hats of one profile) with the same name.',
  docs: 'apparmor_parser refuses to load two profiles of the same name in one run; hats and child profiles must be unique within their parent. Rename one of them.',
  defaultSeverity: 'error',
  messages: { duplicate: 'profile "{{name}}" is already defined at {{where}}' },
});
