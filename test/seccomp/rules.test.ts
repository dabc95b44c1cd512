/**
 * Every seccomp rule: profiles that must lint clean, and profiles with the exact findings
 * (rule id, line, column, message) they must get.
 */
import { describe, expect, it } from 'vitest';
import { registry } from '../../src/languages/index.js';
import { seccomp } from '../../src/languages/seccomp/index.js';
import type { Found } from './_helpers.js';
import { lintText } from './_helpers.js';

type Options = Parameters<typeof lintText>[1];

const valid: { name: string; text: string; options?: Options }[] = [
  {
    name: 'a deny-by-default profile for x86_64',
    text: `{
  "defaultAction": "SCMP_ACT_ERRNO",
  "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86"],
  "syscalls": [
    {"names": ["read", "write", "close", "execve", "exit", "exit_group", "futex", "brk", "mmap", "mprotect", "munmap", "arch_prctl", "rt_sigreturn", "openat"], "action": "SCMP_ACT_ALLOW"},
    {"names": ["socket"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_EQ"}]},
    {"names": ["personality"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 18446744073709551615, "op": "SCMP_CMP_EQ"}]}
  ]
}`,
    options: { mode: 'block' },
  },
  {
    name: 'a deny-list in monitor mode',
    text: '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["ptrace"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1}]}',
  },
  {
    name: 'Docker keys in a Docker profile',
    text: '{"defaultAction": "SCMP_ACT_ERRNO", "archMap": [{"architecture": "SCMP_ARCH_X86_64", "subArchitectures": ["SCMP_ARCH_X86"]}], "syscalls": [{"names": ["read", "write", "close", "execve", "exit", "exit_group", "futex", "brk", "mmap", "mprotect", "munmap", "arch_prctl", "rt_sigreturn"], "action": "SCMP_ACT_ALLOW"}, {"names": ["mount"], "action": "SCMP_ACT_ALLOW", "comment": "admins", "includes": {"caps": ["CAP_SYS_ADMIN"]}}, {"names": ["mount"], "action": "SCMP_ACT_ERRNO", "errnoRet": 38, "excludes": {"caps": ["CAP_SYS_ADMIN"]}}]}',
    options: { runtime: 'docker' },
  },
  {
    name: 'its own monitor mode wins over a block-mode target',
    text: '{"x-chs": {"mode": "monitor"}, "defaultAction": "SCMP_ACT_ALLOW"}',
    options: { targets: [{ name: 'production', mode: 'block' }] },
  },
  {
    name: 'x-chs hints a Docker runtime and monitor mode',
    text: '{"x-chs": {"runtime": "docker", "mode": "monitor"}, "defaultAction": "SCMP_ACT_LOG", "syscalls": [{"name": "ptrace", "action": "SCMP_ACT_KILL_PROCESS"}]}',
  },
  {
    name: "arm names the kernel aliases under libseccomp's names",
    text: '{"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_ARM"], "syscalls": [{"names": ["arm_sync_file_range", "sync_file_range2"], "action": "SCMP_ACT_ERRNO"}]}',
  },
];

