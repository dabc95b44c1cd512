import { defineRule } from '../../../core/rule.js';
import { EPERM, effectiveErrno, sameAction } from '../actions.js';
import { defaultOf } from '../filter.js';
import type { SeccompCheckContext } from './context.js';

export const redundantRule = defineRule({
  meta: {
    id: 'seccomp/redundant-rule',
    severity: 'warning',
    type: 'suggestion',
    description: 'A rule whose action is the default action, which runc skips.',
    remediation: 'TODO-REMEDIATION',
    docs: {
      rationale:
        'libseccomp refuses a rule whose action equals the default action, so runc drops it without a word. Such a rule does nothing; it also does not override other rules for the same call, as a reader might expect. Remove it.',
      bad: [{ path: 'TODO', text: 'TODO' }],
      good: [{ path: 'TODO', text: 'TODO' }],
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
