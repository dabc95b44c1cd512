import { effectiveMode } from '../../../core/config.js';
import { defineRule } from '../../../core/rule.js';
import type { CheckContext } from './context.js';
import { NGINX_RULES, PROFILE_FILE, profile } from './examples.js';

export const complainInBlock = defineRule({
  meta: {
    id: 'apparmor/complain-in-block',
    severity: 'warning',
    type: 'problem',
    description: 'A profile in complain (or unconfined) mode deployed to a target in block mode.',
    remediation:
      "Remove `complain` (or `unconfined`) from the profile's flags: the deploy job enforces profiles on block targets and loads them in complain mode on monitor targets.",
    docs: {
      rationale:
        "A profile's own flags win over its target's mode: `flags=(complain)` only logs what it would deny, so on a `block` target it blocks nothing. Remove the flag (the deploy job sets enforce for block targets and complain for monitor targets), or set the target to `monitor`.",
      bad: [
        {
          path: 'chs.yaml',
          text: `version: 1
targets:
  - name: production
    namespaces: [shop]
    mode: block
`,
        },
        { path: PROFILE_FILE, text: profile(NGINX_RULES, 'profile k8s-nginx flags=(complain)') },
      ],
      good: [
        {
          path: 'chs.yaml',
          text: `version: 1
targets:
  - name: production
    namespaces: [shop]
    mode: block
`,
        },
        { path: PROFILE_FILE, text: profile(NGINX_RULES) },
      ],
    },
  },
  messages: {
    complain:
      'profile "{{name}}" has flags=({{flag}}) but target "{{target}}" is in block mode: it will not block anything',
  },
  check: checkComplainInBlock,
});

const NON_BLOCKING = ['complain', 'unconfined', 'default_allow'];

function checkComplainInBlock(context: CheckContext): void {
  const blocking = context.config.targets.filter(
    (t) => effectiveMode(context.config, undefined, t.name) === 'block',
  );
  const target = blocking[0];
  if (!target) return;
  for (const profile of context.model.profiles) {
    if (profile.parent || profile.file !== context.file) continue;
    const flag = profile.node.flags.find((f) => NON_BLOCKING.includes(f.name));
    if (!flag) continue;
    context.report({
      rule: complainInBlock,
      messageId: 'complain',
      data: { name: profile.name, flag: flag.name, target: target.name },
      file: profile.file,
      range: flag,
    });
  }
}
