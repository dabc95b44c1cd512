import { defineRule } from '../../../core/rule.js';
import type { CheckContext } from './context.js';

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
          path: 'policies/apparmor/k8s-nginx',
          text: `profile k8s-nginx {
  /usr/sbin/nginx mr,
  /etc/nginx/** r,
}
profile k8s-nginx {
  /usr/sbin/nginx mr,
}
`,
        },
      ],
      good: [
        {
          path: 'policies/apparmor/k8s-nginx',
          text: `profile k8s-nginx {
  /usr/sbin/nginx mr,
  /etc/nginx/** r,
}
profile k8s-nginx-debug {
  /usr/sbin/nginx mr,
}
`,
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
