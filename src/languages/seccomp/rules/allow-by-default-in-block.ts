import { defineRule } from '../../../core/rule.js';
import { PERMISSIVE_ACTIONS } from '../actions.js';
import type { SeccompCheckContext } from './context.js';
import { PROFILE_FILE } from './examples.js';

export const allowByDefaultInBlock = defineRule({
  meta: {
    id: 'seccomp/allow-by-default-in-block',
    severity: 'warning',
    type: 'problem',
    description: 'A profile in block mode whose default action lets every unlisted system call run.',
    remediation:
      'Make the default action `SCMP_ACT_ERRNO` and allow the calls the workload needs (record them first in monitor mode), or keep the profile in monitor mode (`"x-chs": {"mode": "monitor"}`).',
    docs: {
      rationale:
        "In `block` mode a profile is meant to stop what it does not allow. With `defaultAction: SCMP_ACT_ALLOW` (or SCMP_ACT_LOG) every call the profile does not name runs, including the ones the next kernel adds. Make the default SCMP_ACT_ERRNO and allow the calls the workload needs, or keep the policy in `monitor` mode. The mode is the profile's `x-chs.mode`, else `block` when a target in chs.yaml deploys in block mode, else chs.yaml's `mode`.",
      bad: [
        {
          path: PROFILE_FILE,
          text: `{
  "x-chs": { "mode": "block" },
  "defaultAction": "SCMP_ACT_ALLOW",
  "syscalls": [{ "names": ["ptrace"], "action": "SCMP_ACT_ERRNO" }]
}
`,
        },
      ],
      good: [
        {
          path: PROFILE_FILE,
          text: `{
  "x-chs": { "mode": "monitor" },
  "defaultAction": "SCMP_ACT_ALLOW",
  "syscalls": [{ "names": ["ptrace"], "action": "SCMP_ACT_ERRNO" }]
}
`,
        },
      ],
    },
  },
  messages: {
    allow:
      'defaultAction {{action}} in a block-mode profile{{targets}}: every system call it does not name is allowed',
  },
  check: checkAllowByDefaultInBlock,
});

function checkAllowByDefaultInBlock({ profile, mode, blockTargets, report }: SeccompCheckContext): void {
  const action = profile.defaultAction;
  if (mode !== 'block' || !action || !PERMISSIVE_ACTIONS.has(action.value)) return;
  report({
    rule: allowByDefaultInBlock,
    messageId: 'allow',
    data: {
      action: action.value,
      targets: blockTargets.length > 0 ? ` (target ${blockTargets.join(', ')})` : '',
    },
    file: profile.file,
    range: action.range,
  });
}
