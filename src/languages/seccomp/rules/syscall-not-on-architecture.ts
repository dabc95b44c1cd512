import { defineRule } from '../../../core/rule.js';
import { entryArches, entryNames } from '../filter.js';
import { isKnownSyscall, KERNEL_ALIASES, SCMP_ARCHES, syscallNumber } from '../syscalls.js';
import type { SeccompCheckContext } from './context.js';
import { PROFILE_FILE } from './examples.js';

export const syscallNotOnArchitecture = defineRule({
  meta: {
    id: 'seccomp/syscall-not-on-architecture',
    severity: 'warning',
    type: 'problem',
    description:
      'A system call that exists, but on none of the architectures the profile (or the rule) is for.',
    remediation:
      'Name the call the architecture has (the message suggests it), or add the architecture the name belongs to.',
    docs: {
      rationale:
        'libseccomp resolves each name per architecture and runc skips the names it cannot resolve: a rule for `chown32` in a profile for `SCMP_ARCH_X86_64` only does nothing. Name the call the architecture has (here `chown`), or add the architecture. A kernel name that libseccomp files under another name on an architecture (`sync_file_range2` is `arm_sync_file_range` on arm) counts when the same rule also names the other.',
      bad: [
        {
          path: PROFILE_FILE,
          text: `{
  "defaultAction": "SCMP_ACT_ALLOW",
  "architectures": ["SCMP_ARCH_X86_64"],
  "syscalls": [{ "names": ["chown32"], "action": "SCMP_ACT_ERRNO" }]
}
`,
        },
      ],
      good: [
        {
          path: PROFILE_FILE,
          text: `{
  "defaultAction": "SCMP_ACT_ALLOW",
  "architectures": ["SCMP_ARCH_X86_64"],
  "syscalls": [{ "names": ["chown"], "action": "SCMP_ACT_ERRNO" }]
}
`,
        },
      ],
    },
  },
  messages: {
    absent: '"{{name}}" does not exist on {{arches}}: this name has no effect{{hint}}',
  },
  check: checkSyscallNotOnArchitecture,
});

function checkSyscallNotOnArchitecture({ profile, runtime, report }: SeccompCheckContext): void {
  for (const entry of profile.entries) {
    const arches = entryArches(entry, profile, runtime);
    if (arches.length === 0) continue;
    // Asked only for a name libseccomp knows under another name on some architecture.
    let named: Set<string> | undefined;
    for (const name of entryNames(entry, runtime)) {
      if (!isKnownSyscall(name.value)) continue;
      let alias: string | undefined;
      const somewhere = arches.some((arch) => {
        const column = SCMP_ARCHES[arch];
        if (column === undefined) return false;
        if (syscallNumber(name.value, column) !== undefined) return true;
        const other = KERNEL_ALIASES[name.value]?.[column];
        if (other === undefined) return false;
        alias ??= other;
        named ??= new Set(entry.names.values);
        return named.has(other);
      });
      if (somewhere) continue;
      report({
        rule: syscallNotOnArchitecture,
        messageId: 'absent',
        data: {
          name: name.value,
          arches: arches.join(', '),
          hint: alias === undefined ? '' : `; libseccomp names it "${alias}"`,
        },
        file: profile.file,
        range: name.range,
      });
    }
  }
}
