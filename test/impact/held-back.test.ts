// The sections that judge events by the workload of their pod, when the cluster state is read
// beside the event pass: whenever it comes (before the first event, between any two, after the
// last), the result is the one the state known from the start gives; a read that fails ends the
// pass and the preview with its error.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appArmorSection } from '../../src/impact/apparmor.js';
import { EventSubjects, HeldBack } from '../../src/impact/attribution.js';
import type { EventSubject } from '../../src/impact/attribution.js';
import type { ClusterObject, ClusterState } from '../../src/impact/cluster.js';
import { EventFeed } from '../../src/impact/events.js';
import { podSecuritySection } from '../../src/impact/pod-security.js';
import { buildImpactReport } from '../../src/impact/preview.js';
import { seccompSection } from '../../src/impact/seccomp.js';
import type { ImpactSection } from '../../src/impact/section.js';
import type { EventSource } from '../../src/impact/sources/index.js';
import { loadTree } from '../../src/impact/tree.js';
import type { RecordedEvent } from '../../src/languages/falco/index.js';
import { languages, registry } from '../../src/languages/index.js';
import { writeFiles } from '../helpers/tree.js';
import { CONFIG, deployment, node, onNode, pod } from './providers-helpers.js';

const SECCOMP = (extra: string[]): string =>
  `${JSON.stringify({
    defaultAction: 'SCMP_ACT_ERRNO',
    syscalls: [{ names: ['read', 'write', 'openat', 'execve', 'close', ...extra], action: 'SCMP_ACT_ALLOW' }],
  })}\n`;
const APPARMOR = (flags: string, rules: string): string =>
  `profile web flags=(${flags}) {\n  /usr/bin/web ix,\n  /srv/** r,\n${rules}}\n`;

const BASE = {
  'chs.yaml': CONFIG,
  'policies/apparmor/web': APPARMOR('complain', '  /tmp/** rw,\n'),
  'policies/seccomp/web.json': SECCOMP(['ptrace', 'uname']),
  'policies/pod-security/shop.yaml':
    'apiVersion: container-host-security/v1\nkind: PodSecurity\nmetadata:\n  name: shop\nspec:\n  level: baseline\n',
};
const HEAD = {
  'chs.yaml': CONFIG,
  'policies/apparmor/web': APPARMOR('attach_disconnected', ''),
  'policies/seccomp/web.json': SECCOMP([]),
  'policies/pod-security/shop.yaml':
    'apiVersion: container-host-security/v1\nkind: PodSecurity\nmetadata:\n  name: shop\nspec:\n  level: restricted\n',
};

const web = {
  name: 'web',
  image: 'web',
  securityContext: {
    appArmorProfile: { type: 'Localhost', localhostProfile: 'web' },
    seccompProfile: { type: 'Localhost', localhostProfile: 'container-host-security/web.json' },
  },
};
const sidecar = { name: 'log', image: 'log' };
const withSidecar = (object: ClusterObject): ClusterObject => {
  const spec = object.spec as { template: { spec: { containers: unknown[] } } };
  return {
    ...object,
    spec: {
      ...spec,
      template: { ...spec.template, spec: { containers: [...spec.template.spec.containers, sidecar] } },
    },
  };
};

/** Two architectures, Deployments in both targets, one with a sidecar, a bare pod and a Job's pod. */
const CLUSTER: ClusterObject[] = [
  node('n-amd', 'amd64'),
  node('n-arm', 'arm64'),
  deployment('shop', 'web', web),
  withSidecar(deployment('dev', 'web', web)),
  onNode(pod('shop', 'web-6d9f8b7c5d-aaaaa', web, { kind: 'ReplicaSet', name: 'web-6d9f8b7c5d' }), 'n-amd'),
  onNode(pod('shop', 'web-6d9f8b7c5d-bbbbb', web, { kind: 'ReplicaSet', name: 'web-6d9f8b7c5d' }), 'n-arm'),
  onNode(pod('dev', 'web-55c4f9d8b-ccccc', web, { kind: 'ReplicaSet', name: 'web-55c4f9d8b' }), 'n-arm'),
  onNode(pod('shop', 'debug', web), 'n-amd'),
  pod('shop', 'batch-x1y2z', web, { kind: 'Job', name: 'batch' }),
];

