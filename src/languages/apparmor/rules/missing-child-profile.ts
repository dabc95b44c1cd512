import { defineRule } from '../../../core/rule.js';
import { compileAare, expandPattern } from '../aare.js';
import type { CheckContext } from './context.js';
import { NGINX_RULES, PROFILE_FILE, profile } from './examples.js';

export const missingChildProfile = defineRule({
  meta: {
    id: 'apparmor/missing-child-profile',
    severity: 'error',
    type: 'problem',
    description: 'A cx transition to a child profile that the profile does not define.',
    remediation:
      'Add the child profile (`profile NAME { ... }`) inside the profile, or use `px` to a profile of its own or `ix`.',
    docs: {
      rationale:
        '`/usr/bin/tool cx -> helper,` (or `cx` without a target, which looks for a child profile attached to the program) needs `profile helper { ... }` inside the same profile. Without it the exec is denied (or, with `cux`, runs unconfined).',
      bad: [
        {
          path: PROFILE_FILE,
          text: profile(
            NGINX_RULES +
              `  /usr/bin/helper cx -> helper,
`,
          ),
        },
      ],
      good: [
        {
          path: PROFILE_FILE,
          text: profile(
            NGINX_RULES +
              `  /usr/bin/helper cx -> helper,

  profile helper {
    /usr/bin/helper mr,
  }
`,
          ),
        },
      ],
    },
  },
  messages: { missing: 'no child profile "{{name}}" in profile "{{profile}}"{{hint}}' },
  check: checkMissingChildProfile,
});

function checkMissingChildProfile(context: CheckContext): void {
  for (const profile of context.model.profiles) {
    for (const { rule, file } of profile.rules) {
      if (file !== context.file || rule.kind !== 'file' || rule.qualifiers.deny) continue;
      const exec = rule.permissions.exec;
      if (!exec || !/^[cC]/.test(exec)) continue;
      const children = profile.children;
      let wanted: string;
      let found: boolean;
      if (rule.target) {
        wanted = rule.target.text.replace(/^&/, '');
        found = children.some((child) => child.localName === wanted);
      } else {
        const path = expandPattern(rule.path?.text ?? '', context.model.variables);
        wanted = path;
        found = children.some((child) => {
          const attach = child.node.attachment?.text ?? child.localName;
          if (attach === path) return true;
          if (!attach.startsWith('/') || /[*?[{]/.test(path)) return false;
          return compileAare(expandPattern(attach, context.model.variables)).test(path);
        });
      }
      if (found) continue;
      const names = children.map((c) => c.localName);
      context.report({
        rule: missingChildProfile,
        messageId: 'missing',
        data: {
          name: wanted,
          profile: profile.name,
          hint: names.length > 0 ? ` (children: ${names.join(', ')})` : '',
        },
        file,
        range: rule.target ?? rule.permissionsWord ?? rule,
      });
    }
  }
}
