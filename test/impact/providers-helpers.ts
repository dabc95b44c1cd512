/** Small repositories on disk, events and cluster objects for the impact providers' tests. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ClusterObject } from '../../src/impact/cluster.js';
import { EventFeed } from '../../src/impact/events.js';
import { fileSource } from '../../src/impact/sources/index.js';
import type { SectionResult } from '../../src/impact/model.js';
import type { ImpactSection } from '../../src/impact/section.js';
import { loadTree } from '../../src/impact/tree.js';
import { writeFiles } from '../helpers/tree.js';

/** Two targets: production (shop) in block mode, staging (dev) in monitor. */
export const CONFIG = `version: 1
mode: monitor
targets:
  - name: production
    namespaces: [shop]
    mode: block
  - name: staging
    namespaces: [dev]
`;

/** One event a line, `{"source":"syscall","fields":...}`. */
function eventLines(events: readonly Record<string, unknown>[]): string {
  return events.map((fields) => JSON.stringify({ source: 'syscall', fields })).join('\n') + '\n';
}

export async function analyse(
  section: ImpactSection,
  base: Record<string, string>,
  head: Record<string, string>,
  options: { events?: readonly Record<string, unknown>[]; cluster?: ClusterObject[] } = {},
): Promise<SectionResult> {
  const dir = mkdtempSync(join(tmpdir(), 'chs-impact-'));
  writeFiles(join(dir, 'base'), { 'chs.yaml': CONFIG, ...base });
  writeFiles(join(dir, 'head'), { 'chs.yaml': CONFIG, ...head });
  const events = options.events ? [fileSource(join(dir, 'events.jsonl'), 'events.jsonl')] : [];
  if (options.events) writeFileSync(join(dir, 'events.jsonl'), eventLines(options.events));
  const feed = new EventFeed(events);
  const running = section.analyse({
    base: loadTree(join(dir, 'base')),
    head: loadTree(join(dir, 'head')),
    changed: [],
    events: events.map((e) => e.display),
    feed,
    ...(options.cluster ? { cluster: { source: 'snapshot.yaml', objects: options.cluster } } : {}),
  });
  await feed.run();
  return running;
}

/** A node of that architecture (`kubernetes.io/arch`). */
export const node = (name: string, arch: string): ClusterObject => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name, labels: { 'kubernetes.io/arch': arch, 'kubernetes.io/os': 'linux' } },
});

/** The pod (or other object with a pod spec) scheduled on that node. */
export const onNode = (object: ClusterObject, nodeName: string): ClusterObject => ({
  ...object,
  spec: { ...(object.spec as Record<string, unknown>), nodeName },
});

export function deployment(
  namespace: string,
  name: string,
  container: Record<string, unknown>,
): ClusterObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace },
    spec: { template: { metadata: { labels: { app: name } }, spec: { containers: [container] } } },
  };
}

export function pod(
  namespace: string,
  name: string,
  container: Record<string, unknown>,
  owner?: { kind: string; name: string },
): ClusterObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace,
      ...(owner
        ? { ownerReferences: [{ apiVersion: 'apps/v1', ...owner, uid: 'u', controller: true }] }
        : {}),
    },
    spec: { containers: [container] },
  };
}
