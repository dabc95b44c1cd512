/**
 * Evaluation from libseccomp's documented semantics (seccomp_rule_add(3), seccomp_init(3),
 * src/db.c) and runc's handling of profiles (libcontainer/seccomp/seccomp_linux.go).
 */
import { describe, expect, it } from 'vitest';
import { evaluateSyscall } from '../../src/languages/seccomp/index.js';
import type { SyscallQuery } from '../../src/languages/seccomp/index.js';
import { profileOf } from './_helpers.js';

interface Case {
  name: string;
  profile: object;
  query: SyscallQuery;
  action: string;
  errno?: number;
  known?: boolean;
  /** The text the deciding rule's range covers. */
  at?: string;
}

const denyByDefault = { defaultAction: 'SCMP_ACT_ERRNO' };

const cases: Case[] = [
  {
    name: 'no rule for the call: the default action, with EPERM as runc sets it',
    profile: { ...denyByDefault, syscalls: [{ names: ['read'], action: 'SCMP_ACT_ALLOW' }] },
    query: { syscall: 'ptrace' },
    action: 'SCMP_ACT_ERRNO',
    errno: 1,
    at: '"SCMP_ACT_ERRNO"',
  },
  {
    name: 'defaultErrnoRet sets the default errno',
    profile: { defaultAction: 'SCMP_ACT_ERRNO', defaultErrnoRet: 38 },
    query: { syscall: 'ptrace' },
    action: 'SCMP_ACT_ERRNO',
    errno: 38,
  },
  {
    name: 'a rule without comparisons decides the call',
    profile: { ...denyByDefault, syscalls: [{ names: ['read', 'write'], action: 'SCMP_ACT_ALLOW' }] },
    query: { syscall: 'write' },
    action: 'SCMP_ACT_ALLOW',
    at: '"write"',
  },
  {
    name: 'errnoRet is the errno of an SCMP_ACT_ERRNO rule',
    profile: {
      defaultAction: 'SCMP_ACT_ALLOW',
      syscalls: [{ names: ['ptrace'], action: 'SCMP_ACT_ERRNO', errnoRet: 13 }],
    },
    query: { syscall: 'ptrace' },
    action: 'SCMP_ACT_ERRNO',
    errno: 13,
  },
  {
    name: 'the first rule without comparisons wins; later ones for the call are dropped',
    profile: {
      ...denyByDefault,
      syscalls: [
        { names: ['mount'], action: 'SCMP_ACT_LOG' },
        { names: ['mount'], action: 'SCMP_ACT_KILL_PROCESS' },
      ],
    },
    query: { syscall: 'mount' },
    action: 'SCMP_ACT_LOG',
  },
  {
    name: 'a rule without comparisons replaces earlier rules with comparisons',
    profile: {
      ...denyByDefault,
      syscalls: [
        {
          names: ['personality'],
          action: 'SCMP_ACT_ALLOW',
          args: [{ index: 0, value: 8, op: 'SCMP_CMP_EQ' }],
        },
        { names: ['personality'], action: 'SCMP_ACT_KILL' },
      ],
    },
    query: { syscall: 'personality', args: [8] },
    action: 'SCMP_ACT_KILL',
  },
  {
    name: 'a rule equal to the default action is skipped by runc, so it overrides nothing',
    profile: {
      ...denyByDefault,
      syscalls: [
        { names: ['open'], action: 'SCMP_ACT_ERRNO' },
        { names: ['open'], action: 'SCMP_ACT_ALLOW' },
      ],
    },
    query: { syscall: 'open' },
    action: 'SCMP_ACT_ALLOW',
  },
  {
    name: 'SCMP_CMP_EQ matches the value',
    profile: {
      ...denyByDefault,
      syscalls: [
        {
          names: ['personality'],
          action: 'SCMP_ACT_ALLOW',
          args: [{ index: 0, value: 8, op: 'SCMP_CMP_EQ' }],
        },
      ],
    },
    query: { syscall: 'personality', args: [8] },
    action: 'SCMP_ACT_ALLOW',
  },
  {
    name: 'SCMP_CMP_EQ does not match another value: the default applies',
    profile: {
      ...denyByDefault,
      syscalls: [
        {
          names: ['personality'],
          action: 'SCMP_ACT_ALLOW',
          args: [{ index: 0, value: 8, op: 'SCMP_CMP_EQ' }],
        },
      ],
    },
    query: { syscall: 'personality', args: [9] },
    action: 'SCMP_ACT_ERRNO',
  },
  {
    name: 'arguments not given are 0, as scmp_bpf_sim takes them',
    profile: {
      ...denyByDefault,
      syscalls: [
        {
          names: ['personality'],
          action: 'SCMP_ACT_ALLOW',
          args: [{ index: 0, value: 0, op: 'SCMP_CMP_EQ' }],
        },
      ],
    },
    query: { syscall: 'personality' },
    action: 'SCMP_ACT_ALLOW',
  },
  {
    name: 'SCMP_CMP_LT is unsigned and strict',
    profile: {
      ...denyByDefault,
      syscalls: [
        { names: ['socket'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: 38, op: 'SCMP_CMP_LT' }] },
      ],
    },
    query: { syscall: 'socket', args: [38] },
    action: 'SCMP_ACT_ERRNO',
  },
  {
    name: 'SCMP_CMP_LE includes the value',
    profile: {
      ...denyByDefault,
      syscalls: [
        { names: ['socket'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: 38, op: 'SCMP_CMP_LE' }] },
      ],
    },
    query: { syscall: 'socket', args: [38] },
    action: 'SCMP_ACT_ALLOW',
  },
  {
    name: 'SCMP_CMP_GT compares 64-bit unsigned values (2^64-1 > 2^63)',
    profile: {
      ...denyByDefault,
      syscalls: [
        {
          names: ['ioctl'],
          action: 'SCMP_ACT_ALLOW',
          args: [{ index: 1, value: 9223372036854775808n, op: 'SCMP_CMP_GT' }],
        },
      ],
    },
    query: { syscall: 'ioctl', args: [0, '18446744073709551615'] },
    action: 'SCMP_ACT_ALLOW',
  },
  {
    name: 'SCMP_CMP_GE at the boundary',
    profile: {
      ...denyByDefault,
      syscalls: [
        { names: ['socket'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: 40, op: 'SCMP_CMP_GE' }] },
      ],
    },
    query: { syscall: 'socket', args: [40] },
    action: 'SCMP_ACT_ALLOW',
  },
  {
    name: 'SCMP_CMP_NE',
    profile: {
      defaultAction: 'SCMP_ACT_ALLOW',
      syscalls: [
        { names: ['kill'], action: 'SCMP_ACT_ERRNO', args: [{ index: 1, value: 0, op: 'SCMP_CMP_NE' }] },
      ],
    },
    query: { syscall: 'kill', args: [1, 9] },
    action: 'SCMP_ACT_ERRNO',
  },
  {
    name: 'SCMP_CMP_MASKED_EQ: (arg & value) == valueTwo',
    profile: {
      ...denyByDefault,
      syscalls: [
        {
          names: ['clone'],
          action: 'SCMP_ACT_ALLOW',
          args: [{ index: 0, value: 2114060288, valueTwo: 0, op: 'SCMP_CMP_MASKED_EQ' }],
        },
      ],
    },
    query: { syscall: 'clone', args: ['0x11'] },
    action: 'SCMP_ACT_ALLOW',
  },
  {
    name: 'SCMP_CMP_MASKED_EQ fails when a masked bit is set (CLONE_NEWUSER)',
    profile: {
      ...denyByDefault,
      syscalls: [
        {
          names: ['clone'],
          action: 'SCMP_ACT_ALLOW',
          args: [{ index: 0, value: 2114060288, op: 'SCMP_CMP_MASKED_EQ' }],
        },
      ],
    },
    query: { syscall: 'clone', args: ['0x10000000'] },
    action: 'SCMP_ACT_ERRNO',
  },
  {
    name: 'comparisons in one rule are AND-ed',
    profile: {
      ...denyByDefault,
      syscalls: [
        {
          names: ['socket'],
          action: 'SCMP_ACT_ALLOW',
          args: [
            { index: 0, value: 2, op: 'SCMP_CMP_EQ' },
            { index: 1, value: 1, op: 'SCMP_CMP_EQ' },
          ],
        },
      ],
    },
    query: { syscall: 'socket', args: [2, 2] },
    action: 'SCMP_ACT_ERRNO',
  },
  {
    name: 'comparisons on a repeated index are OR-ed, as runc adds them as separate rules',
    profile: {
      ...denyByDefault,
      syscalls: [
        {
          names: ['socket'],
          action: 'SCMP_ACT_ALLOW',
          args: [
            { index: 0, value: 1, op: 'SCMP_CMP_EQ' },
            { index: 0, value: 2, op: 'SCMP_CMP_EQ' },
          ],
        },
      ],
    },
    query: { syscall: 'socket', args: [2] },
    action: 'SCMP_ACT_ALLOW',
  },
  {
    name: 'a rule with fewer comparisons covers a longer one (libseccomp keeps the shorter chain)',
    profile: {
      ...denyByDefault,
      syscalls: [
        {
          names: ['socket'],
          action: 'SCMP_ACT_ALLOW',
          args: [
            { index: 0, value: 2, op: 'SCMP_CMP_EQ' },
            { index: 1, value: 1, op: 'SCMP_CMP_EQ' },
          ],
        },
        {
          names: ['bind', 'socket'],
          action: 'SCMP_ACT_ALLOW',
          args: [{ index: 0, value: 2, op: 'SCMP_CMP_EQ' }],
        },
      ],
    },
    query: { syscall: 'socket', args: [2, 5] },
    action: 'SCMP_ACT_ALLOW',
    at: '"socket"',
  },
  {
    name: 'SCMP_ACT_KILL is reported as written',
    profile: { defaultAction: 'SCMP_ACT_KILL' },
    query: { syscall: 'read' },
    action: 'SCMP_ACT_KILL',
  },
  {
    name: 'a call the architecture does not have: the default, marked unknown',
    profile: { ...denyByDefault, syscalls: [{ names: ['chown32'], action: 'SCMP_ACT_ALLOW' }] },
    query: { syscall: 'chown32', arch: 'SCMP_ARCH_X86_64' },
    action: 'SCMP_ACT_ERRNO',
    known: false,
  },
  {
    name: 'the same call on an architecture that has it',
    profile: { ...denyByDefault, syscalls: [{ names: ['chown32'], action: 'SCMP_ACT_ALLOW' }] },
    query: { syscall: 'chown32', arch: 'x86' },
    action: 'SCMP_ACT_ALLOW',
  },
  {
    name: 'Kubernetes: includes is dropped by containerd, so the rule applies to every container',
    profile: {
      ...denyByDefault,
      syscalls: [{ names: ['mount'], action: 'SCMP_ACT_ALLOW', includes: { caps: ['CAP_SYS_ADMIN'] } }],
    },
    query: { syscall: 'mount', runtime: 'kubernetes' },
    action: 'SCMP_ACT_ALLOW',
  },
  {
    name: 'Docker: includes.caps requires the capability',
    profile: {
      ...denyByDefault,
      syscalls: [{ names: ['mount'], action: 'SCMP_ACT_ALLOW', includes: { caps: ['CAP_SYS_ADMIN'] } }],
    },
    query: { syscall: 'mount', runtime: 'docker' },
    action: 'SCMP_ACT_ERRNO',
  },
  {
    name: 'Docker: includes.caps with the capability granted',
    profile: {
      ...denyByDefault,
      syscalls: [{ names: ['mount'], action: 'SCMP_ACT_ALLOW', includes: { caps: ['CAP_SYS_ADMIN'] } }],
    },
    query: { syscall: 'mount', runtime: 'docker', capabilities: ['CAP_SYS_ADMIN'] },
    action: 'SCMP_ACT_ALLOW',
  },
  {
    name: 'Docker: excludes.caps drops the rule for a container with the capability',
    profile: {
      ...denyByDefault,
      syscalls: [
        { names: ['clone3'], action: 'SCMP_ACT_ERRNO', errnoRet: 38, excludes: { caps: ['CAP_SYS_ADMIN'] } },
      ],
    },
    query: { syscall: 'clone3', runtime: 'docker', capabilities: ['CAP_SYS_ADMIN'] },
    action: 'SCMP_ACT_ERRNO',
    errno: 1,
  },
  {
    name: "Docker: includes.arches compares the node's Go architecture",
    profile: {
      ...denyByDefault,
      syscalls: [{ names: ['arch_prctl'], action: 'SCMP_ACT_ALLOW', includes: { arches: ['amd64'] } }],
    },
    query: { syscall: 'arch_prctl', runtime: 'docker', arch: 'x86_64' },
    action: 'SCMP_ACT_ALLOW',
  },
  {
    name: "Docker: includes.minKernel against the node's kernel",
    profile: {
      ...denyByDefault,
      syscalls: [{ names: ['ptrace'], action: 'SCMP_ACT_ALLOW', includes: { minKernel: '4.8' } }],
    },
    query: { syscall: 'ptrace', runtime: 'docker', kernel: '4.4.0-210-generic' },
    action: 'SCMP_ACT_ERRNO',
  },
  {
    name: 'Docker: the deprecated singular name counts',
    profile: { ...denyByDefault, syscalls: [{ name: 'read', action: 'SCMP_ACT_ALLOW' }] },
    query: { syscall: 'read', runtime: 'docker' },
    action: 'SCMP_ACT_ALLOW',
  },
  {
    name: 'Kubernetes: the singular name is dropped, the rule matches nothing',
    profile: { ...denyByDefault, syscalls: [{ name: 'read', action: 'SCMP_ACT_ALLOW' }] },
    query: { syscall: 'read', runtime: 'kubernetes' },
    action: 'SCMP_ACT_ERRNO',
  },
];

