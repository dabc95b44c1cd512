import { didYouMeanSuffix } from '../../../core/did-you-mean.js';
import { defineRule } from '../../../core/rule.js';
import type { Located } from '../profile.js';
import { DOCKER_ARCHES, SCMP_ARCHES } from '../syscalls.js';
import type { SeccompCheckContext } from './context.js';
import { PROFILE_FILE } from './examples.js';

export const unknownArchitecture = defineRule({
  meta: {
    id: 'seccomp/unknown-architecture',
    severity: 'error',
    type: 'problem',
    description:
      'An architecture name that libseccomp (SCMP_ARCH_*) or Docker (includes.arches) does not know.',
    remediation:
      "Correct the architecture name: `SCMP_ARCH_*` in `architectures`, Go names (`amd64`, `arm64`) in Docker's `includes.arches`.",
    docs: {
      rationale:
        "The runtime refuses a profile with an unknown `SCMP_ARCH_*` architecture. In Docker's `includes` and `excludes`, architectures are Go names (`amd64`, `arm64`, ...), compared with the daemon's own: an unknown name never matches.",
      bad: [
        {
          path: PROFILE_FILE,
          text: `{
  "defaultAction": "SCMP_ACT_ALLOW",
  "architectures": ["SCMP_ARCH_X86-64"],
  "syscalls": [{ "names": ["ptrace"], "action": "SCMP_ACT_ERRNO" }]
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
  "syscalls": [{ "names": ["ptrace"], "action": "SCMP_ACT_ERRNO" }]
}
`,
        },
      ],
    },
  },
  messages: {
    scmp: 'unknown architecture "{{arch}}"{{hint}}',
    docker: 'unknown architecture "{{arch}}" (Docker compares Go names such as amd64 and arm64){{hint}}',
  },
  check: checkUnknownArchitecture,
});

function checkUnknownArchitecture({ profile, report }: SeccompCheckContext): void {
  const scmp: Located<string>[] = [...profile.architectures];
  for (const entry of profile.archMap) {
    if (entry.architecture) scmp.push(entry.architecture);
    scmp.push(...entry.subArchitectures);
  }
  for (const arch of scmp) {
    if (Object.hasOwn(SCMP_ARCHES, arch.value)) continue;
    report({
      rule: unknownArchitecture,
      messageId: 'scmp',
      data: { arch: arch.value, hint: didYouMeanSuffix(arch.value, Object.keys(SCMP_ARCHES)) },
      file: profile.file,
      range: arch.range,
    });
  }
  for (const entry of profile.entries) {
    for (const arch of [...(entry.includes?.arches ?? []), ...(entry.excludes?.arches ?? [])]) {
      if (Object.hasOwn(DOCKER_ARCHES, arch.value)) continue;
      report({
        rule: unknownArchitecture,
        messageId: 'docker',
        data: { arch: arch.value, hint: didYouMeanSuffix(arch.value, Object.keys(DOCKER_ARCHES)) },
        file: profile.file,
        range: arch.range,
      });
    }
  }
}
