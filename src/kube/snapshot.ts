/**
 * Cluster state for the impact preview: a snapshot file as
 * `kubectl get pods,deployments,daemonsets,statefulsets,jobs,cronjobs,namespaces -A -o yaml` prints
 * it (a `List`; several documents or JSON are accepted too), or the same objects read live.
 */
import { readDataText } from '../core/read.js';
import { append } from '../core/arrays.js';
import { SourceFile } from '../core/source.js';
import { constructFromEvents, EVENT_ID, parseEvents } from 'js-yaml';
import { MAX_DEPTH, parseYaml } from '../core/yaml.js';
import type { YamlNode } from '../core/yaml.js';
import type { KubeClient } from './client.js';
import type { KubeObject } from './objects.js';

const SNAPSHOT_KINDS: { apiVersion: string; kind: string }[] = [
  { apiVersion: 'v1', kind: 'Namespace' },
  { apiVersion: 'v1', kind: 'Pod' },
  { apiVersion: 'apps/v1', kind: 'Deployment' },
  { apiVersion: 'apps/v1', kind: 'DaemonSet' },
  { apiVersion: 'apps/v1', kind: 'StatefulSet' },
  { apiVersion: 'batch/v1', kind: 'Job' },
  { apiVersion: 'batch/v1', kind: 'CronJob' },
];

export interface ClusterSnapshot {
  /** Where it came from: the file as the user named it, or the context. */
  source: string;
  objects: KubeObject[];
}

export interface SnapshotProblem {
  file: string;
  line: number;
  column: number;
  message: string;
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A `...List` whose `items` are the objects (kubectl's output). */
function isList(value: Record<string, unknown>): boolean {
  return typeof value.kind === 'string' && value.kind.endsWith('List') && Array.isArray(value.items);
}

/** What the preview needs of every object: apiVersion, kind and metadata.name. */
function isObject(value: Record<string, unknown>): value is Record<string, unknown> & KubeObject {
  const metadata = value.metadata;
  return (
    typeof value.apiVersion === 'string' &&
    typeof value.kind === 'string' &&
    isMap(metadata) &&
    typeof metadata.name === 'string'
  );
}

/** The objects of a List (Lists nested in it included) or of one object; undefined when not well formed. */
function objectsOf(value: unknown, out: KubeObject[]): boolean {
  if (!isMap(value)) return false;
  if (isList(value)) {
    for (const item of value.items as unknown[]) if (!objectsOf(item, out)) return false;
    return true;
  }
  if (!isObject(value)) return false;
  out.push(value);
  return true;
}

/**
 * The objects of a well-formed snapshot without the positions of every node, which only a problem
 * needs: JSON (`kubectl get -o json`) through JSON.parse, YAML through js-yaml's constructor.
 * Anything unusual (aliases, tags, duplicate keys, a problem) returns undefined and the full
 * parse with positions decides, so the objects are the same either way.
 */
function quickObjects(text: string): KubeObject[] | undefined {
  const objects: KubeObject[] = [];
  const first = /\S/.exec(text)?.[0];
  if (first === '{') {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return undefined;
    }
    return objectsOf(value, objects) ? objects : undefined;
  }
  let values: unknown[];
  try {
    const events = parseEvents(text, { maxDepth: MAX_DEPTH });
    for (const event of events) {
      if (event.type === EVENT_ID.ALIAS) return undefined;
      if ('tagStart' in event && event.tagStart !== -1) return undefined;
    }
    values = constructFromEvents(events, { source: text });
  } catch {
    return undefined;
  }
  for (const value of values) if (value !== null && !objectsOf(value, objects)) return undefined;
  return objects;
}

export function parseSnapshot(
  display: string,
  text: string,
): { snapshot: ClusterSnapshot; problems: SnapshotProblem[] } {
  const quick = quickObjects(text);
  if (quick) return { snapshot: { source: display, objects: quick }, problems: [] };
  const source = new SourceFile(display, text);
  const problems: SnapshotProblem[] = [];
  const at = (offset: number, message: string): void => {
    const { line, column } = source.position(offset);
    problems.push({ file: display, line, column, message });
  };
  const snapshot: ClusterSnapshot = { source: display, objects: [] };
  const parsed = parseYaml(text);
  if (!parsed.ok) {
    at(parsed.error.offset, `invalid YAML: ${parsed.error.message}`);
    return { snapshot, problems };
  }
  const take = (node: YamlNode): void => {
    const value = node.value;
    if (!isMap(value)) return at(node.start, 'expected a Kubernetes object (a mapping)');
    if (isList(value)) {
      if (node.kind !== 'map') return;
      const items = node.pairs.find((p) => p.key === 'items')?.value;
      if (items?.kind === 'seq') for (const item of items.items) take(item);
      return;
    }
    if (!isObject(value))
      return at(node.start, 'not a Kubernetes object: apiVersion, kind and metadata.name are required');
    snapshot.objects.push(value);
  };
  for (const document of parsed.documents) if (document.root && document.value !== null) take(document.root);
  return { snapshot, problems };
}

export function readSnapshotFile(
  absolute: string,
  display: string,
): { snapshot: ClusterSnapshot; problems: SnapshotProblem[] } {
  const read = readDataText(absolute, display);
  if (!read.ok)
    return {
      snapshot: { source: display, objects: [] },
      problems: [{ file: display, line: 1, column: 1, message: read.failure.message }],
    };
  return parseSnapshot(display, read.file.text);
}

/** The same objects, live, across all namespaces (kinds the cluster does not serve are skipped). */
export async function readLiveSnapshot(client: KubeClient): Promise<ClusterSnapshot> {
  const objects: KubeObject[] = [];
  for (const { apiVersion, kind } of SNAPSHOT_KINDS) {
    if (!(await client.resource(apiVersion, kind))) continue;
    append(objects, await client.list(apiVersion, kind));
  }
  return { source: `context ${client.context}`, objects };
}