const PODS: [string, string][] = [
  ['shop', 'web-6d9f8b7c5d-aaaaa'],
  ['shop', 'web-6d9f8b7c5d-bbbbb'],
  ['dev', 'web-55c4f9d8b-ccccc'],
  ['shop', 'debug'],
  ['shop', 'batch-x1y2z'],
  // Pods the state does not have: one its Deployment made, one nobody did.
  ['shop', 'web-6d9f8b7c5d-zzzzz'],
  ['shop', 'stray-0'],
];

/** 400 events from those pods (with and without a container name) and some naming no pod. */
function recorded(): RecordedEvent[] {
  const out: RecordedEvent[] = [];
  for (let i = 0; i < 400; i++) {
    const [namespace, name] = PODS[(i * 7) % PODS.length] as [string, string];
    const where: Record<string, unknown> =
      i % 23 === 0 ? {} : { 'k8s.ns.name': namespace, 'k8s.pod.name': name };
    if (i % 5 === 1) where['k8s.container.name'] = i % 10 === 1 ? 'web' : 'log';
    const kind = i % 6;
    const fields =
      kind === 0
        ? { 'evt.type': 'execve', 'proc.exepath': i % 12 === 0 ? '/bin/sh' : '/usr/bin/web' }
        : kind === 1
          ? { 'evt.type': 'openat', 'fd.name': `/tmp/f${i % 9}`, 'evt.arg.flags': 'O_RDWR' }
          : kind === 2
            ? { 'evt.type': 'openat', 'fd.name': `/srv/d${i % 4}`, 'evt.arg.flags': 'O_RDONLY' }
            : { 'evt.type': ['ptrace', 'uname', 'read', 'mount'][i % 4] as string };
    out.push({
      line: i + 1,
      source: i % 31 === 0 ? 'k8s_audit' : 'syscall',
      fields: { ...fields, ...where },
    });
  }
  return out;
}

/**
 * A source that gives its events one at a time, letting the other tasks run between two (as a
 * file's chunks and a store's pages do): `after(n)` is called once n events were given.
 */
function steppedSource(
  events: readonly RecordedEvent[],
  after: (n: number) => void,
): EventSource & { given: number } {
  const source = {
    display: 'events.jsonl',
    given: 0,
    async read(sink: Parameters<EventSource['read']>[0]) {
      after(0);
      for (const event of events) {
        sink.event(event);
        source.given++;
        await sink.progress();
        after(source.given);
        await new Promise((resolve) => setImmediate(resolve));
      }
      return { events: events.length, bad: 0 };
    },
  };
  return source;
}

const dir = mkdtempSync(join(tmpdir(), 'chs-held-back-'));
writeFiles(join(dir, 'base'), BASE);
writeFiles(join(dir, 'head'), HEAD);
const state: ClusterState = { source: 'snapshot.json', objects: CLUSTER };

/** The section's result with the state given as `cluster`, over a stepped source. */
async function run(
  section: ImpactSection,
  cluster: ClusterState | Promise<ClusterState | undefined>,
  after: (n: number) => void = () => undefined,
) {
  const source = steppedSource(recorded(), after);
  const feed = new EventFeed([source]);
  const running = section.analyse({
    base: loadTree(join(dir, 'base')),
    head: loadTree(join(dir, 'head')),
    changed: [],
    events: [source.display],
    feed,
    cluster,
    subjects: new EventSubjects(),
  });
  // Awaited below; a section failing while the events are read is not unhandled.
  running.catch(() => undefined);
  await feed.run();
  return running;
}

