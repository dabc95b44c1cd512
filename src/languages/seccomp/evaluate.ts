/**
 * Which action a profile takes for a system call, as libseccomp builds the filter from the rules
 * runc or Docker give it. Pure: the `seccomp` cases of `chs test` and the impact preview (a
 * recorded event's `evt.type` is a system call) both call it.
 *
 * libseccomp's semantics, per system call (src/db.c, db_rule_add):
 * - a rule without argument comparisons decides the call: the first such rule wins, later ones
 *   for the same call are dropped, and it replaces any rule with comparisons;
 * - otherwise rules with comparisons are merged into a tree where the more inclusive rule (fewer
 *   comparisons) wins; among rules that match equally, the first in the profile is taken here;
 * - no matching rule: the default action.
 * Arguments not given are 0, as libseccomp's own simulator (scmp_bpf_sim) takes them.
 */
import type { Range } from '../../core/diagnostic.js';
import { defaultOf, DOCKER_DEFAULT_CAPS, comparisonHolds, filterRules } from './filter.js';
import type { FilterRule } from './filter.js';
import type { Runtime, SeccompProfile } from './profile.js';
import { scmpArch, SCMP_ARCHES, syscallNumber } from './syscalls.js';

export interface SyscallQuery {
  /** The node's architecture: `SCMP_ARCH_X86_64`, `x86_64`, `amd64`, ... (default x86_64). */
  arch?: string;
  syscall: string;
  /** Argument values, from index 0 (missing ones are 0). Strings are decimal or 0x hexadecimal. */
  args?: readonly (number | bigint | string)[];
  /** Overrides the profile's runtime. */
  runtime?: Runtime;
  /** Docker: the container's capabilities (default: Docker's default set). */
  capabilities?: readonly string[];
  /** Docker: the node's kernel release, for `minKernel` (default: every minKernel is met). */
  kernel?: string;
}

export interface Evaluation {
  action: string;
  /** The errno the call fails with (SCMP_ACT_ERRNO), or the value a tracer gets (SCMP_ACT_TRACE). */
  errno?: number;
  /** The rule that decided (the system-call name in it), or the default action. */
  rule?: { file: string; range: Range };
  /** `SCMP_ARCH_*` the call was evaluated for. */
  arch: string;
  /** False when the call does not exist on that architecture (or the query is wrong): the default applies. */
  known: boolean;
  /** Why the answer is the default action regardless of the rules. */
  problem?: string;
}

const DEFAULT_ARCH = 'SCMP_ARCH_X86_64';

function toBigInt(value: number | bigint | string): bigint | undefined {
  try {
    if (typeof value === 'bigint') return value;
    if (typeof value === 'number') return Number.isInteger(value) ? BigInt(value) : undefined;
    return /^(0x[0-9a-f]+|\d+)$/i.test(value.trim()) ? BigInt(value.trim()) : undefined;
  } catch {
    return undefined;
  }
}

/** Picks the deciding rule among the rules for one call, as libseccomp's filter does. */
function decidingRule(rules: readonly FilterRule[], args: readonly bigint[]): FilterRule | undefined {
  const unconditional = rules.find((rule) => rule.comparisons.length === 0);
  if (unconditional) return unconditional;
  let best: FilterRule | undefined;
  for (const rule of rules) {
    const matches = rule.comparisons.every((c) => comparisonHolds(c, args[c.index.value] ?? 0n));
    if (matches && (!best || rule.comparisons.length < best.comparisons.length)) best = rule;
  }
  return best;
}

export function evaluateSyscall(profile: SeccompProfile, query: SyscallQuery): Evaluation {
  const fallback = defaultOf(profile);
  const arch = scmpArch(query.arch ?? DEFAULT_ARCH);
  const answer = (extra: Partial<Evaluation> & { arch: string; known: boolean }): Evaluation => ({
    action: fallback.action,
    ...(fallback.errno === undefined ? {} : { errno: fallback.errno }),
    ...(fallback.range ? { rule: { file: profile.file, range: fallback.range } } : {}),
    ...extra,
  });
  if (arch === undefined) {
    return answer({ arch: query.arch ?? '', known: false, problem: `unknown architecture "${query.arch}"` });
  }
  const column = SCMP_ARCHES[arch];
  if (!column || syscallNumber(query.syscall, column) === undefined) {
    return answer({
      arch,
      known: false,
      problem: `"${query.syscall}" is no system call on ${arch}`,
    });
  }
  const args: bigint[] = [];
  for (const [i, raw] of (query.args ?? []).entries()) {
    const value = toBigInt(raw);
    if (value === undefined || value < 0n) {
      return answer({
        arch,
        known: false,
        problem: `argument ${i} (${String(raw)}) is not an unsigned integer`,
      });
    }
    args.push(value);
  }
  const runtime = query.runtime ?? profile.runtime;
  const rules = filterRules(profile, {
    runtime,
    syscall: query.syscall,
    docker: {
      arch,
      capabilities: query.capabilities ?? DOCKER_DEFAULT_CAPS,
      ...(query.kernel === undefined ? {} : { kernel: query.kernel }),
    },
  });
  const rule = decidingRule(rules, args);
  if (!rule) return answer({ arch, known: true });
  return {
    action: rule.action,
    ...(rule.errno === undefined ? {} : { errno: rule.errno }),
    rule: { file: profile.file, range: rule.name.range },
    arch,
    known: true,
  };
}
