import { defineRule } from '../../../core/rule.js';
import { entryNames } from '../filter.js';
import type { SeccompCheckContext } from './context.js';
import { PROFILE_FILE, allowProfile } from './examples.js';

export const notify = defineRule({
  meta: {
    id: 'seccomp/notify',
    severity: 'error',
    type: 'problem',
    description: 'A use of SCMP_ACT_NOTIFY that runc refuses or that has no listener.',
    remediation:
      'Give the profile a `listenerPath` where your agent listens, and keep SCMP_ACT_NOTIFY off the default action and off `write`.',
    docs: {
      rationale:
        'SCMP_ACT_NOTIFY hands the call to a user-space agent that listens on `listenerPath`. runc refuses SCMP_ACT_NOTIFY as the default action and for `write` (it needs `write` to hand over the notification descriptor); without `listenerPath` no agent receives the calls and they wait forever.',
      bad: [
        { path: PROFILE_FILE, text: allowProfile(`[{ "names": ["mount"], "action": "SCMP_ACT_NOTIFY" }]`) },
      ],
      good: [
        {
          path: PROFILE_FILE,
          text: `{
  "defaultAction": "SCMP_ACT_ALLOW",
  "listenerPath": "/run/seccomp-agent.sock",
  "syscalls": [{ "names": ["mount"], "action": "SCMP_ACT_NOTIFY" }]
}
`,
        },
      ],
    },
  },
  messages: {
    default: 'runc refuses SCMP_ACT_NOTIFY as the default action',
    write: 'runc refuses SCMP_ACT_NOTIFY for "write"',
    listener: 'SCMP_ACT_NOTIFY without "listenerPath": no agent receives these calls',
  },
  check: checkNotify,
});

function checkNotify({ profile, runtime, report }: SeccompCheckContext): void {
  const file = profile.file;
  if (profile.defaultAction?.value === 'SCMP_ACT_NOTIFY') {
    report({ rule: notify, messageId: 'default', file, range: profile.defaultAction.range });
  }
  let listenerReported = false;
  for (const entry of profile.entries) {
    if (entry.action?.value !== 'SCMP_ACT_NOTIFY') continue;
    for (const name of entryNames(entry, runtime)) {
      if (name.value === 'write') report({ rule: notify, messageId: 'write', file, range: name.range });
    }
    if (!profile.listenerPath && !listenerReported) {
      report({ rule: notify, messageId: 'listener', file, range: entry.action.range });
      listenerReported = true;
    }
  }
}
