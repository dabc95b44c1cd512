import { didYouMeanSuffix } from '../../../core/did-you-mean.js';
import { defineRule } from '../../../core/rule.js';
import type { SeccompCheckContext } from './context.js';
import { PROFILE_FILE } from './examples.js';

/** Linux capabilities (capability.h, 0 to 40). */
const CAPABILITIES: readonly string[] = [
  'CAP_CHOWN',
  'CAP_DAC_OVERRIDE',
  'CAP_DAC_READ_SEARCH',
  'CAP_FOWNER',
  'CAP_FSETID',
  'CAP_KILL',
  'CAP_SETGID',
  'CAP_SETUID',
  'CAP_SETPCAP',
  'CAP_LINUX_IMMUTABLE',
  'CAP_NET_BIND_SERVICE',
  'CAP_NET_BROADCAST',
  'CAP_NET_ADMIN',
  'CAP_NET_RAW',
  'CAP_IPC_LOCK',
  'CAP_IPC_OWNER',
  'CAP_SYS_MODULE',
  'CAP_SYS_RAWIO',
  'CAP_SYS_CHROOT',
  'CAP_SYS_PTRACE',
  'CAP_SYS_PACCT',
  'CAP_SYS_ADMIN',
  'CAP_SYS_BOOT',
  'CAP_SYS_NICE',
  'CAP_SYS_RESOURCE',
  'CAP_SYS_TIME',
  'CAP_SYS_TTY_CONFIG',
  'CAP_MKNOD',
  'CAP_LEASE',
  'CAP_AUDIT_WRITE',
  'CAP_AUDIT_CONTROL',
  'CAP_SETFCAP',
  'CAP_MAC_OVERRIDE',
  'CAP_MAC_ADMIN',
  'CAP_SYSLOG',
  'CAP_WAKE_ALARM',
  'CAP_BLOCK_SUSPEND',
  'CAP_AUDIT_READ',
  'CAP_PERFMON',
  'CAP_BPF',
  'CAP_CHECKPOINT_RESTORE',
];

export const unknownCapability = defineRule({
  meta: {
    id: 'seccomp/unknown-capability',
    severity: 'error',
    type: 'problem',
    description: "A capability in Docker's includes.caps or excludes.caps that Linux does not have.",
    remediation:
      'Correct the capability name (`CAP_` and the name in capitals, as capabilities(7) writes it).',
    docs: {
      rationale:
        "Docker compares `caps` with the container's capabilities by name (`CAP_SYS_ADMIN`): a misspelt name never matches, so an `includes` rule never applies and an `excludes` rule always does.",
      bad: [
        {
          path: 'chs.yaml',
          text: `version: 1
seccomp:
  runtime: docker
`,
        },
        {
          path: PROFILE_FILE,
          text: `{
  "defaultAction": "SCMP_ACT_ERRNO",
  "syscalls": [
    { "names": ["read", "write", "exit", "exit_group", "execve", "brk", "mmap", "munmap", "mprotect", "arch_prctl", "futex", "close", "rt_sigreturn"], "action": "SCMP_ACT_ALLOW" },
    { "names": ["ptrace"], "action": "SCMP_ACT_ALLOW", "includes": { "caps": ["CAP_SYS_PTRAC"] } }
  ]
}
`,
        },
      ],
      good: [
        {
          path: 'chs.yaml',
          text: `version: 1
seccomp:
  runtime: docker
`,
        },
        {
          path: PROFILE_FILE,
          text: `{
  "defaultAction": "SCMP_ACT_ERRNO",
  "syscalls": [
    { "names": ["read", "write", "exit", "exit_group", "execve", "brk", "mmap", "munmap", "mprotect", "arch_prctl", "futex", "close", "rt_sigreturn"], "action": "SCMP_ACT_ALLOW" },
    { "names": ["ptrace"], "action": "SCMP_ACT_ALLOW", "includes": { "caps": ["CAP_SYS_PTRACE"] } }
  ]
}
`,
        },
      ],
    },
  },
  messages: { unknown: 'unknown capability "{{cap}}"{{hint}}' },
  check: checkUnknownCapability,
});

function checkUnknownCapability({ profile, report }: SeccompCheckContext): void {
  for (const entry of profile.entries) {
    for (const cap of [...(entry.includes?.caps ?? []), ...(entry.excludes?.caps ?? [])]) {
      if (CAPABILITIES.includes(cap.value)) continue;
      report({
        rule: unknownCapability,
        messageId: 'unknown',
        data: { cap: cap.value, hint: didYouMeanSuffix(cap.value, CAPABILITIES) },
        file: profile.file,
        range: cap.range,
      });
    }
  }
}