const invalid: { name: string; text: string; options?: Options; found: Partial<Found>[] }[] = [
  {
    name: 'JSON syntax error with line and column',
    text: '{\n  "defaultAction": "SCMP_ACT_ERRNO",\n  "syscalls": [],\n}\n',
    found: [
      {
        ruleId: 'seccomp/invalid-json',
        line: 3,
        column: 17,
        message: "invalid JSON: a comma before '}': remove the trailing comma",
      },
    ],
  },
  {
    name: 'YAML is not JSON',
    text: 'defaultAction: SCMP_ACT_ERRNO\n',
    found: [
      {
        ruleId: 'seccomp/invalid-json',
        line: 1,
        column: 1,
        message:
          "invalid JSON: unexpected 'd': a value (object, array, string, number, true, false or null) expected",
      },
    ],
  },
  {
    name: 'comments are not JSON',
    text: '{\n  // deny\n  "defaultAction": "SCMP_ACT_ERRNO"\n}',
    found: [{ ruleId: 'seccomp/invalid-json', line: 2, column: 3 }],
  },
  {
    name: 'a misspelt key, with a suggestion',
    text: '{\n  "defaultAction": "SCMP_ACT_ALLOW",\n  "syscals": []\n}',
    found: [
      {
        ruleId: 'seccomp/schema',
        line: 3,
        column: 3,
        message: 'unknown key "syscals" in the document; did you mean "syscalls"?',
      },
    ],
  },
  {
    name: 'a missing defaultAction',
    text: '{"syscalls": []}',
    found: [
      {
        ruleId: 'seccomp/schema',
        line: 1,
        column: 1,
        message: 'the document is missing the required key "defaultAction"',
      },
    ],
  },
  {
    name: 'a duplicate key',
    text: '{"defaultAction": "SCMP_ACT_ALLOW", "defaultAction": "SCMP_ACT_LOG"}',
    found: [{ ruleId: 'seccomp/schema', line: 1, column: 37, severity: 'warning' }],
  },
  {
    name: 'a rule without names',
    text: '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"action": "SCMP_ACT_ERRNO"}]}',
    found: [
      {
        ruleId: 'seccomp/schema',
        line: 1,
        column: 50,
        message: 'this rule names no system call (no "names"), so it matches nothing',
      },
    ],
  },
  {
    name: 'an unknown system call, with a suggestion',
    text: '{\n  "defaultAction": "SCMP_ACT_ALLOW",\n  "syscalls": [{"names": ["ptrase"], "action": "SCMP_ACT_ERRNO"}]\n}',
    found: [
      {
        ruleId: 'seccomp/unknown-syscall',
        line: 3,
        column: 27,
        message: '"ptrase" is not a system call on any architecture; did you mean "ptrace"?',
      },
    ],
  },
  {
    name: "a system call the profile's architectures do not have",
    text: '{"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_X86_64"], "syscalls": [{"names": ["chown32"], "action": "SCMP_ACT_ERRNO"}]}',
    found: [
      {
        ruleId: 'seccomp/syscall-not-on-architecture',
        line: 1,
        column: 100,
        message: '"chown32" does not exist on SCMP_ARCH_X86_64: this name has no effect',
      },
    ],
  },
  {
    name: 'a kernel alias libseccomp names otherwise',
    text: '{"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_ARM"], "syscalls": [{"names": ["sync_file_range2"], "action": "SCMP_ACT_ERRNO"}]}',
    found: [
      {
        ruleId: 'seccomp/syscall-not-on-architecture',
        message:
          '"sync_file_range2" does not exist on SCMP_ARCH_ARM: this name has no effect; libseccomp names it "arm_sync_file_range"',
      },
    ],
  },
  {
    name: 'an unknown action, with a suggestion',
    text: '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["ptrace"], "action": "SCMP_ACT_ERNO"}]}',
    found: [
      {
        ruleId: 'seccomp/unknown-action',
        line: 1,
        column: 82,
        message: 'unknown action "SCMP_ACT_ERNO"; did you mean "SCMP_ACT_ERRNO"?',
      },
    ],
  },
  {
    name: 'an action named by what it should do (DENY), and one without its prefix',
    text: '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["ptrace"], "action": "SCMP_ACT_DENY"}, {"names": ["kill"], "action": "log"}]}',
    found: [
      {
        ruleId: 'seccomp/unknown-action',
        line: 1,
        column: 82,
        message:
          'unknown action "SCMP_ACT_DENY"; did you mean "SCMP_ACT_ERRNO"? (the call fails with EPERM, or errnoRet; SCMP_ACT_KILL_PROCESS kills the process)',
      },
      {
        ruleId: 'seccomp/unknown-action',
        line: 1,
        column: 130,
        message: 'unknown action "log"; did you mean "SCMP_ACT_LOG"?',
      },
    ],
  },
  {
    name: 'an action with nothing close: the actions listed',
    text: '{"defaultAction": "SCMP_ACT_NOPE_NOPE"}',
    found: [
      {
        ruleId: 'seccomp/unknown-action',
        line: 1,
        column: 19,
        message:
          'unknown action "SCMP_ACT_NOPE_NOPE"; the actions are SCMP_ACT_KILL, SCMP_ACT_KILL_PROCESS, SCMP_ACT_KILL_THREAD, SCMP_ACT_TRAP, SCMP_ACT_ERRNO, SCMP_ACT_TRACE, SCMP_ACT_ALLOW, SCMP_ACT_LOG, SCMP_ACT_NOTIFY',
      },
    ],
  },
  {
    name: 'unknown architectures and capabilities',
    text: '{"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_X86_46"], "syscalls": [{"names": ["mount"], "action": "SCMP_ACT_ERRNO", "excludes": {"caps": ["CAP_SYS_ADMN"], "arches": ["amd46"]}}]}',
    options: { runtime: 'docker' },
    found: [
      {
        ruleId: 'seccomp/unknown-architecture',
        column: 55,
        message: 'unknown architecture "SCMP_ARCH_X86_46"; did you mean "SCMP_ARCH_X86_64"?',
      },
      {
        ruleId: 'seccomp/unknown-capability',
        message: 'unknown capability "CAP_SYS_ADMN"; did you mean "CAP_SYS_ADMIN"?',
      },
      {
        ruleId: 'seccomp/unknown-architecture',
        message:
          'unknown architecture "amd46" (Docker compares Go names such as amd64 and arm64); did you mean "amd64"?',
      },
    ],
  },
  {
    name: 'a duplicate rule',
    text: '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [\n{"names": ["ptrace"], "action": "SCMP_ACT_ERRNO"},\n{"names": ["ptrace"], "action": "SCMP_ACT_ERRNO"}]}',
    found: [
      {
        ruleId: 'seccomp/duplicate-rule',
        line: 3,
        column: 12,
        message: '"ptrace" already has this rule on line 2',
      },
    ],
  },
  {
    name: 'two rules without comparisons: the later one is dropped',
    text: '{"defaultAction": "SCMP_ACT_LOG", "syscalls": [\n{"names": ["ptrace"], "action": "SCMP_ACT_ALLOW"},\n{"names": ["ptrace"], "action": "SCMP_ACT_ERRNO"}]}',
    found: [
      {
        ruleId: 'seccomp/conflicting-rule',
        line: 3,
        message:
          '"ptrace" is already SCMP_ACT_ALLOW on line 2: libseccomp keeps the first rule and drops this one',
      },
    ],
  },
  {
    name: 'comparisons shadowed by a rule without comparisons',
    text: '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [\n{"names": ["kill"], "action": "SCMP_ACT_ERRNO"},\n{"names": ["kill"], "action": "SCMP_ACT_LOG", "args": [{"index": 1, "value": 0, "op": "SCMP_CMP_EQ"}]}]}',
    found: [{ ruleId: 'seccomp/conflicting-rule', line: 3, severity: 'warning' }],
  },
  {
    name: 'the same comparisons with different actions',
    text: '{"defaultAction": "SCMP_ACT_LOG", "syscalls": [\n{"names": ["kill"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 1, "value": 0, "op": "SCMP_CMP_EQ"}]},\n{"names": ["kill"], "action": "SCMP_ACT_ERRNO", "args": [{"index": 1, "value": 0, "op": "SCMP_CMP_EQ"}]}]}',
    found: [
      {
        ruleId: 'seccomp/conflicting-rule',
        line: 3,
        message:
          '"kill" has the same comparisons with SCMP_ACT_ALLOW on line 2: libseccomp refuses the filter and the container does not start',
      },
    ],
  },
  {
    name: 'overlapping comparisons with different actions',
    text: '{"defaultAction": "SCMP_ACT_LOG", "syscalls": [\n{"names": ["kill"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_EQ"}, {"index": 1, "value": 0, "op": "SCMP_CMP_EQ"}]},\n{"names": ["kill"], "action": "SCMP_ACT_ERRNO", "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_EQ"}]}]}',
    found: [
      {
        ruleId: 'seccomp/conflicting-rule',
        line: 3,
        message:
          '"kill" has overlapping comparisons with SCMP_ACT_ALLOW on line 2: libseccomp refuses the filter and the container does not start',
      },
    ],
  },
  {
    name: 'bad argument comparisons',
    text: '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["kill"], "action": "SCMP_ACT_ERRNO", "args": [\n{"index": 6, "value": 1, "op": "SCMP_CMP_EQ"},\n{"index": 0, "value": 1, "op": "SCMP_CMP_EQUAL"},\n{"index": 1, "value": 1.5, "op": "SCMP_CMP_EQ"},\n{"index": 2, "value": 18446744073709551616, "op": "SCMP_CMP_EQ"},\n{"index": 3, "value": 1, "valueTwo": 2, "op": "SCMP_CMP_EQ"},\n{"index": 3, "value": 2, "op": "SCMP_CMP_EQ"}]}]}',
    found: [
      {
        ruleId: 'seccomp/invalid-argument',
        line: 2,
        column: 11,
        message: 'argument index 6 is out of range: system calls have arguments 0 to 5',
      },
      {
        ruleId: 'seccomp/invalid-argument',
        line: 3,
        column: 32,
        message: 'unknown comparison "SCMP_CMP_EQUAL"; did you mean "SCMP_CMP_EQ"?',
      },
      {
        ruleId: 'seccomp/schema',
        line: 4,
        column: 23,
        message: '"syscalls.0.args.2.value" must be integer, not number 1.5',
      },
      {
        ruleId: 'seccomp/invalid-argument',
        line: 4,
        column: 23,
        message: '1.5 is not an unsigned 64-bit integer',
      },
      {
        ruleId: 'seccomp/invalid-argument',
        line: 5,
        column: 23,
        message: '18446744073709551616 is not an unsigned 64-bit integer',
      },
      {
        ruleId: 'seccomp/invalid-argument',
        line: 6,
        column: 38,
        severity: 'warning',
        message: 'valueTwo is ignored by SCMP_CMP_EQ; only SCMP_CMP_MASKED_EQ reads it',
      },
      { ruleId: 'seccomp/invalid-argument', line: 7, column: 11, severity: 'warning' },
    ],
  },
  {
    name: 'Docker-only keys in a Kubernetes profile',
    text: '{"defaultAction": "SCMP_ACT_ALLOW", "archMap": [], "syscalls": [{"name": "ptrace", "action": "SCMP_ACT_ERRNO", "comment": "x", "includes": {"caps": ["CAP_SYS_PTRACE"]}}]}',
    found: [
      { ruleId: 'seccomp/docker-only-key', column: 37, severity: 'warning' },
      {
        ruleId: 'seccomp/docker-only-key',
        message:
          'containerd drops "name" from Kubernetes Localhost profiles: this rule matches nothing; use "names"',
      },
      { ruleId: 'seccomp/docker-only-key', severity: 'info' },
      {
        ruleId: 'seccomp/docker-only-key',
        severity: 'error',
        message:
          'containerd drops "includes" from Kubernetes Localhost profiles: this rule then applies to every container, whatever its capabilities CAP_SYS_PTRACE',
      },
    ],
  },
  {
    name: 'SCMP_ACT_ALLOW by default in block mode (from chs.yaml)',
    text: '{"defaultAction": "SCMP_ACT_ALLOW"}',
    options: { mode: 'block' },
    found: [
      {
        ruleId: 'seccomp/allow-by-default-in-block',
        column: 19,
        message:
          'defaultAction SCMP_ACT_ALLOW in a block-mode profile: every system call it does not name is allowed',
      },
    ],
  },
  {
    name: 'SCMP_ACT_ALLOW by default, deployed to a block-mode target',
    text: '{"defaultAction": "SCMP_ACT_ALLOW"}',
    options: { targets: [{ name: 'production', mode: 'block' }, { name: 'staging' }] },
    found: [
      {
        ruleId: 'seccomp/allow-by-default-in-block',
        message:
          'defaultAction SCMP_ACT_ALLOW in a block-mode profile (target production): every system call it does not name is allowed',
      },
    ],
  },
  {
    name: 'SCMP_ACT_LOG by default in block mode (from the profile)',
    text: '{"x-chs": {"mode": "block"}, "defaultAction": "SCMP_ACT_LOG"}',
    found: [{ ruleId: 'seccomp/allow-by-default-in-block' }],
  },
  {
    name: 'a profile that blocks what every container needs',
    text: '{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["read", "write"], "action": "SCMP_ACT_ALLOW"}, {"names": ["execve"], "action": "SCMP_ACT_KILL"}]}',
    found: [
      {
        ruleId: 'seccomp/denies-essential-syscall',
        column: 19,
        message:
          'arch_prctl, brk, close, exit, exit_group, futex, mmap, mprotect, munmap, rt_sigreturn are SCMP_ACT_ERRNO on SCMP_ARCH_X86_64: containers cannot start under this profile',
      },
      {
        ruleId: 'seccomp/denies-essential-syscall',
        column: 119,
        message: 'execve is SCMP_ACT_KILL on SCMP_ARCH_X86_64: containers cannot start under this profile',
      },
    ],
  },
  {
    name: 'errnoRet with an action that returns none',
    text: '{"defaultAction": "SCMP_ACT_ALLOW", "defaultErrnoRet": 1, "syscalls": [{"names": ["ptrace"], "action": "SCMP_ACT_KILL", "errnoRet": 1}]}',
    found: [
      {
        ruleId: 'seccomp/ignored-errno',
        column: 56,
        message: 'defaultErrnoRet is ignored with SCMP_ACT_ALLOW; did you mean SCMP_ACT_ERRNO?',
      },
      {
        ruleId: 'seccomp/ignored-errno',
        message: 'errnoRet is ignored with SCMP_ACT_KILL; did you mean SCMP_ACT_ERRNO?',
      },
    ],
  },
  {
    name: 'a rule equal to the default action',
    text: '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["ptrace"], "action": "SCMP_ACT_ALLOW"}]}',
    found: [
      {
        ruleId: 'seccomp/redundant-rule',
        message: "this rule's action (SCMP_ACT_ALLOW) is the default action: runc skips it",
      },
    ],
  },
  {
    name: 'SCMP_ACT_NOTIFY misuse',
    text: '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["write", "mount"], "action": "SCMP_ACT_NOTIFY"}]}',
    found: [
      { ruleId: 'seccomp/notify', message: 'runc refuses SCMP_ACT_NOTIFY for "write"' },
      {
        ruleId: 'seccomp/notify',
        message: 'SCMP_ACT_NOTIFY without "listenerPath": no agent receives these calls',
      },
    ],
  },
];

