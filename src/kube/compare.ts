/**
 * Comparing a desired object with the live one, on the fields we manage only. The live object is
 * projected onto the desired one's shape (what the server adds — managedFields, resourceVersion,
 * uid, creationTimestamp, generation, status, defaulted fields, other managers' additions — falls
 * away), plus every field our field manager still owns that the desired object no longer sets
 * (the next apply removes it, so it is drift too). Equal projections mean no drift.
 */
import { createTwoFilesPatch } from 'diff';
import { dump } from 'js-yaml';
import { FIELD_MANAGER } from './client.js';
import { describeRef, refOf } from './objects.js';
import type { KubeObject } from './objects.js';

type Json = unknown;
type JsonMap = Record<string, unknown>;

function isMap(value: unknown): value is JsonMap {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isKeyedList(value: unknown): value is JsonMap[] {
  return (
    Array.isArray(value) && value.length > 0 && value.every((i) => isMap(i) && typeof i.name === 'string')
  );
}

/** Metadata we set: everything else in metadata belongs to the server. */
const OUR_METADATA = ['name', 'namespace', 'labels', 'annotations'];

function project(desired: Json, live: Json): Json {
  if (isMap(desired)) {
    if (!isMap(live)) return live;
    const out: JsonMap = {};
    for (const key of Object.keys(desired))
      if (live[key] !== undefined) out[key] = project(desired[key], live[key]);
    return out;
  }
  if (isKeyedList(desired) && isKeyedList(live)) {
    const out: Json[] = [];
    for (const item of desired) {
      const match = live.find((l) => l.name === item.name);
      if (match) out.push(project(item, match));
    }
    return out;
  }
  if (Array.isArray(desired) && Array.isArray(live)) {
    return live.map((item: unknown, i) => (i < desired.length ? project(desired[i], item) : item));
  }
  return live;
}

/** Adds the live values of fields our manager owns (fieldsV1) that the desired object lacks. */
function addOwned(fields: JsonMap, desired: Json, live: Json, projected: Json): void {
  for (const [key, sub] of Object.entries(fields)) {
    if (key.startsWith('f:') && isMap(live) && isMap(projected)) {
      const name = key.slice(2);
      if (live[name] === undefined) continue;
      const want = isMap(desired) ? desired[name] : undefined;
      if (want === undefined) projected[name] = live[name];
      else if (isMap(sub) && projected[name] !== undefined) addOwned(sub, want, live[name], projected[name]);
    } else if (key.startsWith('k:') && Array.isArray(live) && Array.isArray(projected)) {
      let match: JsonMap;
      try {
        match = JSON.parse(key.slice(2)) as JsonMap;
      } catch {
        continue;
      }
      const same = (item: unknown): boolean =>
        isMap(item) && Object.entries(match).every(([k, v]) => JSON.stringify(item[k]) === JSON.stringify(v));
      const liveItem: unknown = live.find(same);
      if (liveItem === undefined) continue;
      const wanted: unknown = Array.isArray(desired) ? desired.find(same) : undefined;
      const projectedItem: unknown = projected.find(same);
      if (wanted === undefined || projectedItem === undefined) projected.push(liveItem);
      else if (isMap(sub)) addOwned(sub, wanted, liveItem, projectedItem);
    }
  }
}

/** The live object reduced to the fields that matter for comparison with `desired`. */
export function projectLive(desired: KubeObject, live: KubeObject): JsonMap {
  const wanted: JsonMap = { ...desired };
  const metadata: JsonMap = {};
  for (const key of OUR_METADATA)
    if (desired.metadata[key] !== undefined) metadata[key] = desired.metadata[key];
  wanted.metadata = metadata;
  const projected = project(wanted, {
    ...live,
    apiVersion: desired.apiVersion,
    kind: desired.kind,
  }) as JsonMap;
  const managed = Array.isArray(live.metadata.managedFields)
    ? (live.metadata.managedFields as JsonMap[])
    : [];
  const ours = managed.find((m) => m.manager === FIELD_MANAGER && m.operation === 'Apply');
  if (ours && isMap(ours.fieldsV1)) {
    const fields = { ...ours.fieldsV1 };
    const metaFields = isMap(fields['f:metadata']) ? fields['f:metadata'] : {};
    fields['f:metadata'] = Object.fromEntries(
      Object.entries(metaFields).filter(([k]) => OUR_METADATA.includes(k.slice(2))),
    );
    delete fields['f:status'];
    addOwned(fields, wanted, live, projected);
  }
  return projected;
}

function canonical(value: Json): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (isMap(value)) {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'undefined';
}

function yaml(value: Json): string {
  return dump(value, { lineWidth: -1, noRefs: true, sortKeys: false });
}

export interface Comparison {
  equal: boolean;
  /** A unified diff from the repository's object to the cluster's (empty when equal). */
  diff: string;
}

export function compareObject(desired: KubeObject, live: KubeObject): Comparison {
  const wanted: JsonMap = { ...desired };
  const metadata: JsonMap = {};
  for (const key of OUR_METADATA)
    if (desired.metadata[key] !== undefined) metadata[key] = desired.metadata[key];
  wanted.metadata = metadata;
  const projected = projectLive(desired, live);
  if (canonical(wanted) === canonical(projected)) return { equal: true, diff: '' };
  const name = describeRef(refOf(desired));
  const patch = createTwoFilesPatch(
    `${name} (repository)`,
    `${name} (cluster)`,
    yaml(wanted),
    yaml(projected),
    undefined,
    undefined,
    { context: 3 },
  );
  // Drop the "====" line and keep the ---/+++ headers and hunks.
  const diff = patch
    .split('\n')
    .filter((line) => !/^={10,}$/.test(line))
    .join('\n');
  return { equal: false, diff };
}
