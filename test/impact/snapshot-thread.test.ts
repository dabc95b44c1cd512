// A snapshot read in the worker thread (the built dist/bundle/snapshot-worker.cjs) against the same
// file read on the calling thread: the same workloads and answers, the same first problem, and a
// worker that fails, stops or is stopped ends the read with a clear error.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { workloadsFrom, WorkloadsBuilder } from '../../src/impact/cluster.js';
import type { ClusterState, Workloads } from '../../src/impact/cluster.js';
import { readSnapshotBeside, readSnapshotState } from '../../src/impact/snapshot-thread.js';
import { UserError } from '../../src/core/errors.js';
import { skipping, WHY } from '../helpers/skip.js';

const WORKER = fileURLToPath(new URL('../../dist/bundle/snapshot-worker.cjs', import.meta.url));
const built = existsSync(WORKER);
if (!built) skipping('the snapshot read in the built worker thread', WHY.notBuilt);

const dir = mkdtempSync(join(tmpdir(), 'chs-snapshot-thread-'));
/** The worker whatever the file's size and the cores (`CHS_SNAPSHOT_WORKER=1`). */
const ALWAYS = { CHS_SNAPSHOT_WORKER: '1' };
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const container = (name: string, profile: string): Record<string, unknown> => ({
  name,
  securityContext: { seccompProfile: { type: 'Localhost', localhostProfile: profile } },
});
const podOf = (
  namespace: string,
  name: string,
  owner: { kind: string; name: string } | undefined,
  node: string,
): Record<string, unknown> => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name,
    namespace,
    ...(owner ? { ownerReferences: [{ apiVersion: 'apps/v1', ...owner, uid: 'u', controller: true }] } : {}),
    managedFields: [{ manager: 'kubectl' }],
  },
  spec: { nodeName: node, containers: [container('app', `${namespace}-${name}.json`)] },
  status: { phase: 'Running' },
});

/** Namespaces, nodes of two architectures, controllers, their pods (some before them) and bare pods. */
function items(pods: number): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', labels: { team: 'a' } } },
    { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1', labels: { 'kubernetes.io/arch': 'amd64' } } },
    { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n2', labels: { 'kubernetes.io/arch': 'arm64' } } },
  ];
  for (let i = 0; i < pods; i++) {
    const namespace = `ns-${i % 7}`;
    const app = `app-${i % 13}`;
    out.push(
      podOf(
        namespace,
        `${app}-7d9f8c6b5-${i.toString(36).padStart(5, 'x')}`,
        { kind: 'ReplicaSet', name: `${app}-7d9f8c6b5` },
        i % 2 ? 'n1' : 'n2',
      ),
    );
    if (i % 50 === 0) out.push(podOf(namespace, `bare-${i}`, undefined, 'n1'));
    if (i === Math.floor(pods / 2))
      for (let d = 0; d < 13; d += 3)
        out.push({
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: `app-${d}`, namespace: 'ns-1' },
          spec: { template: { spec: { containers: [container('app', `deploy-${d}.json`)] } } },
        });
  }
  return out;
}

function writeList(name: string, pods: number): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify({ apiVersion: 'v1', kind: 'List', items: items(pods) }, null, 2));
  return path;
}

/** What the preview asks of workloads, for every pod of the file and a few it does not hold. */
function answers(workloads: Workloads, pods: number) {
  const asked: unknown[] = [];
  for (const item of items(pods)) {
    const metadata = item.metadata as { name: string; namespace?: string };
    if (item.kind !== 'Pod' || metadata.namespace === undefined) continue;
    asked.push([
      metadata.name,
      workloads.podOwner(metadata.namespace, metadata.name)?.owner,
      workloads.podArch(metadata.namespace, metadata.name),
    ]);
  }
  for (const [namespace, name] of [
    ['ns-1', 'app-3-5c7d8e9f0-zzzzz'],
    ['ns-2', 'app-3-5c7d8e9f0-zzzzz'],
    ['nowhere', 'x'],
  ] as const)
    asked.push([name, workloads.podOwner(namespace, name)?.owner]);
  return {
    list: workloads.list.map((w) => ({ ...w, attribution: undefined })),
    labels: [...workloads.namespaceLabels],
    architectures: workloads.architectures,
    asked,
  };
}

const workloadsOf = (state: ClusterState): Workloads => {
  if (!('workloads' in state)) throw new Error('a snapshot read gives workloads');
  return state.workloads;
};

