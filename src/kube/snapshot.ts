/**
 * Cluster state for the impact preview: a snapshot file as
 * `kubectl get pods,deployments,daemonsets,statefulsets,jobs,cronjobs,namespaces,nodes -A -o yaml` prints
 * it (a `List`; several documents or JSON are accepted too), or the same objects read live.
 */
import { JsonItemStream, JsonStreamError } from '../core/json-lines.js';
import type { JsonItem } from '../core/json-lines.js';
import { ItemMembers } from '../core/json-members.js';
import type { JsonItemMembers } from '../core/json-members.js';
import { readDataInput } from '../core/read.js';
import { append } from '../core/arrays.js';
import { SourceFile } from '../core/source.js';
import { constructFromEvents, EVENT_ID, parseEvents } from 'js-yaml';
import { MAX_DEPTH, parseYaml } from '../core/yaml.js';
import { readYamlList } from '../core/yaml-list.js';
import type { YamlNode } from '../core/yaml.js';
import type { KubeClient } from './client.js';
import type { KubeObject, PodFields } from './objects.js';

const SNAPSHOT_KINDS: { apiVersion: string; kind: string }[] = [
  { apiVersion: 'v1', kind: 'Namespace' },
  // Their kubernetes.io/arch label: the preview evaluates seccomp on each pod's own architecture.
  { apiVersion: 'v1', kind: 'Node' },
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

/** Where a snapshot's objects go, each as soon as it is read. */
export interface SnapshotSink {
  /** Every object (pods included, when there is no `pod`). */
  object(object: KubeObject): void;
  /**
   * A pod of a JSON snapshot by what tells its workload, its other members not parsed yet:
   * `whole` parses it all (call it during the call), for a pod that must stand for its workload.
   */
  pod?(fields: PodFields, whole: () => KubeObject): void;
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

/** The objects of a List (Lists nested in it included) or of one object; false when not well formed. */
function objectsOf(value: unknown, take: (object: KubeObject) => void): boolean {
  if (!isMap(value)) return false;
  if (isList(value)) {
    for (const item of value.items as unknown[]) if (!objectsOf(item, take)) return false;
    return true;
  }
  if (!isObject(value)) return false;
  take(value);
  return true;
}

/** Why a value is not one object (or a List of them). */
function notAnObject(value: unknown): string {
  return isMap(value)
    ? 'not a Kubernetes object: apiVersion, kind and metadata.name are required'
    : 'expected a Kubernetes object (a mapping)';
}

/** The members of an item that tell whether it is a pod, and which workload a pod is of. */
const MEMBERS = new ItemMembers([
  'apiVersion',
  'kind',
  'metadata.name',
  'metadata.namespace',
  'metadata.ownerReferences',
  'spec.nodeName',
]);
const API_VERSION = MEMBERS.index('apiVersion');
const KIND = MEMBERS.index('kind');
const NAME = MEMBERS.index('metadata.name');
const NAMESPACE = MEMBERS.index('metadata.namespace');
const OWNERS = MEMBERS.index('metadata.ownerReferences');
const NODE = MEMBERS.index('spec.nodeName');

/**
 * A JSON snapshot (`kubectl get -o json`) read as a stream: each item of the List is checked and
 * handed over as soon as it is read, so that a large cluster's snapshot is never whole in memory.
 * With a sink that takes pods by their fields, a pod is parsed whole only when the sink asks.
 * Chunks go to `push`; `end` says whether the whole was well formed.
 */
class JsonSnapshot {
  readonly problems: SnapshotProblem[] = [];
  private readonly stream: JsonItemStream;
  private readonly take: (object: KubeObject) => void;

  constructor(
    private readonly display: string,
    private readonly sink: SnapshotSink,
  ) {
    this.take = (object) => sink.object(object);
    this.stream = new JsonItemStream((item) => this.item(item), undefined, sink.pod ? MEMBERS : undefined);
  }

  push(chunk: Uint8Array): void {
    this.stream.push(chunk);
  }

  private item(item: JsonItem): void {
    if (item.members && this.pod(item.members)) return;
    const value = item.value;
    if (!objectsOf(value, this.take))
      this.problems.push({
        file: this.display,
        line: item.line,
        column: item.column,
        message: notAnObject(value),
      });
  }

  /**
   * A pod given by its fields: what isObject checks of the whole value, read from the members
   * (a string name is in a metadata mapping: only a mapping's keys are watched at that level).
   * False for anything else, which is then parsed whole.
   */
  private pod(members: JsonItemMembers): boolean {
    const sink = this.sink;
    if (!sink.pod || members.member(KIND) !== 'Pod') return false;
    const name = members.member(NAME);
    if (!members.isString(API_VERSION) || typeof name !== 'string') return false;
    sink.pod(
      {
        name,
        namespace: members.member(NAMESPACE),
        ownerReferences: members.member(OWNERS),
        nodeName: members.member(NODE),
      },
      () => members.value as KubeObject,
    );
    return true;
  }

  /** Reads what follows the items; a syntax error (thrown by push or here) becomes the one problem. */
  end(): void {
    const root = this.stream.end();
    const at = { file: this.display, line: this.stream.rootLine, column: this.stream.rootColumn };
    if (this.stream.streamedItems) {
      if (!isMap(root) || !isList(root))
        this.problems.push({
          ...at,
          message: `an object with an "items" array whose kind is ${JSON.stringify(isMap(root) ? (root.kind ?? null) : null)}, not a List: give the objects as kubectl get -o json prints them (kind: List)`,
        });
    } else if (!objectsOf(root, this.take)) this.problems.push({ ...at, message: notAnObject(root) });
  }

  failed(error: JsonStreamError): SnapshotProblem[] {
    return [
      {
        file: this.display,
        line: error.line,
        column: error.column,
        message: `invalid JSON: ${error.message}`,
      },
    ];
  }
}

/**
 * The objects of a well-formed YAML snapshot without the positions of every node, which only a
 * problem needs: through js-yaml's constructor.
 * Anything unusual (aliases, tags, duplicate keys, a problem) returns undefined and the full
 * parse with positions decides, so the objects are the same either way.
 */
function quickObjects(text: string): KubeObject[] | undefined {
  const objects: KubeObject[] = [];
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
  for (const value of values)
    if (value !== null && !objectsOf(value, (object) => objects.push(object))) return undefined;
  return objects;
}

/** Whether a snapshot's text is JSON with an object at its root (read by the JSON stream). */
const isJsonObject = (text: string): boolean => /^\ufeff?\s*\{/.test(text);

/** The objects of a JSON snapshot given whole (the same stream as a file's). */
function parseJsonSnapshot(display: string, text: string, sink: SnapshotSink): SnapshotProblem[] {
  const reader = new JsonSnapshot(display, sink);
  try {
    reader.push(Buffer.from(text));
    reader.end();
  } catch (error) {
    if (error instanceof JsonStreamError) return reader.failed(error);
    throw error;
  }
  return reader.problems;
}

/** The objects of a YAML snapshot, each handed to `take` as it is read; with problems, some were. */
function parseYamlSnapshot(
  display: string,
  text: string,
  take: (object: KubeObject) => void,
): SnapshotProblem[] {
  const source = new SourceFile(display, text);
  const problems: SnapshotProblem[] = [];
  const at = (offset: number, message: string): void => {
    const { line, column } = source.position(offset);
    problems.push({ file: display, line, column, message });
  };
  // A List as kubectl prints it: item by item, never whole.
  const list = readYamlList(text, ({ value, start }) => {
    if (!objectsOf(value, take)) at(start, notAnObject(value));
  });
  if (list) {
    if (!list.ok) at(list.error.offset, `invalid YAML: ${list.error.message}`);
    return problems;
  }
  const quick = quickObjects(text);
  if (quick) {
    for (const object of quick) take(object);
    return [];
  }
  const parsed = parseYaml(text);
  if (!parsed.ok) {
    at(parsed.error.offset, `invalid YAML: ${parsed.error.message}`);
    return problems;
  }
  const visit = (node: YamlNode): void => {
    const value = node.value;
    if (!isMap(value)) return at(node.start, 'expected a Kubernetes object (a mapping)');
    if (isList(value)) {
      if (node.kind !== 'map') return;
      const items = node.pairs.find((p) => p.key === 'items')?.value;
      if (items?.kind === 'seq') for (const item of items.items) visit(item);
      return;
    }
    if (!isObject(value))
      return at(node.start, 'not a Kubernetes object: apiVersion, kind and metadata.name are required');
    take(value);
  };
  for (const document of parsed.documents) if (document.root && document.value !== null) visit(document.root);
  return problems;
}

export function parseSnapshot(
  display: string,
  text: string,
): { snapshot: ClusterSnapshot; problems: SnapshotProblem[] } {
  const objects: KubeObject[] = [];
  const take = (object: KubeObject): number => objects.push(object);
  const problems = isJsonObject(text)
    ? parseJsonSnapshot(display, text, { object: take })
    : parseYamlSnapshot(display, text, take);
  return { snapshot: { source: display, objects }, problems };
}

/**
 * The objects of a snapshot file, each handed to `take` (or the sink) as it is read: JSON as a
 * stream, YAML whole as text, a List's items parsed one by one. With problems, some objects may
 * have been taken: the snapshot is not to be used.
 */
export function readSnapshotFile(
  absolute: string,
  display: string,
  take: ((object: KubeObject) => void) | SnapshotSink,
): SnapshotProblem[] {
  const sink = typeof take === 'function' ? { object: take } : take;
  const reader = new JsonSnapshot(display, sink);
  let read: ReturnType<typeof readDataInput>;
  try {
    read = readDataInput(absolute, display, (chunk) => reader.push(chunk));
    if (read.ok && 'streamed' in read) reader.end();
  } catch (error) {
    if (error instanceof JsonStreamError) return reader.failed(error);
    throw error;
  }
  if (!read.ok) return [{ file: display, line: 1, column: 1, message: read.failure.message }];
  if ('streamed' in read) return reader.problems;
  const text = read.file.text;
  return isJsonObject(text)
    ? parseJsonSnapshot(display, text, sink)
    : parseYamlSnapshot(display, text, (object) => sink.object(object));
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
