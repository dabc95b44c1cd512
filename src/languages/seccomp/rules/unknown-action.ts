import { didYouMeanSuffix } from '../../../core/did-you-mean.js';
import { defineRule } from '../../../core/rule.js';
import { ACTIONS, isAction } from '../actions.js';
import type { Located } from '../profile.js';
import type { SeccompCheckContext } from './context.js';
import { PROFILE_FILE, PTRACE_DENIED, allowProfile } from './examples.js';

export const unknownAction = defineRule({
  meta: {
    id: 'seccomp/unknown-action',
    severity: 'error',
    type: 'problem',
    description: 'An action that is not a seccomp action (SCMP_ACT_ERRNO, SCMP_ACT_ALLOW, ...).',
    remediation: 'Use one of the seccomp actions (the message suggests the closest).',
    docs: {
      rationale: `The runtime refuses a profile with an unknown action and the container does not start. Actions: ${ACTIONS.join(', ')}.`,
      bad: [
        { path: PROFILE_FILE, text: allowProfile(`[{ "names": ["ptrace"], "action": "SCMP_ACT_DENY" }]`) },
      ],
      good: [{ path: PROFILE_FILE, text: PTRACE_DENIED }],
    },
  },
  messages: { unknown: 'unknown action "{{action}}"{{hint}}' },
  check: checkUnknownAction,
});

function checkUnknownAction({ profile, report }: SeccompCheckContext): void {
  const actions: Located<string>[] = [];
  if (profile.defaultAction) actions.push(profile.defaultAction);
  for (const entry of profile.entries) if (entry.action) actions.push(entry.action);
  for (const action of actions) {
    if (isAction(action.value)) continue;
    report({
      rule: unknownAction,
      messageId: 'unknown',
      data: { action: action.value, hint: didYouMeanSuffix(action.value, ACTIONS) },
      file: profile.file,
      range: action.range,
    });
  }
}
