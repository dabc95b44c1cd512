/**
 * From a profile's entries to the rules the runtime hands to libseccomp, as runc and moby build
 * them: which entries apply (Docker's includes/excludes; dropped by containerd for Kubernetes
 * Localhost profiles, so there every entry applies), one rule per name, comparisons on a repeated
 * argument index split into separate rules (runc cannot AND them), rules equal to the default
 * action skipped.
 */
import type { Range } from '../../core/diagnostic.js';
import { EPERM, effectiveErrno, sameAction } from './actions.js';
import type {
  ArgComparison,
  DockerFilter,
  Located,
  LocatedStrings,
  ProfileEntry,
  Runtime,
  SeccompProfile,
} from './profile.js';
import { DOCKER_ARCHES, SCMP_ARCHES } from './syscalls.js';

export const ARG_OPS = [
  'SCMP_CMP_NE',
  'SCMP_CMP_LT',
  'SCMP_CMP_LE',
  'SCMP_CMP_EQ',
  'SCMP_CMP_GE',
  'SCMP_CMP_GT',
  'SCMP_CMP_MASKED_EQ',
] as const;

/** Arguments a system call has: indices 0 to 5. */
export const MAX_ARG_INDEX = 5;

/** Docker's default capability set (what `includes.caps` / `excludes.caps` are compared with). */
export const DOCKER_DEFAULT_CAPS: readonly string[] = [
  'CAP_AUDIT_WRITE',
  'CAP_CHOWN',
  'CAP_DAC_OVERRIDE',
  'CAP_FOWNER',
  'CAP_FSETID',
  'CAP_KILL',
  'CAP_MKNOD',
  'CAP_NET_BIND_SERVICE',
  'CAP_NET_RAW',
  'CAP_SETFCAP',
  'CAP_SETGID',
  'CAP_SETPCAP',
  'CAP_SETUID',
  'CAP_SYS_CHROOT',
];

function validComparison(comparison: ArgComparison): boolean {
  return (
    (ARG_OPS as readonly string[]).includes(comparison.op.value) &&
    comparison.index.value >= 0 &&
    comparison.index.value <= MAX_ARG_INDEX
  );
}

/** One rule as libseccomp receives it. */
export interface FilterRule {
  entry: ProfileEntry;
  name: Located<string>;
  action: string;
  errno?: number;
  /** All must hold (empty: the rule matches every call of that name). */
  comparisons: ArgComparison[];
  /** Docker's includes/excludes as a key (empty for Kubernetes, where they are dropped). */
  conditionKey: string;
}

/** Where Docker evaluates includes/excludes: the node's architecture, the container's capabilities, the kernel. */
interface DockerContext {
  /** `SCMP_ARCH_*` of the node. */
  arch: string;
  capabilities: readonly string[];
  /** Kernel release (`5.15.0-1051-aws`); unknown: every minKernel is met. */
  kernel?: string;
}

