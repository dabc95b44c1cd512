/**
 * The generated system-call table: what it says for well-known calls, that it is what the
 * generator makes of the corpus CSV today, and that it agrees with libseccomp's own resolver.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SYSCALL_TABLE_ARCHES, SYSCALL_TABLE_ROWS } from '../../src/languages/seccomp/syscalls.generated.js';
import {
  archesOf,
  scmpArch,
  syscallNames,
  syscallNumber,
  tableArch,
} from '../../src/languages/seccomp/syscalls.js';
import type { TableArch } from '../../src/languages/seccomp/syscalls.js';
// @ts-expect-error: a plain ESM script without types
import { parseSyscallsCsv } from '../../scripts/generate-seccomp-syscalls.mjs';
import { corpus, hasCorpus } from './_helpers.js';
import { WHY, skipping } from '../helpers/skip.js';

describe('system-call table', () => {
  it('numbers well-known calls per architecture', () => {
    expect(syscallNumber('read', 'x86_64')).toBe(0);
    expect(syscallNumber('read', 'aarch64')).toBe(63);
    expect(syscallNumber('read', 'x86')).toBe(3);
    expect(syscallNumber('execve', 'x86_64')).toBe(59);
    expect(syscallNumber('open', 'aarch64')).toBeUndefined();
    expect(syscallNumber('cacheflush', 'arm')).toBe(983042);
    expect(archesOf('riscv_flush_icache')).toEqual(['riscv64']);
    expect(syscallNames().length).toBeGreaterThan(450);
  });

  it('knows architectures by every name profiles and tools use', () => {
    expect(tableArch('SCMP_ARCH_PPC64LE')).toBe('ppc64');
    expect(tableArch('mipsel64')).toBe('mips64');
    expect(tableArch('arm64')).toBe('aarch64');
    expect(scmpArch('amd64')).toBe('SCMP_ARCH_X86_64');
    expect(scmpArch('vax')).toBeUndefined();
  });
});

const csv = join(corpus, 'seccomp', 'libseccomp-2.6.0-syscalls.csv');
if (!hasCorpus) skipping('the seccomp table against the corpus CSV', WHY.noCorpus);

describe.skipIf(!hasCorpus || !existsSync(csv))('generated table against the corpus CSV', () => {
  it('is what the generator makes of libseccomp-2.6.0-syscalls.csv', () => {
    const table = parseSyscallsCsv(readFileSync(csv, 'utf8')) as {
      arches: string[];
      rows: [string, (number | null)[]][];
    };
    expect(table.arches).toEqual([...SYSCALL_TABLE_ARCHES]);
    const regenerated = table.rows.map(
      ([name, numbers]) => `${name} ${numbers.map((n) => (n === null ? '-' : n)).join(' ')}`,
    );
    expect(regenerated).toEqual([...SYSCALL_TABLE_ROWS]);
  });
});

/** scmp_sys_resolver prints numbers with the ABI offsets the kernel adds on these architectures. */
const RESOLVER_OFFSET: Partial<Record<TableArch, number>> = {
  mips: 4000,
  mips64: 5000,
  mips64n32: 6000,
  x32: 0x40000000,
};

function resolverArches(): TableArch[] {
  // Older resolvers do not know every architecture of the table (2.5.4 has no loongarch64, m68k, sh).
  return SYSCALL_TABLE_ARCHES.filter((arch) => {
    const run = spawnSync('scmp_sys_resolver', ['-a', arch, 'read'], { encoding: 'utf8' });
    return run.status === 0 && /^\d+\s*$/.test(run.stdout);
  });
}

const resolver = spawnSync('scmp_sys_resolver', ['-a', 'x86_64', 'read'], { encoding: 'utf8' });
const hasResolver = resolver.status === 0 && resolver.stdout.trim() === '0';
if (!hasResolver) skipping('the seccomp table against libseccomp', WHY.noScmpResolver);

describe.skipIf(!hasResolver)('generated table against scmp_sys_resolver', () => {
  it('gives the number libseccomp resolves for every call it knows', { timeout: 3_600_000 }, () => {
    const names = syscallNames();
    let compared = 0;
    let newer = 0;
    const mismatches: string[] = [];
    const absentThere: string[] = [];
    // Each answer is a process: the default run checks every 25th (architecture, call) pair,
    // CHS_SECCOMP_RESOLVER_FULL=1 every pair (about 7,500: minutes on a busy machine).
    const stride = process.env.CHS_SECCOMP_RESOLVER_FULL ? 1 : 25;
    let pair = 0;
    for (const arch of resolverArches()) {
      // One shell per architecture; still one resolver process per call.
      const picked = names.filter(() => pair++ % stride === 0);
      const script = picked
        .map((name) => `scmp_sys_resolver -a ${arch} ${name} 2>/dev/null || echo ?`)
        .join('\n');
      const run = spawnSync('sh', ['-c', script], { encoding: 'utf8', maxBuffer: 1 << 24 });
      const outputs = run.stdout.trim().split('\n');
      expect(outputs).toHaveLength(picked.length);
      picked.forEach((name, i) => {
        const answer = Number(outputs[i]);
        const ours = syscallNumber(name, arch);
        if (!Number.isFinite(answer) || answer === -1) {
          newer++; // a call newer than the installed libseccomp
          return;
        }
        compared++;
        if (answer >= 0) {
          if (ours === undefined || ours + (RESOLVER_OFFSET[arch] ?? 0) !== answer)
            mismatches.push(`${arch} ${name}: ours ${ours} resolver ${answer}`);
        } else if (answer <= -10000 && ours !== undefined) {
          // The resolver says "not on this architecture" (__PNR_*): a call libseccomp added since
          // (Debian's 2.5.4 knows map_shadow_stack on x86_64 only; 2.6.0 on every architecture).
          absentThere.push(`${arch} ${name}`);
        }
        // -100 to -299: socketcall / ipc multiplexed calls, which libseccomp filters by a pseudo number.
      });
    }
    console.info(
      `seccomp table: ${compared} (architecture, call) pairs compared with scmp_sys_resolver (every ${stride}); ` +
        `${mismatches.length} disagreements; ${newer} calls it does not know; ${absentThere.length} it places on fewer architectures: ${absentThere.join(', ')}`,
    );
    expect(compared).toBeGreaterThan(4000 / stride);
    expect(mismatches).toEqual([]);
  });
});
