import { didYouMeanSuffix } from '../../../core/did-you-mean.js';
import { defineRule } from '../../../core/rule.js';
import { entryNames } from '../filter.js';
import { isKnownSyscall, syscallNames } from '../syscalls.js';
import { SYSCALL_TABLE_KERNEL } from '../syscalls.generated.js';
import type { SeccompCheckContext } from './context.js';
import { PROFILE_FILE, allowProfile } from './examples.js';

/** Unknown names per file that get a "did you mean". */
const MAX_SUGGESTIONS = 200;

export const unknownSyscall = defineRule({
  meta: {
    id: 'seccomp/unknown-syscall',
    severity: 'error',
    type: 'problem',
    description: 'A system-call name that no architecture has.',
    remediation: 'Correct the name (the message suggests the closest); `man 2 syscalls` lists them.',
    docs: {
      rationale: `runc silently skips names libseccomp cannot resolve, so a misspelt name in a deny rule blocks nothing. Names are checked against libseccomp's table (kernel ${SYSCALL_TABLE_KERNEL}).`,
      bad: [
        { path: PROFILE_FILE, text: allowProfile(`[{ "names": ["ptrase"], "action": "SCMP_ACT_ERRNO" }]`) },
      ],
      good: [
        { path: PROFILE_FILE, text: allowProfile(`[{ "names": ["ptrace"], "action": "SCMP_ACT_ERRNO" }]`) },
      ],
    },
  },
  messages: { unknown: '"{{name}}" is not a system call on any architecture{{hint}}' },
  check: checkUnknownSyscall,
});

function checkUnknownSyscall({ profile, runtime, report }: SeccompCheckContext): void {
  let hinted = 0;
  for (const entry of profile.entries) {
    for (const name of entryNames(entry, runtime)) {
      if (isKnownSyscall(name.value)) continue;
      // A suggestion compares with every known name: enough for a typo, not for a flood.
      const hint = hinted++ < MAX_SUGGESTIONS ? didYouMeanSuffix(name.value, syscallNames()) : '';
      report({
        rule: unknownSyscall,
        messageId: 'unknown',
        data: { name: name.value, hint },
        file: profile.file,
        range: name.range,
      });
    }
  }
}
