import { defineRule } from '../../../core/rule.js';
import { ACTIONS, actionHint, isAction } from '../actions.js';
import type { Located } from '../profile.js';
import type { SeccompRule } from './context.js';

export const unknownAction = defineRule({
  id: 'seccomp/unknown-action',
  type: 'problem',
  description: 'An action that is not a seccomp action (SCMP_ACT_ERRNO, SCMP_ACT_ALLOW, ...).',
  docs: `The runtime refuses a profile with an unknown action and the container does not start. Actions: ${ACTIONS.join(', ')}.`,
  defaultSeverity: 'error',
  messages: { unknown: 'unknown action "{{action}}"{{hint}}' },
});

export const unknownActionRule: SeccompRule = {
  definition: unknownAction,
  check({ profile, report }) {
    const actions: Located<string>[] = [];
    if (profile.defaultAction) actions.push(profile.defaultAction);
    for (const entry of profile.entries) if (entry.action) actions.push(entry.action);
    for (const action of actions) {
      if (isAction(action.value)) continue;
      report({
        rule: unknownAction,
        messageId: 'unknown',
        data: { action: action.value, hint: actionHint(action.value) },
        file: profile.file,
        range: action.range,
      });
    }
  },
};
