/**
 * A JSON snapshot read with partial parsing (pods by their four fields, WorkloadsBuilder.addPod)
 * against the same file read whole (every object to WorkloadsBuilder.add): the same workloads,
 * pod index and problems, whatever the items hold.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { WorkloadsBuilder } from '../../src/impact/cluster.js';
import type { Workloads } from '../../src/impact/cluster.js';
import { readSnapshotFile } from '../../src/kube/snapshot.js';
import type { SnapshotProblem } from '../../src/kube/snapshot.js';

const dir = mkdtempSync(join(tmpdir(), 'chs-snapshot-partial-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const pod = (name: string, metadata: string, spec = '"nodeName":"node-a"'): string =>
  `{"apiVersion":"v1","kind":"Pod","metadata":{"name":${JSON.stringify(name)}${metadata}},"spec":{${spec},"containers":[{"name":"c","securityContext":{"seccompProfile":{"type":"Localhost","localhostProfile":"p-${name}.json"}}}]},"status":{"phase":"Running"}}`;
const owner = (kind: string, name: string, controller = true): string =>
  `{"apiVersion":"apps/v1","kind":${JSON.stringify(kind)},"name":${JSON.stringify(name)},"uid":"u","controller":${controller}}`;
const owned = (namespace: string, ...owners: string[]): string =>
  `,"namespace":"${namespace}","ownerReferences":[${owners.join(',')}]`;
const TEMPLATE =
  '"spec":{"template":{"metadata":{"annotations":{"container.apparmor.security.beta.kubernetes.io/c":"localhost/app"}},"spec":{"containers":[{"name":"c"}]}}}';

const ITEMS = [
  '{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"shop","labels":{"pod-security.kubernetes.io/enforce":"baseline","n":1}}}',
  '{"apiVersion":"v1","kind":"Node","metadata":{"name":"node-a","labels":{"kubernetes.io/arch":"arm64"}}}',
  '{"apiVersion":"v1","kind":"Node","metadata":{"name":"nöde-b","labels":{"kubernetes.io/arch":"amd64"}}}',
  // Pods before their controller: kept as marks until the end.
  pod('web-7d9f8c6b5-abcde', owned('shop', owner('ReplicaSet', 'web-7d9f8c6b5'))),
  `{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"shop"},${TEMPLATE}}`,
  pod('web-7d9f8c6b5-fghij', owned('shop', owner('ReplicaSet', 'web-7d9f8c6b5')), '"nodeName":"nöde-b"'),
  // Owned by what the state does not hold: the first pod stands for its owner.
  pod('api-5f6d7-aaaaa', owned('shop', owner('ReplicaSet', 'api-5f6d7'))),
  pod('api-5f6d7-bbbbb', owned('shop', owner('ReplicaSet', 'api-5f6d7')), '"nodeName":"node-x"'),
  // Bare pods, one without a namespace (default), one without ownerReferences but an empty list.
  pod('debug', ''),
  pod('debug-2', ',"namespace":"shop","ownerReferences":[]', '"hostNetwork":true'),
  // Several owners: the controller wins, else the first.
  pod('multi-1', owned('shop', owner('ReplicaSet', 'first', false), owner('StatefulSet', 'db'))),
  pod('multi-2', owned('shop', owner('Job', 'j1', false), owner('Job', 'j2', false))),
  pod(
    'odd-owners',
    ',"namespace":"shop","ownerReferences":[7,{"kind":"ReplicaSet"},{"kind":"Job","name":"ok"}]',
  ),
  pod('not-a-list', ',"namespace":"shop","ownerReferences":{"kind":"Job","name":"x"}'),
  // Repeated keys: JSON.parse keeps the last.
  `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"dup-1","namespace":"shop","ownerReferences":[${owner('ReplicaSet', 'api-5f6d7')}]},"metadata":{"name":"dup-2","namespace":"other"},"spec":{}}`,
  `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"dup-3","namespace":"shop","namespace":"other"},"spec":{"nodeName":"node-a","nodeName":"nöde-b"}}`,
  `{"apiVersion":"v1","kind":"Deployment","kind":"Pod","metadata":{"name":"dup-kind","namespace":"shop"},"spec":{}}`,
  // Escaped keys and values.
  `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"esc-1","n\\u0061mespace":"other"},"spec":{}}`,
  `{"apiVersion":"v1","k\\u0069nd":"Pod","metadata":{"name":"esc-2"}}`,
  `{"apiVersion":"v1","kind":"P\\u006fd","metadata":{"name":"esc-\\u00e9\\"3","namespace":"sh\\u006fp"},"spec":{"nodeName":"n\\u00f6de-b"}}`,
  pod('unicode-pöd-日本-𝄞', owned('shop', owner('ReplicaSet', 'rs-ü'))),
  // A CronJob's Job's pod, a StatefulSet's pod.
  `{"apiVersion":"batch/v1","kind":"CronJob","metadata":{"name":"nightly","namespace":"shop"},"spec":{"jobTemplate":{"spec":{"template":{"spec":{"containers":[{"name":"c"}]}}}}}}`,
  pod('nightly-28000000-zzzzz', owned('shop', owner('Job', 'nightly-28000000'))),
  `{"apiVersion":"apps/v1","kind":"StatefulSet","metadata":{"name":"db","namespace":"shop"},${TEMPLATE}}`,
  pod('db-0', owned('shop', owner('StatefulSet', 'db'))),
  // A nested List, pods in it.
  `{"apiVersion":"v1","kind":"List","items":[${pod('nested-1', owned('shop', owner('ReplicaSet', 'nested')))},${pod('nested-2', owned('shop', owner('ReplicaSet', 'nested')))}]}`,
  // Over the reader's chunk of 1 MiB: the pod is cut between chunks.
  pod('big', `,"namespace":"shop","annotations":{"pad":"${'é'.repeat(700_000)}"}`),
  pod('after-big', owned('shop', owner('ReplicaSet', 'web-7d9f8c6b5'))),
  // Not a pod: taken whole.
  '{"apiVersion":"v1","kind":"Service","metadata":{"name":"svc","namespace":"shop"}}',
];
const SNAPSHOT = `{\n  "apiVersion": "v1",\n  "items": [\n${ITEMS.map((i) => `    ${i}`).join(',\n')}\n  ],\n  "kind": "List",\n  "metadata": {"resourceVersion": ""}\n}\n`;
const NAMES: [string, string][] = [
  ...SNAPSHOT.matchAll(/"name":"((?:[^"\\]|\\.)*)"(?:,"namespace":"((?:[^"\\]|\\.)*)")?/g),
].map((m) => [JSON.parse(`"${m[2] ?? 'default'}"`) as string, JSON.parse(`"${m[1] ?? ''}"`) as string]);

/** The snapshot file read whole or partially: workloads, problems, and how many pods were parsed whole. */
function read(
  text: string,
  partial: boolean,
): { workloads: Workloads; problems: SnapshotProblem[]; wholes: number } {
  const file = join(dir, 'snapshot.json');
  writeFileSync(file, text);
  const builder = new WorkloadsBuilder();
  let wholes = 0;
  const problems = readSnapshotFile(
    file,
    'snapshot.json',
    partial
      ? {
          object: (object) => builder.add(object),
          pod: (fields, whole) =>
            builder.addPod(fields, () => {
              wholes++;
              return whole();
            }),
        }
      : (object) => builder.add(object),
  );
  return { workloads: builder.finish(), problems, wholes };
}

