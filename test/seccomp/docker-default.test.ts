/**
 * Acceptance: Docker's default profile lints clean as a Docker profile, gets the Docker-only-keys
 * finding as a Kubernetes Localhost profile, and evaluates as Docker documents it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BLOCKING_ACTIONS } from '../../src/languages/seccomp/actions.js';
import { ESSENTIAL_SYSCALLS } from '../../src/languages/seccomp/essential.js';
import { evaluateSyscall } from '../../src/languages/seccomp/index.js';
import { corpus, hasCorpus, lintText, profileOf } from './_helpers.js';
import { WHY, skipping } from '../helpers/skip.js';

if (!hasCorpus) skipping("Docker's default seccomp profile", WHY.noCorpus);

describe.skipIf(!hasCorpus)("Docker's default seccomp profile", () => {
  const text = hasCorpus
    ? readFileSync(join(corpus, 'seccomp', 'docker-default-seccomp.json'), 'utf8')
    : '{}';

  it('lints clean as a Docker profile, in either mode', () => {
    expect(lintText(text, { runtime: 'docker' })).toEqual([]);
    expect(lintText(text, { runtime: 'docker', mode: 'block' })).toEqual([]);
  });

  it('gets the Docker-only-keys finding as a Kubernetes Localhost profile', () => {
    const found = lintText(text, { runtime: 'kubernetes' });
    const dockerOnly = found.filter((f) => f.ruleId === 'seccomp/docker-only-key');
    expect(dockerOnly.find((f) => f.message.includes('"archMap"'))).toMatchObject({ line: 4, column: 2 });
    expect(dockerOnly.filter((f) => f.message.includes('"includes"')).length).toBeGreaterThan(15);
    expect(dockerOnly.filter((f) => f.message.includes('"excludes"'))).toHaveLength(3);
    // Without includes/excludes, clone3 is both allowed and refused: libseccomp keeps the first.
    expect(
      found.some((f) => f.ruleId === 'seccomp/conflicting-rule' && f.message.startsWith('"clone3"')),
    ).toBe(true);
  });

  it('allows every call the essential set names, on x86_64 and aarch64', () => {
    const profile = profileOf(text, 'docker');
    for (const arch of ['x86_64', 'aarch64']) {
      for (const syscall of ESSENTIAL_SYSCALLS) {
        const result = evaluateSyscall(profile, { arch, syscall });
        if (!result.known) continue; // arch_prctl on aarch64
        expect(BLOCKING_ACTIONS.has(result.action), `${syscall} on ${arch}`).toBe(false);
      }
    }
  });

  it('evaluates as Docker documents it', () => {
    const profile = profileOf(text, 'docker');
    const cases: [Parameters<typeof evaluateSyscall>[1], string, number?][] = [
      [{ syscall: 'read' }, 'SCMP_ACT_ALLOW'],
      [{ syscall: 'mount' }, 'SCMP_ACT_ERRNO', 1],
      [{ syscall: 'mount', capabilities: ['CAP_SYS_ADMIN'] }, 'SCMP_ACT_ALLOW'],
      [{ syscall: 'ptrace' }, 'SCMP_ACT_ALLOW'], // minKernel 4.8: met by an unknown kernel
      [{ syscall: 'ptrace', kernel: '4.4.0' }, 'SCMP_ACT_ERRNO', 1],
      [{ syscall: 'clone3' }, 'SCMP_ACT_ERRNO', 38], // ENOSYS, so that glibc falls back to clone
      [{ syscall: 'clone', args: ['0x11'] }, 'SCMP_ACT_ALLOW'],
      [{ syscall: 'clone', args: ['0x10000000'] }, 'SCMP_ACT_ERRNO', 1], // CLONE_NEWUSER
      [{ syscall: 'socket', args: [40] }, 'SCMP_ACT_ERRNO', 1], // AF_VSOCK
      [{ syscall: 'socket', args: [2] }, 'SCMP_ACT_ALLOW'],
      [{ syscall: 'personality', args: ['0xffffffff'] }, 'SCMP_ACT_ALLOW'],
      [{ syscall: 'personality', args: [1] }, 'SCMP_ACT_ERRNO', 1],
      [{ syscall: 'arch_prctl', arch: 'x86_64' }, 'SCMP_ACT_ALLOW'],
      [{ syscall: 'keyctl' }, 'SCMP_ACT_ERRNO', 1],
      [{ syscall: 'unshare' }, 'SCMP_ACT_ERRNO', 1],
    ];
    for (const [query, action, errno] of cases) {
      const result = evaluateSyscall(profile, query);
      expect({ call: query, action: result.action, errno: result.errno }).toEqual({
        call: query,
        action,
        errno,
      });
    }
  });

  it('as a Localhost profile, grants CAP_SYS_ADMIN calls to every container', () => {
    const profile = profileOf(text, 'kubernetes');
    expect(evaluateSyscall(profile, { syscall: 'mount' }).action).toBe('SCMP_ACT_ALLOW');
    expect(evaluateSyscall(profile, { syscall: 'clone3' }).action).toBe('SCMP_ACT_ALLOW');
  });
});
