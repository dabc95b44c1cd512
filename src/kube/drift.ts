/**
 * Drift: the live objects that carry our label for a target against the rendered desired state.
 * Missing (wanted, not in the cluster), changed (a unified diff of the fields we manage) and extra
 * (ours by label, no longer wanted).
 */
import { targetSelector } from '../render/labels.js';
import type { KubeClient } from './client.js';
import { compareObject } from './compare.js';
import { MANAGED_KINDS } from './deploy.js';
import { refKey, refOf, sortForApply } from './objects.js';
import type { KubeObject, ObjectRef } from './objects.js';

export interface DriftReport {
  target: string;
  missing: ObjectRef[];
  changed: { ref: ObjectRef; diff: string }[];
  extra: ObjectRef[];
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
  const report: DriftReport = { target, missing: [], changed: [], extra: [] };
  const served = new Map<string, boolean>();
  const isServed = async (apiVersion: string, kind: string): Promise<boolean> => {
    const key = `${apiVersion} ${kind}`;
    if (!served.has(key)) served.set(key, (await client.resource(apiVersion, kind)) !== undefined);
    return served.get(key) as boolean;
  };
  for (const object of desired) {
    const ref = refOf(object);
    const live = (await isServed(ref.apiVersion, ref.kind)) ? await client.get(ref) : undefined;
    if (!live) report.missing.push(ref);
    else {
      const comparison = compareObject(object, live);
      if (!comparison.equal) report.changed.push({ ref, diff: comparison.diff });
    }
  }
  const wanted = new Set(desired.map((o) => refKey(refOf(o))));
  const kinds = [...MANAGED_KINDS, ...desired.map((o) => ({ apiVersion: o.apiVersion, kind: o.kind }))];
  const listed = new Set<string>();
  const extra: KubeObject[] = [];
  for (const { apiVersion, kind } of kinds) {
    if (listed.has(`${apiVersion} ${kind}`) || kind === 'Namespace') continue;
    listed.add(`${apiVersion} ${kind}`);
    if (!(await isServed(apiVersion, kind))) continue;
    for (const object of await client.list(apiVersion, kind, targetSelector(target))) {
      if (!wanted.has(refKey(refOf(object)))) extra.push(object);
    }
  }
  report.extra = sortForApply(extra).map(refOf);
  return report;
}
