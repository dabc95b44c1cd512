/**
 * Evaluating Pods and workloads as Pod Security Admission does, with its own words, and against the
 * repository's pod security policies (a level and explicit controls per policy).
 */
import type { Violation } from './violation.js';
import { checksFor } from './checks/index.js';
import { podView } from './checks/pod.js';
import type { PodView } from './checks/types.js';
import { evaluateControls } from './controls.js';
import type { PodSecurityPolicy, PolicyScope } from './policy.js';
import { LATEST, parseVersion } from './version.js';
import type { PolicyVersion, PssLevel } from './version.js';
import { podSource, resourceOf } from './workload.js';
import type { PodSource } from './workload.js';

export type { Violation };

export interface PodSecurityResult {
  readonly allowed: boolean;
  /** What the API server would say; empty when allowed. */
  readonly message: string;
  readonly violations: Violation[];
}

export interface LevelVersion {
  level: PssLevel;
  version?: PolicyVersion | string;
}

function resolveVersion(version: PolicyVersion | string | undefined): PolicyVersion {
  if (version === undefined) return LATEST;
  if (typeof version !== 'string') return version;
  const parsed = parseVersion(version);
  if (!parsed) throw new Error(`invalid Pod Security Standards version "${version}" (v1.N or latest)`);
  return parsed;
}

/**
 * A rejection whose message is written only when read: a batch of many pods (an impact preview over
 * a cluster) rarely reads them all. A class, not an object literal with a getter: V8 builds those
 * slowly, and this runs for every rejected pod. `toJSON` keeps the message in JSON output.
 */
class Rejection implements PodSecurityResult {
  private text: string | undefined;

  constructor(
    readonly violations: Violation[],
    private readonly describe: () => string,
  ) {}

  get allowed(): boolean {
    return false;
  }

  get message(): string {
    this.text ??= this.describe();
    return this.text;
  }

  toJSON(): { allowed: boolean; message: string; violations: Violation[] } {
    return { allowed: false, message: this.message, violations: this.violations };
  }
}

function resultOf(violations: Violation[], message: () => string): PodSecurityResult {
  return violations.length === 0
    ? { allowed: true, message: '', violations }
    : new Rejection(violations, message);
}

/** Runs PSA's checks on a pod view; the violations in PSA's order. */
function checkPod(pod: PodView, level: PssLevel, version: PolicyVersion): Violation[] {
  if (level === 'privileged') return [];
  let violations: Violation[] | undefined;
  for (const active of checksFor(level, version.minor)) {
    const result = active.check(pod);
    if (!result.allowed)
      (violations ??= []).push({
        check: active.id,
        reason: result.reason || 'unknown forbidden reason',
        detail: result.detail ?? '',
      });
  }
  return violations ?? NO_VIOLATIONS;
}

/** Shared by every pod that passes (never mutated: results copy before adding). */
const NO_VIOLATIONS: Violation[] = [];
const NO_LABELS: Readonly<Record<string, string>> = Object.freeze({});

/** PSA's aggregate text: `reason (detail), reason`. */
function forbiddenDetail(violations: readonly Violation[]): string {
  return violations.map((v) => (v.detail ? `${v.reason} (${v.detail})` : v.reason)).join(', ');
}

/**
 * The API server's words: a Pod is refused (`pods "x" is forbidden: violates PodSecurity ...`); a
 * workload is admitted with a warning (`would violate PodSecurity ...`), as PSA does for templates.
 */
function psaMessage(
  source: Pick<PodSource, 'kind' | 'name'>,
  level: PssLevel,
  version: PolicyVersion,
  violations: readonly Violation[],
): string {
  if (violations.length === 0) return '';
  const body = `PodSecurity "${level}:${version.text}": ${forbiddenDetail(violations)}`;
  return source.kind === 'Pod'
    ? `${resourceOf(source.kind)} "${source.name}" is forbidden: violates ${body}`
    : `would violate ${body}`;
}

/** Evaluates a Pod or workload against a Pod Security Standards level and version. */
export function evaluatePodSecurity(object: unknown, options: LevelVersion): PodSecurityResult {
  const source = podSource(object);
  if (!source) return { allowed: true, message: '', violations: [] };
  const version = resolveVersion(options.version);
  const violations = checkPod(podView(source.podMetadata, source.podSpec), options.level, version);
  if (violations.length === 0) return { allowed: true, message: '', violations: [] };
  return resultOf(violations, () => psaMessage(source, options.level, version, violations));
}

