/**
 * Drift: the live objects that carry our label for a target against the rendered desired state.
 * Missing (wanted, not in the cluster), changed (a unified diff of the fields we manage) and extra
 * (ours by label, no longer wanted).
 */
import { COMPONENT_LABEL } from '../render/labels.js';
import type { KubeClient } from './client.js';
import { FIELD_MANAGER } from './client.js';
import { compareObject, projectLive } from './compare.js';
import { unwantedObjects } from './deploy.js';
import { refKey, refOf, sortForApply } from './objects.js';
import type { KubeObject, ObjectRef } from './objects.js';

export interface DriftReport {
  target: string;
  missing: ObjectRef[];
  changed: { ref: ObjectRef; diff: string; managers?: string[] }[];
  extra: ObjectRef[];
  /** What each object is for (its `app.kubernetes.io/component` label), by refKey. */
  components?: Map<string, string>;
}

type JsonMap = Record<string, unknown>;
const isMap = (v: unknown): v is JsonMap => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The paths (down to the first list) where the live object differs from the wanted one. */
function differingPaths(
  wanted: unknown,
  live: unknown,
  path: string[] = [],
  out: string[][] = [],
): string[][] {
  if (isMap(wanted) && isMap(live)) {
    for (const key of new Set([...Object.keys(wanted), ...Object.keys(live)]))
      differingPaths(wanted[key], live[key], [...path, key], out);
  } else if (JSON.stringify(wanted) !== JSON.stringify(live)) out.push(path);
  return out;
}

function owns(fields: unknown, path: readonly string[]): boolean {
  let node = fields;
  for (const key of path) {
    if (!isMap(node) || !(`f:${key}` in node)) return false;
    node = node[`f:${key}`];
  }
  return true;
}

/**
 * The field managers other than ours that own a field where the cluster differs (from
 * managedFields): who changed it, and whose ownership an apply would conflict with.
 */
function editors(desired: KubeObject, live: KubeObject): string[] {
  const wanted: JsonMap = { ...desired, metadata: { ...desired.metadata } };
  const paths = differingPaths(wanted, projectLive(desired, live)).filter(
    (p) => p[0] !== 'metadata' || ['labels', 'annotations'].includes(p[1] ?? ''),
  );
  const managed = Array.isArray(live.metadata.managedFields)
    ? (live.metadata.managedFields as unknown[])
    : [];
  const out = new Set<string>();
  for (const entry of managed) {
    if (!isMap(entry) || typeof entry.manager !== 'string' || entry.manager === FIELD_MANAGER) continue;
    if (paths.some((p) => owns(entry.fieldsV1, p))) out.add(entry.manager);
  }
  return [...out].sort();
}

export function hasDrift(report: DriftReport): boolean {
  return report.missing.length + report.changed.length + report.extra.length > 0;
}

export async function checkDrift(
  client: KubeClient,
  target: string,
  desiredObjects: readonly KubeObject[],
): Promise<DriftReport> {
  const desired = sortForApply(desiredObjects);
  const report: DriftReport = { target, missing: [], changed: [], extra: [], components: new Map() };
  const served = new Map<string, boolean>();
  const isServed = async (apiVersion: string, kind: string): Promise<boolean> => {
    const key = `${apiVersion} ${kind}`;
    if (!served.has(key)) served.set(key, (await client.resource(apiVersion, kind)) !== undefined);
    return served.get(key) as boolean;
  };
  for (const object of desired) {
    const ref = refOf(object);
    const component = object.metadata.labels?.[COMPONENT_LABEL];
    if (component) report.components?.set(refKey(ref), component);
    const live = (await isServed(ref.apiVersion, ref.kind)) ? await client.get(ref) : undefined;
    if (!live) report.missing.push(ref);
    else {
      const comparison = compareObject(object, live);
      if (!comparison.equal)
        report.changed.push({ ref, diff: comparison.diff, managers: editors(object, live) });
    }
  }
  const extra = await unwantedObjects(client, target, desired, isServed);
  for (const object of extra) {
    const component = object.metadata.labels?.[COMPONENT_LABEL];
    if (component) report.components?.set(refKey(refOf(object)), component);
  }
  report.extra = sortForApply(extra).map(refOf);
  return report;
}
