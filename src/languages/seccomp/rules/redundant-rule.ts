import { defineRule } from '../../../core/rule.js';
import { EPERM, effectiveErrno, sameAction } from '../actions.js';
import { defaultOf } from '../filter.js';
import type { SeccompCheckContext } from './context.js';
import { PROFILE_FILE, PTRACE_DENIED, allowProfile } from './examples.js';

export const redundantRule = defineRule({
  meta: {
    id: 'seccomp/redundant-rule',
    severity: 'warning',
    type: 'suggestion',
    description: 'A rule whose action is the default action, which runc skips.',
    remediation: 'Remove the rule, or give it the action it was meant to have.',
    docs: {
      rationale:
        'libseccomp refuses a rule whose action equals the default action, so runc drops it without a word. Such a rule does nothing; it also does not override other rules for the same call, as a reader might expect. Remove it.',
      bad: [
        {
          path: PROFILE_FILE,
          text: allowProfile(`[
    { "names": ["read", "write"], "action": "SCMP_ACT_ALLOW" },
    { "names": ["ptrace"], "action": "SCMP_ACT_ERRNO" }
  ]`),
        },
      ],
      good: [{ path: PROFILE_FILE, text: PTRACE_DENIED }],
    },
  },
  messages: { redundant: "this rule's action ({{action}}) is the default action: runc skips it" },
  check: checkRedundantRule,
});

function checkRedundantRule({ profile, report }: SeccompCheckContext): void {
  const fallback = defaultOf(profile);
  if (!profile.defaultAction) return;
  for (const entry of profile.entries) {
    if (!entry.action) continue;
    const errno = effectiveErrno(entry.action.value, entry.errnoRet?.value);
    if (!sameAction(entry.action.value, fallback.action) || (errno ?? EPERM) !== (fallback.errno ?? EPERM))
      continue;
    report({
      rule: redundantRule,
      messageId: 'redundant',
      data: { action: entry.action.value },
      file: profile.file,
      range: entry.action.range,
    });
  }
}