export interface PolicyEvaluationOptions {
  /** The namespace the object goes to (else its own metadata.namespace, else `default`). */
  namespace?: string;
  /** Labels of that namespace, for policies that select namespaces by label. */
  namespaceLabels?: Readonly<Record<string, string>>;
  /** Where the policies are deployed (the targets' namespaces, chs's own exempt); see `PolicyScope`. */
  scope?: PolicyScope;
}

/**
 * Evaluates an object (or a `PodSubject`) against the repository's policies that apply to its
 * namespace. Levels speak as PSA does; explicit controls as a ValidatingAdmissionPolicy denial does.
 */
export function evaluateAgainstPolicies(
  object: unknown,
  policies: readonly PodSecurityPolicy[],
  options: PolicyEvaluationOptions = {},
): PodSecurityResult {
  const outcome = policyOutcome(object, policies, options.namespace, options.scope);
  return outcome ? outcomeResult(outcome, options.namespaceLabels ?? NO_LABELS) : allowed();
}

const allowed = (): PodSecurityResult => ({ allowed: true, message: '', violations: [] });

/**
 * What the policies say of an object before its namespace's labels are known: the object can be
 * let go, and its result told once every Namespace is read (`chs pod-security check` over a
 * cluster's files, whose Namespaces may come last).
 */
export interface PolicyOutcome {
  /** What names the object; not its pod, so that the object itself can be let go. */
  source: Pick<PodSource, 'kind' | 'name' | 'namespace'>;
  namespace: string;
  /** The policies that would refuse it, if they select its namespace; usually none. */
  parts: readonly { policy: PodSecurityPolicy; level: Violation[]; controls: Violation[] }[];
}

/**
 * An object read once as the checks see it, for several evaluations: a preview judges each
 * workload against the base's policies and the head's. The checks only read it.
 */
export class PodSubject {
  private constructor(
    readonly source: PodSource,
    readonly pod: PodView,
  ) {}

  /** Undefined: not a Pod or workload. */
  static of(object: unknown): PodSubject | undefined {
    const source = podSource(object);
    return source && new PodSubject(source, podView(source.podMetadata, source.podSpec));
  }
}

/**
 * The policies' verdicts on an object (or a `PodSubject`), but for namespace selectors; undefined:
 * not a Pod or workload.
 */
export function policyOutcome(
  object: unknown,
  policies: readonly PodSecurityPolicy[],
  namespaceOverride?: string,
  scope?: PolicyScope,
): PolicyOutcome | undefined {
  const subject = object instanceof PodSubject ? object : PodSubject.of(object);
  if (!subject) return undefined;
  const { source, pod } = subject;
  const namespace = namespaceOverride ?? (source.namespace || 'default');
  const parts: PolicyOutcome['parts'][number][] = [];
  for (const policy of policies) {
    if (!policy.appliesBesidesLabels(namespace, pod, scope)) continue;
    const level =
      policy.level && policy.level !== 'privileged'
        ? checkPod(pod, policy.level, policy.version)
        : NO_VIOLATIONS;
    const controls = evaluateControls(policy, pod);
    if (level.length === 0 && controls.length === 0) continue;
    parts.push({ policy, level, controls });
  }
  return { source: { kind: source.kind, name: source.name, namespace: source.namespace }, namespace, parts };
}

/** The result of an outcome once the labels of its namespace are known. */
export function outcomeResult(
  outcome: PolicyOutcome,
  namespaceLabels: Readonly<Record<string, string>>,
): PodSecurityResult {
  const { source } = outcome;
  const found = outcome.parts.filter((p) => p.policy.selects(outcome.namespace, namespaceLabels));
  if (found.length === 0) return allowed();
  const violations = found.flatMap((p) => [...p.level, ...p.controls]);
  return resultOf(violations, () => {
    const messages: string[] = [];
    for (const { policy, level, controls } of found) {
      if (level.length > 0 && policy.level)
        messages.push(psaMessage(source, policy.level, policy.version, level));
      if (controls.length > 0) {
        const name = policy.renderedName;
        const text = controls.map((c) => `${c.reason} (${c.detail})`).join(', ');
        messages.push(
          `${resourceOf(source.kind)} "${source.name}" is forbidden: ValidatingAdmissionPolicy '${name}' with binding '${name}' denied request: ${text}`,
        );
      }
    }
    return messages.join('; ');
  });
}