describe('seccomp rules', () => {
  it.each(valid)('clean: $name', ({ text, options }) => {
    expect(lintText(text, options)).toEqual([]);
  });

  it.each(invalid)('finds: $name', ({ text, options, found }) => {
    const actual = lintText(text, options);
    expect(actual).toHaveLength(found.length);
    // Order-independent where two findings share a position: match each expectation once.
    const remaining = [...actual];
    for (const expected of found) {
      const index = remaining.findIndex((f) =>
        Object.entries(expected).every(([k, v]) => f[k as keyof Found] === v),
      );
      expect(
        index,
        `no finding like ${JSON.stringify(expected)} in ${JSON.stringify(actual, null, 1)}`,
      ).not.toBe(-1);
      remaining.splice(index, 1);
    }
  });

  it('has documentation and a registry entry for every rule', () => {
    for (const rule of seccomp.rules) {
      expect(rule.meta.id.startsWith('seccomp/')).toBe(true);
      expect(rule.meta.docs.rationale.length).toBeGreaterThan(40);
      expect(registry.get(rule.meta.id)).toBe(rule);
    }
    const ids = seccomp.rules.map((r) => r.meta.id);
    expect(ids).toEqual([...ids].sort());
  });

  it('sniffs JSON profiles only', () => {
    const sniff = (text: string): boolean => seccomp.sniff({ path: 'x', text } as never);
    expect(sniff('{\n  "defaultAction": "SCMP_ACT_ERRNO"\n}')).toBe(true);
    expect(sniff('{"syscalls": []}')).toBe(true);
    expect(sniff('defaultAction: SCMP_ACT_ERRNO')).toBe(false);
    expect(sniff('{"rule": "x"}')).toBe(false);
  });
});
