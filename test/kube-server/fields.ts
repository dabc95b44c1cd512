/**
 * Field sets as server-side apply keeps them: every leaf a manager sets, as a path of
 * `f:<key>` (map keys) and `k:{"name":"x"}` (items of lists keyed by name) segments, rendered to
 * and from the `fieldsV1` form that `metadata.managedFields` carries. Lists whose items are not all
 * objects with a string `name` are atomic: the whole list is one leaf, as for `args` or `syscalls`.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonMap = { [key: string]: Json };

/** A path, serialised with JSON.stringify so that it can live in a Set. */
export type PathKey = string;

export function isMap(value: unknown): value is JsonMap {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isKeyedList(value: unknown): value is JsonMap[] {
  return (
    Array.isArray(value) &&
    value.length > 0 &&
    value.every((item) => isMap(item) && typeof item.name === 'string')
  );
}

/** Fields that name the object or belong to the server: never owned by a manager. */
const IDENTITY = new Set(['apiVersion', 'kind', 'status']);
const SERVER_METADATA = new Set([
  'name',
  'namespace',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'managedFields',
  'selfLink',
]);

/** Every leaf path of an object's user-settable content. */
export function leafPaths(object: JsonMap): Set<PathKey> {
  const out = new Set<PathKey>();
  const visit = (value: Json, path: string[], atRoot: boolean, inMetadata: boolean): void => {
    if (isMap(value)) {
      const keys = Object.keys(value);
      if (keys.length === 0 && path.length > 0) out.add(JSON.stringify(path));
      for (const key of keys) {
        if (atRoot && IDENTITY.has(key)) continue;
        if (inMetadata && SERVER_METADATA.has(key)) continue;
        visit(value[key] as Json, [...path, `f:${key}`], false, atRoot && key === 'metadata');
      }
      return;
    }
    if (isKeyedList(value)) {
      for (const item of value) {
        const itemPath = [...path, `k:${JSON.stringify({ name: item.name })}`];
        out.add(JSON.stringify([...itemPath, '.']));
        for (const key of Object.keys(item))
          visit(item[key] as Json, [...itemPath, `f:${key}`], false, false);
      }
      return;
    }
    out.add(JSON.stringify(path));
  };
  visit(object, [], true, false);
  return out;
}

/** The value at a path, or undefined when it is absent. */
export function valueAt(object: Json, path: readonly string[]): Json | undefined {
  let current: Json | undefined = object;
  for (const segment of path) {
    if (segment === '.') return current;
    if (current === undefined) return undefined;
    if (segment.startsWith('f:')) {
      if (!isMap(current)) return undefined;
      current = current[segment.slice(2)];
    } else if (segment.startsWith('k:')) {
      if (!Array.isArray(current)) return undefined;
      const key = JSON.parse(segment.slice(2)) as { name: string };
      current = current.find((item) => isMap(item) && item.name === key.name);
    } else return undefined;
  }
  return current;
}

/** Deletes the value at a path (a map key or a keyed list item). */
export function deleteAt(object: JsonMap, path: readonly string[]): void {
  const parentPath = path[path.length - 1] === '.' ? path.slice(0, -2) : path.slice(0, -1);
  const last = path[path.length - 1] === '.' ? path[path.length - 2] : path[path.length - 1];
  if (last === undefined) return;
  const parent = valueAt(object, parentPath);
  if (last.startsWith('f:') && isMap(parent)) delete parent[last.slice(2)];
  else if (last.startsWith('k:') && Array.isArray(parent)) {
    const key = JSON.parse(last.slice(2)) as { name: string };
    const index = parent.findIndex((item) => isMap(item) && item.name === key.name);
    if (index >= 0) parent.splice(index, 1);
  }
}

/** The path as the API server prints it in conflicts: `.spec.template.spec.containers[name="c"].image`. */
export function displayPath(path: readonly string[]): string {
  let out = '';
  for (const segment of path) {
    if (segment === '.') continue;
    if (segment.startsWith('f:')) out += `.${segment.slice(2)}`;
    else if (segment.startsWith('k:')) {
      const key = JSON.parse(segment.slice(2)) as { name: string };
      out += `[name="${key.name}"]`;
    }
  }
  return out;
}

/** `fieldsV1` of a set of leaf paths. */
export function toFieldsV1(paths: Iterable<PathKey>): JsonMap {
  const root: JsonMap = {};
  for (const key of [...paths].sort()) {
    const path = JSON.parse(key) as string[];
    let node = root;
    for (const segment of path) {
      const next = node[segment];
      if (isMap(next)) node = next;
      else {
        const created: JsonMap = {};
        node[segment] = created;
        node = created;
      }
    }
  }
  return root;
}

/** Deep equality of JSON values (key order ignored). */
export function jsonEqual(a: Json | undefined, b: Json | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined || a === null || b === null) return false;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((item, i) => jsonEqual(item, b[i]));
  }
  if (isMap(a)) {
    if (!isMap(b)) return false;
    const keys = Object.keys(a);
    if (keys.length !== Object.keys(b).length) return false;
    return keys.every((key) => key in b && jsonEqual(a[key], b[key]));
  }
  return false;
}

/**
 * Merges an applied configuration into a live object: maps key by key, keyed lists item by item
 * (the configuration's items first, in its order, then the live items it does not name), other
 * lists and scalars replaced.
 */
export function mergeApplied(live: Json | undefined, applied: Json): Json {
  if (isMap(applied)) {
    const out: JsonMap = isMap(live) ? structuredClone(live) : {};
    for (const [key, value] of Object.entries(applied)) out[key] = mergeApplied(out[key], value);
    return out;
  }
  if (isKeyedList(applied)) {
    const liveItems = isKeyedList(live) ? live : [];
    const merged: Json[] = applied.map((item) =>
      mergeApplied(
        liveItems.find((l) => l.name === item.name),
        item,
      ),
    );
    for (const item of liveItems)
      if (!applied.some((a) => a.name === item.name)) merged.push(structuredClone(item));
    return merged;
  }
  return structuredClone(applied);
}
