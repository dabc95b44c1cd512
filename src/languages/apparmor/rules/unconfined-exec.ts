import { defineRule } from '../../../core/rule.js';
import type { CheckContext } from './context.js';
import { NGINX_RULES, PROFILE_FILE, profile } from './examples.js';

export const unconfinedExec = defineRule({
  meta: {
    id: 'apparmor/unconfined-exec',
    severity: 'warning',
    type: 'problem',
    description:
      'An exec rule that runs a program unconfined (ux, Ux, or a px/cx that falls back to unconfined).',
    remediation:
      'Use `ix` (the program runs under this profile), `px` to a profile of its own, or `cx` to a child profile.',
    docs: {
      rationale:
        'In a container profile, `ux`/`Ux` (and `pux`, `PUx`, `cux`, `CUx`, whose fallback is unconfined) let the program run with no AppArmor confinement at all: the profile then blocks nothing for it. Use `ix` (inherit this profile), `px` to a dedicated profile, or `cx` to a child profile.',
      bad: [
        {
          path: PROFILE_FILE,
          text: profile(
            NGINX_RULES +
              `  /usr/bin/helper ux,
`,
          ),
        },
      ],
      good: [
        {
          path: PROFILE_FILE,
          text: profile(
            NGINX_RULES +
              `  /usr/bin/helper ix,
`,
          ),
        },
      ],
    },
  },
  messages: { unconfined: '"{{mode}}" runs {{path}} unconfined; use ix, px or cx instead' },
  check: checkUnconfinedExec,
});

function checkUnconfinedExec(context: CheckContext): void {
  for (const profile of context.model.profiles) {
    for (const { rule, file } of profile.rules) {
      if (file !== context.file || rule.kind !== 'file' || rule.qualifiers.deny) continue;
      const exec = rule.permissions.exec;
      if (!exec || !/[uU]x$/.test(exec)) continue;
      context.report({
        rule: unconfinedExec,
        messageId: 'unconfined',
        data: { mode: exec, path: rule.path?.text ?? 'the program' },
        file,
        range: rule.permissionsWord ?? rule,
      });
    }
  }
}