describe('workloadsFrom: the builder state as a worker posts it', () => {
  it('answers as the builder does, after a structured clone', () => {
    const path = writeList('clone.json', 300);
    const read = readSnapshotState(path, 'clone.json');
    if (!read.ok) throw new Error(read.problem.message);
    const direct = new WorkloadsBuilder();
    for (const item of items(300)) direct.add(item);
    expect(answers(workloadsFrom(structuredClone(read.state)), 300)).toEqual(answers(direct.finish(), 300));
    // Shared objects stay shared: the index leads to the listed workload itself.
    const cloned = workloadsFrom(structuredClone(read.state));
    const owner = cloned.podOwner('ns-0', 'app-0-7d9f8c6b5-xxxx0');
    expect(owner).toBeDefined();
    expect(cloned.list).toContain(owner);
  });
});

describe('readSnapshotState with objects posted apart (as the worker does)', () => {
  it('posts each object a workload stands on once, in batches, and leaves a stand-in in its place', () => {
    const path = writeList('posted.json', 20_000);
    const batches: unknown[][] = [];
    const read = readSnapshotState(path, 'posted.json', (objects) => batches.push(objects));
    if (!read.ok) throw new Error(read.problem.message);
    const posted = batches.flat() as { kind: string }[];
    expect(batches.every((b) => b.length > 0 && b.length <= 256)).toBe(true);
    expect(batches.length).toBeGreaterThan(1);
    // Controllers and the pods that may stand for their workloads: no status, no managed fields.
    expect(new Set(posted.map((o) => o.kind))).toEqual(new Set(['Pod', 'Deployment']));
    expect(JSON.stringify(posted)).not.toMatch(/managedFields|"status"/);
    const standIns = read.state.list.map((w) => w.object as unknown as { posted: number });
    expect(standIns.every((o) => Object.keys(o).join() === 'posted')).toBe(true);
    expect(new Set(standIns.map((o) => o.posted)).size).toBe(standIns.length);
    // The same workloads as a read that keeps its objects, once each stand-in is replaced.
    const whole = readSnapshotState(path, 'posted.json');
    if (!whole.ok) throw new Error(whole.problem.message);
    for (const workload of read.state.list)
      workload.object = posted[(workload.object as unknown as { posted: number }).posted] as never;
    expect(answers(workloadsFrom(read.state), 20_000)).toEqual(answers(workloadsFrom(whole.state), 20_000));
  });
});

