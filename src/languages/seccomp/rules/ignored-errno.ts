import { defineRule } from '../../../core/rule.js';
import { ERRNO_ACTIONS } from '../actions.js';
import type { SeccompCheckContext } from './context.js';
import { PROFILE_FILE, allowProfile } from './examples.js';

export const ignoredErrno = defineRule({
  meta: {
    id: 'seccomp/ignored-errno',
    severity: 'warning',
    type: 'suggestion',
    description: 'An errnoRet or defaultErrnoRet next to an action that returns no errno.',
    remediation: 'Use `SCMP_ACT_ERRNO` if the call should fail with that errno, or remove `errnoRet`.',
    docs: {
      rationale:
        'Only SCMP_ACT_ERRNO returns an errno (and SCMP_ACT_TRACE passes the value to the tracer). With any other action the runtime ignores `errnoRet`: the rule probably meant SCMP_ACT_ERRNO.',
      bad: [
        {
          path: PROFILE_FILE,
          text: allowProfile(`[{ "names": ["ptrace"], "action": "SCMP_ACT_KILL", "errnoRet": 1 }]`),
        },
      ],
      good: [
        {
          path: PROFILE_FILE,
          text: allowProfile(`[{ "names": ["ptrace"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1 }]`),
        },
      ],
    },
  },
  messages: { ignored: '{{key}} is ignored with {{action}}; did you mean SCMP_ACT_ERRNO?' },
  check: checkIgnoredErrno,
});

function checkIgnoredErrno({ profile, report }: SeccompCheckContext): void {
  const pairs = [
    { key: 'defaultErrnoRet', errno: profile.defaultErrnoRet, action: profile.defaultAction },
    ...profile.entries.map((entry) => ({ key: 'errnoRet', errno: entry.errnoRet, action: entry.action })),
  ];
  for (const { key, errno, action } of pairs) {
    if (!errno || !action || ERRNO_ACTIONS.has(action.value)) continue;
    report({
      rule: ignoredErrno,
      messageId: 'ignored',
      data: { key, action: action.value },
      file: profile.file,
      range: errno.range,
    });
  }
}