/** What the preview asks of the workloads. */
function answers(workloads: Workloads): unknown {
  return {
    list: workloads.list,
    namespaceLabels: [...workloads.namespaceLabels],
    architectures: workloads.architectures,
    pods: NAMES.map(([namespace, name]) => [
      namespace,
      name,
      workloads.podOwner(namespace, name)?.owner,
      workloads.podArch(namespace, name),
    ]),
  };
}

describe('a JSON snapshot parsed partially', () => {
  it('gives the workloads and pod index of the whole parse', () => {
    const whole = read(SNAPSHOT, false);
    const partial = read(SNAPSHOT, true);
    expect(whole.problems).toEqual([]);
    expect(partial.problems).toEqual([]);
    expect(answers(partial.workloads)).toEqual(answers(whole.workloads));
    // A pod of an owner already seen is not parsed whole: web-…-fghij, api-…-bbbbb, nested-2, after-big.
    const pods = ITEMS.join('').match(/"kind":"Pod"/g)?.length ?? 0;
    expect(pods - partial.wholes).toBe(4);
    // Spot checks that the comparison is of something.
    const owners = whole.workloads.list.map((w) => `${w.namespace}/${w.owner}`);
    expect(owners).toEqual(
      expect.arrayContaining([
        'shop/Deployment/web',
        'shop/ReplicaSet/api-5f6d7',
        'default/Pod/debug',
        'shop/StatefulSet/db',
        'shop/CronJob/nightly',
        'shop/ReplicaSet/nested',
        'other/Pod/dup-2',
      ]),
    );
    expect(whole.workloads.podOwner('shop', 'multi-1')?.owner).toBe('StatefulSet/db');
    expect(whole.workloads.podArch('shop', 'web-7d9f8c6b5-fghij')).toBe('amd64');
    expect(whole.workloads.podOwner('other', 'dup-2')?.owner).toBe('Pod/dup-2');
    expect(whole.workloads.podOwner('shop', 'esc-é"3')?.owner).toBe('Pod/esc-é"3');
  });

  // [case, snapshot, the first problem]
  it.each([
    [
      'a pod whose apiVersion is not a string',
      '{"kind":"List","items":[\n  {"apiVersion":1,"kind":"Pod","metadata":{"name":"p"}}\n]}',
      { line: 2, column: 3, message: expect.stringMatching(/^not a Kubernetes object/) },
    ],
    [
      'a pod without a name',
      '{"kind":"List","items":[\n  {"apiVersion":"v1","kind":"Pod","metadata":{"namespace":"p"}},\n  7\n]}',
      { line: 2, column: 3, message: expect.stringMatching(/^not a Kubernetes object/) },
    ],
    [
      'a pod whose metadata is a list',
      '{"kind":"List","items":[ {"apiVersion":"v1","kind":"Pod","metadata":[{"name":"p"}]}]}',
      { line: 1, column: 26, message: expect.stringMatching(/^not a Kubernetes object/) },
    ],
    [
      'a pod whose name is a number',
      '{"kind":"List","items":[{"apiVersion":"v1","kind":"Pod","metadata":{"name":7}}]}',
      { line: 1, column: 25, message: expect.stringMatching(/^not a Kubernetes object/) },
    ],
    [
      'a pod named twice, last not a string',
      '{"kind":"List","items":[{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","name":null}}]}',
      { line: 1, column: 25, message: expect.stringMatching(/^not a Kubernetes object/) },
    ],
    [
      'not a mapping',
      '{"kind":"List","items":["Pod"]}',
      { line: 1, column: 25, message: 'expected a Kubernetes object (a mapping)' },
    ],
    [
      'a trailing comma in a pod',
      '{"kind":"List","items":[\n{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p",}}]}',
      { line: 2, column: 55, message: "invalid JSON: a comma before '}': remove the trailing comma" },
    ],
    [
      'cut short in a pod',
      '{"kind":"List","items":[{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"',
      { line: 1, column: 79, message: 'invalid JSON: unexpected end of the input: the JSON is cut short' },
    ],
    [
      'cut short after a pod',
      `{"kind":"List","items":[${pod('p', '')},`,
      {
        line: 1,
        column: 25 + pod('p', '').length + 1,
        message: 'invalid JSON: unexpected end of the input: the JSON is cut short',
      },
    ],
  ])('%s: the same problem, at the same place', (_name, text, problem) => {
    const whole = read(text, false);
    const partial = read(text, true);
    expect(whole.problems[0]).toEqual({ file: 'snapshot.json', ...problem });
    expect(partial.problems).toEqual(whole.problems);
  });
});