function json(profile: object): string {
  return JSON.stringify(
    profile,
    (_key, value: unknown) => (typeof value === 'bigint' ? `@@${value}@@` : value),
    2,
  ).replace(/"@@(\d+)@@"/g, '$1');
}

describe('evaluateSyscall', () => {
  it.each(cases)('$name', ({ profile, query, action, errno, known, at }) => {
    const text = json(profile);
    const result = evaluateSyscall(profileOf(text), query);
    expect(result.action).toBe(action);
    expect(result.errno).toBe(errno ?? (action === 'SCMP_ACT_ERRNO' ? 1 : undefined));
    expect(result.known).toBe(known ?? true);
    if (at !== undefined) {
      expect(result.rule).toBeDefined();
      expect(text.slice(result.rule?.range.start, result.rule?.range.end)).toBe(at);
    }
  });

  it('reports a wrong query instead of throwing', () => {
    const profile = profileOf({ defaultAction: 'SCMP_ACT_ERRNO' });
    expect(evaluateSyscall(profile, { syscall: 'read', arch: 'vax' }).problem).toContain(
      'unknown architecture',
    );
    expect(evaluateSyscall(profile, { syscall: 'red' }).problem).toContain('no system call');
    expect(evaluateSyscall(profile, { syscall: 'read', args: [-1] }).problem).toContain(
      'not an unsigned integer',
    );
    expect(evaluateSyscall(profile, { syscall: 'read', args: [1.5] }).known).toBe(false);
  });

  it('accepts architectures as SCMP_ARCH_*, libseccomp and Go names', () => {
    const profile = profileOf({
      defaultAction: 'SCMP_ACT_ERRNO',
      syscalls: [{ names: ['openat'], action: 'SCMP_ACT_ALLOW' }],
    });
    for (const arch of ['SCMP_ARCH_AARCH64', 'aarch64', 'arm64'])
      expect(evaluateSyscall(profile, { syscall: 'openat', arch })).toMatchObject({
        action: 'SCMP_ACT_ALLOW',
        arch: 'SCMP_ARCH_AARCH64',
      });
  });
});