function kernelAtLeast(kernel: string, minimum: string): boolean {
  const parse = (v: string): number[] =>
    (/^(\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(v) ?? []).slice(1, 4).map((x) => Number(x ?? 0));
  const a = parse(kernel);
  const b = parse(minimum);
  for (let i = 0; i < 3; i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    if (x !== y) return x > y;
  }
  return true;
}

/** moby compares `arches` with Go's GOARCH of the daemon: the node's architecture under that name. */
function archMatches(filter: DockerFilter, arch: string): boolean {
  return filter.arches.values.some((value) => goNames.has(value) && DOCKER_ARCHES[value] === arch);
}

/** The names moby can see in runtime.GOARCH (x86, x32 and s390 never match). */
const goNames = new Set([
  '386',
  'amd64',
  'arm',
  'arm64',
  'loong64',
  'mips',
  'mipsle',
  'mips64',
  'mips64le',
  'ppc64',
  'ppc64le',
  'riscv64',
  's390x',
]);

/** Whether Docker adds an entry in this context (moby's setupSeccomp). */
function dockerApplies(entry: ProfileEntry, context: DockerContext): boolean {
  const { excludes, includes } = entry;
  if (excludes) {
    if (excludes.arches.length > 0 && archMatches(excludes, context.arch)) return false;
    if (excludes.caps.values.some((cap) => context.capabilities.includes(cap))) return false;
    if (
      excludes.minKernel &&
      context.kernel !== undefined &&
      kernelAtLeast(context.kernel, excludes.minKernel.value)
    )
      return false;
  }
  if (includes) {
    if (includes.arches.length > 0 && !archMatches(includes, context.arch)) return false;
    if (includes.caps.values.some((cap) => !context.capabilities.includes(cap))) return false;
    if (
      includes.minKernel &&
      context.kernel !== undefined &&
      !kernelAtLeast(context.kernel, includes.minKernel.value)
    )
      return false;
  }
  return true;
}

function filterKey(filter: DockerFilter | undefined): string {
  if (!filter) return '';
  const sorted = (list: LocatedStrings): string[] => [...list.values].sort();
  return JSON.stringify([sorted(filter.arches), sorted(filter.caps), filter.minKernel?.value ?? '']);
}

/** The names an entry covers for a runtime (containerd reads `names` only; Docker also `name`). */
export function entryNames(entry: ProfileEntry, runtime: Runtime): Iterable<Located<string>> {
  return namesWhere(entry, runtime, () => true);
}

/** Whether an entry covers a system call, without a position per name. */
function entryCovers(entry: ProfileEntry, runtime: Runtime, syscall: string): boolean {
  return entry.names.values.includes(syscall) || (runtime === 'docker' && entry.name?.value === syscall);
}

/** The default action and errno of a profile (SCMP_ACT_ERRNO's errno is EPERM unless set). */
export function defaultOf(profile: SeccompProfile): { action: string; errno?: number; range?: Range } {
  const action = profile.defaultAction?.value ?? 'SCMP_ACT_ERRNO';
  const errno = effectiveErrno(action, profile.defaultErrnoRet?.value);
  return {
    action,
    ...(errno === undefined ? {} : { errno }),
    ...(profile.defaultAction ? { range: profile.defaultAction.range } : {}),
  };
}

export interface RuleOptions {
  runtime: Runtime;
  /** For Docker: the context includes/excludes are evaluated in; absent: every entry is kept. */
  docker?: DockerContext;
  /** Keep rules whose action equals the default action (runc skips them). */
  keepDefaultLike?: boolean;
  /** Only the rules for this system call. */
  syscall?: string;
}

/** An entry the runtime adds rules for: what each of its names gets. */
export interface ApplicableEntry {
  entry: ProfileEntry;
  action: string;
  errno?: number;
  /** One rule per group and name (comparisons on a repeated argument index are split). */
  groups: ArgComparison[][];
  conditionKey: string;
}

/** The entries the runtime adds rules for, in file order (their names not yet read). */
export function* applicableEntries(
  profile: SeccompProfile,
  options: RuleOptions,
): Generator<ApplicableEntry> {
  const fallback = defaultOf(profile);
  for (const entry of profile.entries) {
    if (!entry.action) continue;
    if (options.syscall !== undefined && !entryCovers(entry, options.runtime, options.syscall)) continue;
    if (options.runtime === 'docker' && options.docker && !dockerApplies(entry, options.docker)) continue;
    const action = entry.action.value;
    const errno = effectiveErrno(action, entry.errnoRet?.value);
    if (
      !options.keepDefaultLike &&
      sameAction(action, fallback.action) &&
      (errno ?? EPERM) === (fallback.errno ?? EPERM)
    )
      continue;
    // runc refuses the whole profile for a bad comparison (reported by seccomp/invalid-argument).
    if (entry.badValues.length > 0 || !entry.args.every(validComparison)) continue;
    const comparisons = entry.args;
    const indices = comparisons.map((c) => c.index.value);
    const repeated = new Set(indices).size !== indices.length;
    yield {
      entry,
      action,
      ...(errno === undefined ? {} : { errno }),
      groups: repeated ? comparisons.map((c) => [c]) : [comparisons],
      conditionKey:
        options.runtime === 'docker' ? `${filterKey(entry.includes)}|${filterKey(entry.excludes)}` : '',
    };
  }
}

/** The names of an entry for a runtime that `keep` accepts, a position made only for those. */
export function* namesWhere(
  entry: ProfileEntry,
  runtime: Runtime,
  keep: (name: string) => boolean,
): Generator<Located<string>> {
  const values = entry.names.values;
  for (let i = 0; i < values.length; i++) if (keep(values[i] as string)) yield entry.names.at(i);
  if (runtime === 'docker' && entry.name && keep(entry.name.value)) yield entry.name;
}

/** The rules one name of an applicable entry makes. */
export function rulesOf(applicable: ApplicableEntry, name: Located<string>): FilterRule[] {
  const { entry, action, errno, conditionKey } = applicable;
  return applicable.groups.map((comparisons) => ({
    entry,
    name,
    action,
    ...(errno === undefined ? {} : { errno }),
    comparisons,
    conditionKey,
  }));
}

/** The libseccomp rules of a profile, in file order. */
export function filterRules(profile: SeccompProfile, options: RuleOptions): FilterRule[] {
  const rules: FilterRule[] = [];
  const wanted = options.syscall;
  const keep = wanted === undefined ? () => true : (name: string) => name === wanted;
  for (const applicable of applicableEntries(profile, options)) {
    for (const name of namesWhere(applicable.entry, options.runtime, keep)) {
      rules.push(...rulesOf(applicable, name));
    }
  }
  return rules;
}

const MASK64 = (1n << 64n) - 1n;

/** Whether a comparison holds for an argument value (64-bit unsigned, as libseccomp compares). */
export function comparisonHolds(comparison: ArgComparison, argument: bigint): boolean {
  const arg = argument & MASK64;
  const value = comparison.value.value;
  switch (comparison.op.value) {
    case 'SCMP_CMP_NE':
      return arg !== value;
    case 'SCMP_CMP_LT':
      return arg < value;
    case 'SCMP_CMP_LE':
      return arg <= value;
    case 'SCMP_CMP_EQ':
      return arg === value;
    case 'SCMP_CMP_GE':
      return arg >= value;
    case 'SCMP_CMP_GT':
      return arg > value;
    case 'SCMP_CMP_MASKED_EQ':
      return (arg & value) === (comparison.valueTwo?.value ?? 0n);
    default:
      return false;
  }
}

/** A canonical key of a rule's comparisons (their order does not matter). */
export function comparisonsKey(comparisons: readonly ArgComparison[]): string {
  return comparisons
    .map(
      (c) =>
        `${c.index.value}:${c.op.value}:${c.value.value}:${c.op.value === 'SCMP_CMP_MASKED_EQ' ? (c.valueTwo?.value ?? 0n) : ''}`,
    )
    .sort()
    .join('&');
}

/**
 * The architectures (`SCMP_ARCH_*`) a profile's filter covers, besides the node's own which
 * libseccomp always adds: `architectures`, and for Docker every `archMap` entry. Empty: only the
 * node's own, which the profile cannot know.
 */
export function profileArches(profile: SeccompProfile, runtime: Runtime): string[] {
  const out = new Set<string>();
  const add = (name: string): void => {
    if (Object.hasOwn(SCMP_ARCHES, name)) out.add(name);
  };
  for (const arch of profile.architectures) add(arch.value);
  if (runtime === 'docker') {
    for (const entry of profile.archMap) {
      if (entry.architecture) add(entry.architecture.value);
      for (const sub of entry.subArchitectures) add(sub.value);
    }
  }
  return [...out];
}

/** The architectures an entry is meant for: Docker's `includes.arches`, else the profile's. */
export function entryArches(entry: ProfileEntry, profile: SeccompProfile, runtime: Runtime): string[] {
  if (runtime === 'docker' && entry.includes && entry.includes.arches.length > 0) {
    const out = new Set<string>();
    for (const arch of entry.includes.arches) {
      if (Object.hasOwn(DOCKER_ARCHES, arch.value)) out.add(DOCKER_ARCHES[arch.value] as string);
    }
    return [...out];
  }
  return profileArches(profile, runtime);
}