describe.skipIf(!built)('readSnapshotBeside, in the built worker thread', () => {
  it('gives the workloads the calling thread reads, for JSON and YAML', async () => {
    const path = writeList('list.json', 2_000);
    const beside = await readSnapshotBeside(
      { absolute: path, display: 'list.json' },
      { env: ALWAYS, script: WORKER },
    ).state;
    const here = await readSnapshotBeside(
      { absolute: path, display: 'list.json' },
      { script: WORKER, env: { CHS_SNAPSHOT_WORKER: '0' } },
    ).state;
    expect(beside.source).toBe('list.json');
    expect(answers(workloadsOf(beside), 2_000)).toEqual(answers(workloadsOf(here), 2_000));
    expect(workloadsOf(beside).list.length).toBeGreaterThan(20);

    const yaml = join(dir, 'list.yaml');
    writeFileSync(
      yaml,
      `apiVersion: v1\nkind: List\nitems:\n${items(40)
        .map((item) => `- ${JSON.stringify(item)}`)
        .join('\n')}\n`,
    );
    const fromYaml = await readSnapshotBeside(
      { absolute: yaml, display: 'list.yaml' },
      { env: ALWAYS, script: WORKER },
    ).state;
    expect(answers(workloadsOf(fromYaml), 40)).toEqual(
      answers(
        workloadsOf(
          await readSnapshotBeside(
            { absolute: yaml, display: 'list.yaml' },
            { env: { CHS_SNAPSHOT_WORKER: '0' } },
          ).state,
        ),
        40,
      ),
    );
  });

  it("says the file's first problem with its line and column, as the calling thread does", async () => {
    const path = join(dir, 'broken.json');
    writeFileSync(
      path,
      '{"apiVersion": "v1", "kind": "List", "items": [\n  {"kind": "Pod",\n   "metadata": {"name": }}\n]}\n',
    );
    const beside = readSnapshotBeside(
      { absolute: path, display: 'broken.json' },
      { env: ALWAYS, script: WORKER },
    ).state;
    await expect(beside).rejects.toBeInstanceOf(UserError);
    const message = await beside.catch((error: Error) => error.message);
    expect(message).toMatch(/^broken\.json:3:\d+: /);
    const here = readSnapshotBeside(
      { absolute: path, display: 'broken.json' },
      { env: { CHS_SNAPSHOT_WORKER: '0' } },
    ).state;
    await expect(here).rejects.toThrow(message);
  });

  it('stops the worker when the watch throws (the budget), with its error', async () => {
    const path = writeList('large.json', 20_000);
    const over = new Error('over the time limit');
    let calls = 0;
    const reading = readSnapshotBeside(
      { absolute: path, display: 'large.json' },
      {
        env: ALWAYS,
        script: WORKER,
        watchMs: 1,
        watch: () => {
          calls++;
          throw over;
        },
      },
    );
    await expect(reading.state).rejects.toBe(over);
    expect(calls).toBe(1);
    // Cancelling once it is settled changes nothing.
    reading.cancel();
    await expect(reading.state).rejects.toBe(over);
  });

  it('a cancelled read rejects, and the worker is let go', async () => {
    const path = writeList('cancelled.json', 20_000);
    const reading = readSnapshotBeside(
      { absolute: path, display: 'cancelled.json' },
      { env: ALWAYS, script: WORKER },
    );
    reading.cancel();
    await expect(reading.state).rejects.toThrow('cancelled');
  });

  it('reads on the calling thread where one thread may run at a time, or the file is small', async () => {
    const small = writeList('small.json', 50);
    // A large file: only its size counts here (this worker reads nothing).
    const large = join(dir, 'large-enough.json');
    writeFileSync(large, ' '.repeat(4 * 1024 * 1024));
    // This worker fails as it starts: used, it would say so.
    const started = join(dir, 'started.cjs');
    writeFileSync(
      started,
      "require('node:worker_threads').parentPort.postMessage({ error: { message: 'worker started', user: true } });\n",
    );
    const read = (absolute: string, options: { parallelism?: number; env?: Record<string, string> }) =>
      readSnapshotBeside({ absolute, display: 'x.json' }, { script: started, ...options }).state.then(
        () => 'main thread',
        (error: Error) => (error.message === 'worker started' ? 'worker' : error.message),
      );
    expect(await read(small, { parallelism: 2 })).toBe('main thread');
    expect(await read(large, { parallelism: 1 })).not.toBe('worker');
    expect(await read(large, { parallelism: 2 })).toBe('worker');
    expect(await read(small, { parallelism: 1, env: ALWAYS })).toBe('worker');
    expect(await read(large, { parallelism: 2, env: { CHS_SNAPSHOT_WORKER: '0' } })).not.toBe('worker');
  });

  it('a worker that throws, stops without a word or reports an internal error ends the read clearly', async () => {
    const file = { absolute: join(dir, 'none.json'), display: 'none.json' };
    const throwing = join(dir, 'throwing.cjs');
    writeFileSync(throwing, "throw new Error('broken worker');\n");
    await expect(readSnapshotBeside(file, { env: ALWAYS, script: throwing }).state).rejects.toThrow(
      'broken worker',
    );
    const silent = join(dir, 'silent.cjs');
    writeFileSync(silent, 'process.exit(3);\n');
    await expect(readSnapshotBeside(file, { env: ALWAYS, script: silent }).state).rejects.toThrow(
      'reading the snapshot none.json: the worker thread stopped (exit 3)',
    );
    const internal = join(dir, 'internal.cjs');
    writeFileSync(
      internal,
      "require('node:worker_threads').parentPort.postMessage({ error: { message: 'x is undefined', stack: 'at y', user: false } });\n",
    );
    const error = await readSnapshotBeside(file, { env: ALWAYS, script: internal }).state.catch(
      (e: Error) => e,
    );
    expect(error).not.toBeInstanceOf(UserError);
    expect((error as Error).message).toBe('reading the snapshot none.json: x is undefined');
    const user = join(dir, 'user.cjs');
    writeFileSync(
      user,
      "require('node:worker_threads').parentPort.postMessage({ error: { message: 'none.json: no such file', user: true } });\n",
    );
    await expect(readSnapshotBeside(file, { env: ALWAYS, script: user }).state).rejects.toBeInstanceOf(
      UserError,
    );
  });
});