describe('sections judging events by their workload, the cluster state read beside the events', () => {
  for (const section of [appArmorSection, seccompSection, podSecuritySection]) {
    it(`${section.kind}: the same result whenever the state comes`, async () => {
      const known = await run(section, state);
      // The scenario means something: denials, refusals or violations, and unattributed events.
      expect(known.impacts.length).toBeGreaterThan(0);
      for (const at of [0, 1, 2, 63, 64, 65, 199, 399, 400]) {
        let release: (value: ClusterState) => void = () => undefined;
        const later = new Promise<ClusterState>((resolve) => (release = resolve));
        // Pod security reads no events: its state comes a little later.
        if (section === podSecuritySection) setTimeout(() => release(state), at);
        const result = await run(section, later, (n) => {
          if (n === at) release(state);
        });
        expect(result, `state given after ${at} events`).toEqual(known);
      }
    });
  }

  it('a state that never comes: the held events are judged once it is known to be absent', async () => {
    for (const section of [appArmorSection, seccompSection]) {
      const without = await run(section, Promise.resolve(undefined));
      expect(without.impacts.filter((i) => i.category !== 'profile unused')).toEqual([]);
      expect(without.notes.join('\n')).toContain(
        'carry no k8s.ns.name and k8s.pod.name (or no cluster state was given)',
      );
    }
  });

  it('a read that fails rejects the section with its error', async () => {
    const failure = new Error('snapshot.json:3:7: unexpected end');
    await expect(run(appArmorSection, Promise.reject(failure))).rejects.toBe(failure);
  });
});

describe('EventFeed.holdBackUntil', () => {
  it('waits for the state past the bound, then reads on without skipping an event', async () => {
    let release: () => void = () => undefined;
    const ready = new Promise<void>((resolve) => (release = resolve));
    const source = steppedSource(recorded().slice(0, 100), () => undefined);
    const feed = new EventFeed([source]);
    const seen: number[] = [];
    void feed.subscribe((event) => seen.push(event.line));
    feed.holdBackUntil(ready, 10);
    const done = feed.run();
    for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
    // Paused at the bound: the tenth event's chunk is done, the next not read.
    expect(source.given).toBe(10);
    expect(seen).toHaveLength(10);
    release();
    const stats = await done;
    expect(stats.events).toBe(100);
    expect(seen).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
  });

  it('a state that fails ends the wait and the pass with its error', async () => {
    let fail: (error: Error) => void = () => undefined;
    const ready = new Promise<void>((_, reject) => (fail = reject));
    const source = steppedSource(recorded().slice(0, 100), () => undefined);
    const feed = new EventFeed([source]);
    let seen = 0;
    void feed.subscribe(() => seen++);
    ready.catch((error: unknown) => feed.stop(error));
    feed.holdBackUntil(ready, 10);
    const done = feed.run();
    for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(source.given).toBe(10);
    const failure = new Error('snapshot.json:1:1: not JSON');
    fail(failure);
    await expect(done).rejects.toBe(failure);
    // The source gave one more event before the pass stopped; no consumer saw it.
    expect(source.given).toBe(11);
    expect(seen).toBe(10);
  });
});

describe('HeldBack', () => {
  it('holds events until released, then judges them in order, and later ones at once', () => {
    const subjects = new EventSubjects();
    const a = subjects.of({ 'k8s.ns.name': 'shop', 'k8s.pod.name': 'a' });
    const held = new HeldBack<string>();
    const judged: [EventSubject | undefined, string][] = [];
    held.add(a, 'one');
    held.add(undefined, 'two');
    held.add(a, 'three');
    expect(judged).toEqual([]);
    held.release((subject, item) => judged.push([subject, item]));
    expect(judged.map(([, item]) => item)).toEqual(['one', 'two', 'three']);
    expect(judged[0]?.[0]).toBe(a);
    expect(judged[1]?.[0]).toBeUndefined();
    held.add(a, 'four');
    expect(judged.map(([, item]) => item)).toEqual(['one', 'two', 'three', 'four']);
  });
});

