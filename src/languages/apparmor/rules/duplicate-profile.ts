import { defineRule } from '../../../core/rule.js';
import type { CheckContext } from './context.js';
import { NGINX_RULES, PROFILE_FILE, profile } from './examples.js';

export const duplicateProfile = defineRule({
  meta: {
    id: 'apparmor/duplicate-profile',
    severity: 'error',
    type: 'problem',
    description: 'Two profiles (or two hats of one profile) with the same name.',
    remediation: 'Rename one of the profiles (and the pods or policies that reference it), or merge them.',
    docs: {
      rationale:
        'apparmor_parser refuses to load two profiles of the same name in one run; hats and child profiles must be unique within their parent. Rename one of them.',
      bad: [
        {
          path: PROFILE_FILE,
          text:
            profile(NGINX_RULES) +
            profile(`  /usr/sbin/nginx mr,
`),
        },
      ],
      good: [
        {
          path: PROFILE_FILE,
          text:
            profile(NGINX_RULES) +
            profile(
              `  /usr/sbin/nginx mr,
`,
              'profile k8s-nginx-debug',
            ),
        },
      ],
    },
  },
  messages: { duplicate: 'profile "{{name}}" is already defined at {{where}}' },
  check: checkDuplicateAcrossFiles,
});

/**
 * Profiles of one name in two files (within a file, the validator reports them): the loader
 * DaemonSet loads every file on one node, and apparmor_parser keeps only one of them.
 */
function checkDuplicateAcrossFiles(context: CheckContext): void {
  for (const profile of context.model.profiles) {
    if (profile.parent || profile.file !== context.file || !profile.node.name) continue;
    const first = context.facts.apparmorProfiles.get(profile.name);
    if (!first || first.file === context.file) continue;
    context.report({
      rule: duplicateProfile,
      messageId: 'duplicate',
      data: { name: profile.name, where: context.where(first.file, context.file, first.range?.start ?? 0) },
      file: context.file,
      range: profile.node.name,
    });
  }
}
