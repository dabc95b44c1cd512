/**
 * What a Pod Security Admission check sees and says. Objects come from YAML written by people, so
 * nothing here trusts a shape: accessors in `pod.ts` turn anything unexpected into "not set".
 */

export type Level = 'baseline' | 'restricted';

/** A plain object read from YAML or JSON. */
export type Obj = Readonly<Record<string, unknown>>;

/** The pod's metadata and spec as the checks see them; containers are visited in PSA's order. */
export interface PodView {
  metadata: Obj;
  annotations: Readonly<Record<string, string>>;
  spec: Obj;
  securityContext: Obj | undefined;
  /** initContainers, then containers, then ephemeralContainers (PSA's `visitContainers`). */
  containers: readonly ContainerView[];
}

export interface ContainerView {
  name: string;
  raw: Obj;
  securityContext: Obj | undefined;
}

export interface CheckResult {
  allowed: boolean;
  /** Short and always shown: `host ports`, `runAsNonRoot != true`. */
  reason?: string;
  /** The specific values: `container "x" must set securityContext.runAsNonRoot=true`. */
  detail?: string;
}

export type CheckFn = (pod: PodView) => CheckResult;

export interface VersionedCheck {
  /** The first policy version (minor of Kubernetes 1.x) this revision applies to. */
  minimum: number;
  check: CheckFn;
  /** Baseline checks this restricted revision replaces when the level is restricted. */
  overrides?: readonly string[];
}

/** One PSA check: an id, the level it belongs to and its revisions, oldest first. */
export interface Check {
  id: string;
  level: Level;
  versions: readonly VersionedCheck[];
}

export const ALLOWED: CheckResult = Object.freeze({ allowed: true });

export function forbid(reason: string, detail: string): CheckResult {
  return { allowed: false, reason, detail };
}