describe('EventSubjects', () => {
  it('gives one object per namespace, pod and container; none without the pod fields', () => {
    const subjects = new EventSubjects();
    const plain = subjects.of({ 'k8s.ns.name': 'shop', 'k8s.pod.name': 'web-1' });
    expect(plain).toEqual({ namespace: 'shop', pod: 'web-1', container: undefined });
    expect(subjects.of({ 'k8s.ns.name': 'shop', 'k8s.pod.name': 'web-1', 'evt.type': 'read' })).toBe(plain);
    // An empty container name is none.
    expect(subjects.of({ 'k8s.ns.name': 'shop', 'k8s.pod.name': 'web-1', 'container.name': '' })).toBe(plain);
    const named = subjects.of({ 'k8s.ns.name': 'shop', 'k8s.pod.name': 'web-1', 'container.name': 'log' });
    expect(named).not.toBe(plain);
    expect(named?.container).toBe('log');
    // k8s.container.name before container.name.
    expect(
      subjects.of({
        'k8s.ns.name': 'shop',
        'k8s.pod.name': 'web-1',
        'k8s.container.name': 'log',
        'container.name': 'other',
      }),
    ).toBe(named);
    expect(subjects.of({ 'k8s.ns.name': 'dev', 'k8s.pod.name': 'web-1' })).not.toBe(plain);
    expect(subjects.of({ 'k8s.pod.name': 'web-1' })).toBeUndefined();
    expect(subjects.of({ 'k8s.ns.name': 'shop', 'k8s.pod.name': '' })).toBeUndefined();
    expect(subjects.of({ 'k8s.ns.name': 'shop', 'k8s.pod.name': 7 })).toBeUndefined();
  });

  it('keeps at most its bound, and gives further pods a subject of their own each', () => {
    const subjects = new EventSubjects(2);
    const a = subjects.of({ 'k8s.ns.name': 'ns', 'k8s.pod.name': 'a' });
    const b = subjects.of({ 'k8s.ns.name': 'ns', 'k8s.pod.name': 'b' });
    const c = subjects.of({ 'k8s.ns.name': 'ns', 'k8s.pod.name': 'c' });
    expect(subjects.of({ 'k8s.ns.name': 'ns', 'k8s.pod.name': 'a' })).toBe(a);
    expect(subjects.of({ 'k8s.ns.name': 'ns', 'k8s.pod.name': 'b' })).toBe(b);
    expect(c).toEqual({ namespace: 'ns', pod: 'c', container: undefined });
    expect(subjects.of({ 'k8s.ns.name': 'ns', 'k8s.pod.name': 'c' })).not.toBe(c);
  });
});

describe('buildImpactReport with a cluster state read beside the events', () => {
  it('stops the event pass at once when the read fails, and rejects with its error', async () => {
    const failure = new Error('snapshot.json:2:1: not a List');
    let fail: (error: Error) => void = () => undefined;
    const cluster = new Promise<ClusterState>((_, reject) => (fail = reject));
    const events = Array.from({ length: 1000 }, () => recorded()[3] as RecordedEvent);
    const source = steppedSource(events, (n) => {
      if (n === 10) fail(failure);
    });
    await expect(
      buildImpactReport({
        baseDir: join(dir, 'base'),
        headDir: join(dir, 'head'),
        base: { dir: 'base' },
        events: [source],
        cluster,
        languages,
        registry,
      }),
    ).rejects.toBe(failure);
    // Stopped at the next event, not at the end of the source.
    expect(source.given).toBeLessThan(15);
  });

  it('reports a state no section needs that cannot be read', async () => {
    const only = join(dir, 'falco-only');
    writeFiles(join(only, 'base'), {
      'chs.yaml': CONFIG,
      'policies/falco/a.yaml': '- list: a\n  items: [x]\n',
    });
    writeFiles(join(only, 'head'), {
      'chs.yaml': CONFIG,
      'policies/falco/a.yaml': '- list: a\n  items: [y]\n',
    });
    const failure = new Error('snapshot.json:1:1: not JSON');
    await expect(
      buildImpactReport({
        baseDir: join(only, 'base'),
        headDir: join(only, 'head'),
        base: { dir: 'base' },
        events: [],
        cluster: Promise.reject(failure),
        languages,
        registry,
      }),
    ).rejects.toBe(failure);
  });
});
