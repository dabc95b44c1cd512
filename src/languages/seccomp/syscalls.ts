/**
 * System-call names and numbers per architecture (libseccomp's table, generated into
 * syscalls.generated.ts), and the architecture names profiles use: libseccomp's `SCMP_ARCH_*`
 * and Docker's Go names in `includes.arches`.
 */
import { SYSCALL_TABLE_ARCHES, SYSCALL_TABLE_ROWS } from './syscalls.generated.js';

/** A column of the table: libseccomp's own architecture names (`scmp_sys_resolver -a`). */
export type TableArch = (typeof SYSCALL_TABLE_ARCHES)[number];

const COLUMN = new Map<string, number>(SYSCALL_TABLE_ARCHES.map((arch, index) => [arch, index]));

/** `SCMP_ARCH_*` names (OCI `architectures`, Docker `archMap`) to table columns. Endianness shares numbers. */
export const SCMP_ARCHES: Readonly<Record<string, TableArch>> = {
  SCMP_ARCH_X86: 'x86',
  SCMP_ARCH_X86_64: 'x86_64',
  SCMP_ARCH_X32: 'x32',
  SCMP_ARCH_ARM: 'arm',
  SCMP_ARCH_AARCH64: 'aarch64',
  SCMP_ARCH_LOONGARCH64: 'loongarch64',
  SCMP_ARCH_M68K: 'm68k',
  SCMP_ARCH_MIPS: 'mips',
  SCMP_ARCH_MIPSEL: 'mips',
  SCMP_ARCH_MIPS64: 'mips64',
  SCMP_ARCH_MIPSEL64: 'mips64',
  SCMP_ARCH_MIPS64N32: 'mips64n32',
  SCMP_ARCH_MIPSEL64N32: 'mips64n32',
  SCMP_ARCH_PARISC: 'parisc',
  SCMP_ARCH_PARISC64: 'parisc64',
  SCMP_ARCH_PPC: 'ppc',
  SCMP_ARCH_PPC64: 'ppc64',
  SCMP_ARCH_PPC64LE: 'ppc64',
  SCMP_ARCH_RISCV64: 'riscv64',
  SCMP_ARCH_S390: 's390',
  SCMP_ARCH_S390X: 's390x',
  SCMP_ARCH_SH: 'sh',
  SCMP_ARCH_SHEB: 'sh',
};

/**
 * Docker's names in `includes.arches` / `excludes.arches`: Go's GOARCH values (what moby compares
 * them with) and the few others Docker's own default profile writes (x86, x32, s390), as the
 * `SCMP_ARCH_*` architecture they stand for.
 */
export const DOCKER_ARCHES: Readonly<Record<string, string>> = {
  '386': 'SCMP_ARCH_X86',
  x86: 'SCMP_ARCH_X86',
  amd64: 'SCMP_ARCH_X86_64',
  x32: 'SCMP_ARCH_X32',
  arm: 'SCMP_ARCH_ARM',
  arm64: 'SCMP_ARCH_AARCH64',
  loong64: 'SCMP_ARCH_LOONGARCH64',
  mips: 'SCMP_ARCH_MIPS',
  mipsle: 'SCMP_ARCH_MIPSEL',
  mips64: 'SCMP_ARCH_MIPS64',
  mips64le: 'SCMP_ARCH_MIPSEL64',
  mips64n32: 'SCMP_ARCH_MIPS64N32',
  mips64len32: 'SCMP_ARCH_MIPSEL64N32',
  ppc: 'SCMP_ARCH_PPC',
  ppc64: 'SCMP_ARCH_PPC64',
  ppc64le: 'SCMP_ARCH_PPC64LE',
  riscv64: 'SCMP_ARCH_RISCV64',
  s390: 'SCMP_ARCH_S390',
  s390x: 'SCMP_ARCH_S390X',
};

/**
 * An architecture as `SCMP_ARCH_*`, from that form, libseccomp's short name (`x86_64`, `mipsel`,
 * `ppc64le`: what `scmp_sys_resolver -a` takes) or a Docker/Go name (`amd64`, `arm64`).
 */
export function scmpArch(arch: string): string | undefined {
  if (Object.hasOwn(SCMP_ARCHES, arch)) return arch;
  const long = `SCMP_ARCH_${arch.toUpperCase()}`;
  if (/^[a-z0-9_]+$/.test(arch) && Object.hasOwn(SCMP_ARCHES, long)) return long;
  return Object.hasOwn(DOCKER_ARCHES, arch) ? DOCKER_ARCHES[arch] : undefined;
}

let byName: Map<string, readonly (number | null)[]> | undefined;

function table(): Map<string, readonly (number | null)[]> {
  if (!byName) {
    byName = new Map();
    for (const row of SYSCALL_TABLE_ROWS) {
      const [name, ...cells] = row.split(' ');
      byName.set(
        name as string,
        cells.map((cell) => (cell === '-' ? null : Number(cell))),
      );
    }
  }
  return byName;
}

/** Every system-call name libseccomp knows, sorted. */
export function syscallNames(): string[] {
  return [...table().keys()];
}

export function isKnownSyscall(name: string): boolean {
  return table().has(name);
}

/** The table column of an architecture in any of the forms `scmpArch` takes. */
export function tableArch(arch: string): TableArch | undefined {
  const scmp = scmpArch(arch);
  return scmp === undefined ? undefined : SCMP_ARCHES[scmp];
}

/** The call's number on an architecture (as libseccomp's table gives it), or undefined. */
export function syscallNumber(name: string, arch: TableArch): number | undefined {
  const row = table().get(name);
  const column = COLUMN.get(arch);
  if (!row || column === undefined) return undefined;
  return row[column] ?? undefined;
}

/** The architectures on which a call exists. */
export function archesOf(name: string): TableArch[] {
  const row = table().get(name);
  if (!row) return [];
  return SYSCALL_TABLE_ARCHES.filter((_, index) => row[index] !== null && row[index] !== undefined);
}

/**
 * Kernel names libseccomp's table files under another name on some architectures: on arm the
 * kernel's __NR_sync_file_range2 is __NR_arm_sync_file_range, and fadvise64_64 is arm_fadvise64_64.
 */
export const KERNEL_ALIASES: Readonly<Record<string, Partial<Record<TableArch, string>>>> = {
  sync_file_range2: { arm: 'arm_sync_file_range' },
  fadvise64_64: { arm: 'arm_fadvise64_64' },
};
