import { describe, expect, it } from 'vitest';
import { evaluateSyscall, forRuntime, toMonitorMode } from '../../src/languages/seccomp/index.js';
import { profileOf } from './_helpers.js';

describe('toMonitorMode', () => {
  const profile = {
    defaultAction: 'SCMP_ACT_ERRNO',
    defaultErrnoRet: 1,
    architectures: ['SCMP_ARCH_X86_64'],
    'x-chs': { mode: 'monitor' },
    syscalls: [
      { names: ['read', 'write'], action: 'SCMP_ACT_ALLOW' },
      { names: ['ptrace'], action: 'SCMP_ACT_KILL_PROCESS' },
      { names: ['mount'], action: 'SCMP_ACT_ERRNO', errnoRet: 38 },
      { names: ['kill'], action: 'SCMP_ACT_TRAP', args: [{ index: 1, value: 9, op: 'SCMP_CMP_EQ' }] },
      { names: ['uselib'], action: 'SCMP_ACT_TRACE' },
      { names: ['acct'], action: 'SCMP_ACT_KILL' },
      { names: ['getpid'], action: 'SCMP_ACT_LOG' },
      { names: ['mkdir'], action: 'SCMP_ACT_NOTIFY' },
    ],
  };

  it('turns every blocking action into SCMP_ACT_LOG and drops the errno keys', () => {
    expect(toMonitorMode(profile)).toEqual({
      defaultAction: 'SCMP_ACT_LOG',
      architectures: ['SCMP_ARCH_X86_64'],
      'x-chs': { mode: 'monitor' },
      syscalls: [
        { names: ['read', 'write'], action: 'SCMP_ACT_ALLOW' },
        { names: ['ptrace'], action: 'SCMP_ACT_LOG' },
        { names: ['mount'], action: 'SCMP_ACT_LOG' },
        { names: ['kill'], action: 'SCMP_ACT_LOG', args: [{ index: 1, value: 9, op: 'SCMP_CMP_EQ' }] },
        { names: ['uselib'], action: 'SCMP_ACT_LOG' },
        { names: ['acct'], action: 'SCMP_ACT_LOG' },
        { names: ['getpid'], action: 'SCMP_ACT_LOG' },
        { names: ['mkdir'], action: 'SCMP_ACT_NOTIFY' },
      ],
    });
  });

  it('is pure', () => {
    const before = structuredClone(profile);
    const after = toMonitorMode(profile);
    expect(profile).toEqual(before);
    expect(after.syscalls).not.toBe(profile.syscalls);
  });

  it('leaves nothing blocked', () => {
    const monitored = profileOf(toMonitorMode(profile));
    for (const syscall of ['ptrace', 'mount', 'kill', 'acct', 'unshare']) {
      expect(evaluateSyscall(monitored, { syscall, args: [0, 9] }).action).toMatch(/SCMP_ACT_(LOG|ALLOW)/);
    }
  });

  it('tolerates what is not a profile', () => {
    expect(toMonitorMode({ syscalls: [null, 3, { action: 5 }] })).toEqual({
      syscalls: [null, 3, { action: 5 }],
    });
  });

  it('forRuntime removes chs hints only', () => {
    expect(forRuntime(profile)).not.toHaveProperty('x-chs');
    expect(forRuntime(profile).syscalls).toEqual(profile.syscalls);
  });
});
