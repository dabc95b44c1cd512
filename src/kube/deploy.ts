/**
 * Direct deploy by server-side apply. Three passes, so that a deploy that cannot succeed writes
 * nothing: a preflight (every kind served, every namespace present or part of the deploy, no object
 * of another target in the way), a dry run of every object (`dryRun=All`: validation, admission and
 * field-manager conflicts, as the real write would meet them), then the writes in dependency order.
 * Objects whose managed fields already match are not written at all. A write that fails stops the
 * deploy; the result says what was and was not applied, and a rerun converges from there.
 */
import { MANAGED_BY, MANAGED_BY_LABEL, TARGET_LABEL, targetSelector } from '../render/labels.js';
import { KubeApiError } from './client.js';
import type { KubeClient } from './client.js';
import { compareObject } from './compare.js';
import { describeRef, kindRank, refKey, refOf, sortForApply } from './objects.js';
import type { KubeObject, ObjectRef } from './objects.js';

/**
 * Kinds chs may have deployed: listed for prune and drift even when nothing of them is wanted now.
 * Namespaces are not among them: deleting one deletes everything in it, ours or not, so a
 * namespace that is no longer wanted stays (as Helm leaves the namespaces it created).
 */
const MANAGED_KINDS: { apiVersion: string; kind: string }[] = [
  { apiVersion: 'v1', kind: 'ConfigMap' },
  { apiVersion: 'apps/v1', kind: 'DaemonSet' },
  // The Security Profiles Operator's kinds in every version an operator release serves (v1 since
  // 1.0.0): a target's declared version may have changed since the last deploy.
  { apiVersion: 'security-profiles-operator.x-k8s.io/v1', kind: 'SeccompProfile' },
  { apiVersion: 'security-profiles-operator.x-k8s.io/v1beta1', kind: 'SeccompProfile' },
  { apiVersion: 'security-profiles-operator.x-k8s.io/v1', kind: 'AppArmorProfile' },
  { apiVersion: 'security-profiles-operator.x-k8s.io/v1alpha1', kind: 'AppArmorProfile' },
  { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingAdmissionPolicy' },
  { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingAdmissionPolicyBinding' },
];

/**
 * Our objects of the target that are not among the desired ones, each once: a kind served at two
 * versions (SeccompProfile v1beta1 and v1) lists every object at both.
 */
export async function unwantedObjects(
  client: KubeClient,
  target: string,
  desired: readonly KubeObject[],
  isServed: (apiVersion: string, kind: string) => Promise<boolean>,
): Promise<KubeObject[]> {
  const seen = new Set(desired.map((o) => refKey(refOf(o))));
  const kinds = [...MANAGED_KINDS, ...desired.map(({ apiVersion, kind }) => ({ apiVersion, kind }))];
  const listed = new Set<string>();
  const unwanted: KubeObject[] = [];
  for (const { apiVersion, kind } of kinds) {
    if (listed.has(`${apiVersion} ${kind}`) || kind === 'Namespace') continue;
    listed.add(`${apiVersion} ${kind}`);
    if (!(await isServed(apiVersion, kind))) continue;
    for (const object of await client.list(apiVersion, kind, targetSelector(target))) {
      const key = refKey(refOf(object));
      if (seen.has(key)) continue;
      seen.add(key);
      unwanted.push(object);
    }
  }
  return unwanted;
}

type Action = 'create' | 'update' | 'unchanged' | 'delete';

export interface Step {
  ref: ObjectRef;
  action: Action;
}

interface Conflict {
  ref: ObjectRef;
  /** The other field managers, each with the fields it owns that we would change. */
  managers: { manager: string; fields: string[] }[];
}

export interface DeployResult {
  /** What the deploy wants to do, in order (unchanged objects included). */
  plan: Step[];
  /** Writes that were made (applies and deletes). */
  done: Step[];
  /** The write that failed, if one did. */
  failed?: { step: Step; message: string };
  /** Planned writes not made because the deploy stopped. */
  notDone: Step[];
  /** Problems found before anything was written (preflight, dry run). */
  refused: string[];
  conflicts: Conflict[];
}

export interface DeployOptions {
  target: string;
  /** Only the preflight and the server-side dry run. */
  dryRun: boolean;
  prune: boolean;
  force: boolean;
}

const HINTS: Record<string, string> = {
  SeccompProfile:
    "install the Security Profiles Operator, set the target's operatorVersion to the version it runs, or set the target's delivery: loader in chs.yaml",
  AppArmorProfile:
    "install the Security Profiles Operator, set the target's operatorVersion to the version it runs, or set the target's delivery: loader in chs.yaml",
  ValidatingAdmissionPolicy: 'ValidatingAdmissionPolicy needs Kubernetes 1.30 or newer',
  ValidatingAdmissionPolicyBinding: 'ValidatingAdmissionPolicy needs Kubernetes 1.30 or newer',
};

/** Turns a 409 from server-side apply into the managers and fields in conflict. */
function conflictOf(ref: ObjectRef, error: KubeApiError): Conflict | undefined {
  if (error.status !== 409 || error.reason !== 'Conflict') return undefined;
  const byManager = new Map<string, string[]>();
  for (const cause of error.body?.details?.causes ?? []) {
    const manager = /conflict with "([^"]*)"/.exec(cause.message ?? '')?.[1] ?? 'another field manager';
    byManager.set(manager, [...(byManager.get(manager) ?? []), cause.field ?? '?']);
  }
  if (byManager.size === 0) byManager.set('another field manager', [error.body?.message ?? error.message]);
  return { ref, managers: [...byManager].map(([manager, fields]) => ({ manager, fields })) };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export async function deploy(
  client: KubeClient,
  desiredObjects: readonly KubeObject[],
  options: DeployOptions,
): Promise<DeployResult> {
  const desired = sortForApply(desiredObjects);
  const result: DeployResult = { plan: [], done: [], notDone: [], refused: [], conflicts: [] };

  // 1. Preflight: kinds served, namespaces present, no other target's objects in the way.
  const kinds = new Map<string, { apiVersion: string; kind: string; users: KubeObject[] }>();
  for (const object of desired) {
    const key = `${object.apiVersion} ${object.kind}`;
    const entry = kinds.get(key) ?? { apiVersion: object.apiVersion, kind: object.kind, users: [] };
    entry.users.push(object);
    kinds.set(key, entry);
  }
  for (const { apiVersion, kind, users } of kinds.values()) {
    const info = await client.resource(apiVersion, kind);
    if (!info) {
      const hint = HINTS[kind];
      result.refused.push(
        `the cluster does not serve ${kind} (${apiVersion}), needed by ${users.map((u) => describeRef(refOf(u))).join(', ')}${hint ? `: ${hint}` : ''}`,
      );
    } else if (info.namespaced !== users.every((u) => u.metadata.namespace !== undefined)) {
      result.refused.push(
        `${kind} (${apiVersion}) is ${info.namespaced ? '' : 'not '}namespaced in the cluster, unlike the rendered objects`,
      );
    }
  }
  const creating = new Set(
    desired.filter((o) => o.kind === 'Namespace' && o.apiVersion === 'v1').map((o) => o.metadata.name),
  );
  const namespaces = new Set(
    desired.map((o) => o.metadata.namespace).filter((n): n is string => n !== undefined),
  );
  const pending = new Set<string>();
  for (const namespace of [...namespaces].sort()) {
    const live = await client.get({ apiVersion: 'v1', kind: 'Namespace', name: namespace });
    if (live) continue;
    if (creating.has(namespace)) {
      pending.add(namespace);
      continue;
    }
    const users = desired.filter((o) => o.metadata.namespace === namespace).map((o) => describeRef(refOf(o)));
    result.refused.push(
      `namespace "${namespace}" does not exist in the cluster (needed by ${users.join(', ')}); create it or change chs.yaml`,
    );
  }
  if (result.refused.length > 0) return result;

  const live = new Map<string, KubeObject | undefined>();
  for (const object of desired) {
    const ref = refOf(object);
    const current =
      object.metadata.namespace !== undefined && pending.has(object.metadata.namespace)
        ? undefined
        : await client.get(ref);
    live.set(refKey(ref), current);
    const owner = current?.metadata.labels?.[TARGET_LABEL];
    if (
      current &&
      current.metadata.labels?.[MANAGED_BY_LABEL] === MANAGED_BY &&
      owner !== undefined &&
      owner !== options.target
    ) {
      result.refused.push(
        `${describeRef(ref)} belongs to target "${owner}" in this cluster; two targets cannot deploy the same objects to one cluster`,
      );
    }
  }
  if (result.refused.length > 0) return result;

  // 2. Dry run of every write (objects in namespaces this deploy creates cannot be tried yet).
  for (const object of desired) {
    const ref = refOf(object);
    const current = live.get(refKey(ref));
    const action: Action =
      current === undefined ? 'create' : compareObject(object, current).equal ? 'unchanged' : 'update';
    result.plan.push({ ref, action });
    if (
      action === 'unchanged' ||
      (object.metadata.namespace !== undefined && pending.has(object.metadata.namespace))
    )
      continue;
    try {
      await client.apply(object, { dryRun: true, force: options.force });
    } catch (error) {
      const conflict = error instanceof KubeApiError ? conflictOf(ref, error) : undefined;
      if (conflict) result.conflicts.push(conflict);
      else result.refused.push(messageOf(error));
    }
  }

  // Prune candidates: our objects of this target that are no longer wanted, last applied first.
  const prune: Step[] = [];
  if (options.prune) {
    const candidates = await unwantedObjects(client, options.target, desired, async (apiVersion, kind) =>
      Boolean(await client.resource(apiVersion, kind)),
    );
    candidates.sort(
      (a, b) => kindRank(b.kind) - kindRank(a.kind) || a.metadata.name.localeCompare(b.metadata.name),
    );
    for (const object of candidates) {
      const step: Step = { ref: refOf(object), action: 'delete' };
      prune.push(step);
      result.plan.push(step);
      try {
        await client.delete(step.ref, { dryRun: true });
      } catch (error) {
        result.refused.push(messageOf(error));
      }
    }
  }
  if (result.refused.length > 0 || result.conflicts.length > 0 || options.dryRun) return result;

  // 3. The writes, in order; the first failure stops the deploy.
  const writes = result.plan.filter((s) => s.action !== 'unchanged');
  for (const [index, step] of writes.entries()) {
    try {
      if (step.action === 'delete') await client.delete(step.ref, { dryRun: false });
      else {
        const object = desired.find((o) => refKey(refOf(o)) === refKey(step.ref)) as KubeObject;
        await client.apply(object, { dryRun: false, force: options.force });
      }
      result.done.push(step);
    } catch (error) {
      const conflict = error instanceof KubeApiError ? conflictOf(step.ref, error) : undefined;
      if (conflict) result.conflicts.push(conflict);
      result.failed = { step, message: messageOf(error) };
      result.notDone = writes.slice(index + 1);
      break;
    }
  }
  return result;
}

/** True when the deploy did all it planned. */
export function succeeded(result: DeployResult): boolean {
  return result.refused.length === 0 && result.conflicts.length === 0 && result.failed === undefined;
}
