import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connect } from '../../src/kube/client.js';
import { parseSnapshot, readLiveSnapshot, readSnapshotFile } from '../../src/kube/snapshot.js';
import { startKubeServer } from '../kube-server/server.js';
import type { KubeServer } from '../kube-server/server.js';

const LIST = `apiVersion: v1
items:
- apiVersion: v1
  kind: Namespace
  metadata:
    name: shop
    labels:
      pod-security.kubernetes.io/enforce: baseline
- apiVersion: apps/v1
  kind: Deployment
  metadata:
    name: web
    namespace: shop
  spec:
    template:
      spec:
        containers:
        - name: nginx
          image: nginx:1.27
kind: List
metadata:
  resourceVersion: ""
`;

describe('cluster snapshot files', () => {
  it('reads what kubectl get -A -o yaml prints', () => {
    const { snapshot, problems } = parseSnapshot('cluster.yaml', LIST);
    expect(problems).toEqual([]);
    expect(snapshot.objects.map((o) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`)).toEqual(
      ['Namespace//shop', 'Deployment/shop/web'],
    );
  });

  it('reads several documents and JSON too', () => {
    const multi = parseSnapshot(
      'a.yaml',
      '---\napiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: n}\n---\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: n}\n',
    );
    expect(multi.snapshot.objects).toHaveLength(2);
    const json = parseSnapshot(
      'a.json',
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'PodList',
        items: [{ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' } }],
      }),
    );
    expect(json.snapshot.objects).toHaveLength(1);
  });

  it('points at what is wrong, with line and column', () => {
    const { snapshot, problems } = parseSnapshot(
      'bad.yaml',
      'kind: List\napiVersion: v1\nitems:\n- kind: Pod\n  metadata: {name: x}\n- apiVersion: v1\n  kind: Pod\n  metadata: {name: y}\n',
    );
    expect(problems).toEqual([
      {
        file: 'bad.yaml',
        line: 4,
        column: 3,
        message: 'not a Kubernetes object: apiVersion, kind and metadata.name are required',
      },
    ]);
    expect(snapshot.objects).toHaveLength(1);
    expect(parseSnapshot('x.yaml', 'a: [1, 2\n').problems[0]).toMatchObject({
      file: 'x.yaml',
      line: 2,
      message: expect.stringMatching(/^invalid YAML/),
    });
  });

  it('reads a JSON file as a stream: the same objects as the whole parse, problems at the item', () => {
    const dir = mkdtempSync(join(tmpdir(), 'chs-snapshot-json-'));
    try {
      const objects = parseSnapshot('cluster.yaml', LIST).snapshot.objects;
      // Over a MiB, so that the items cross the reader's chunks.
      const padded = objects.map((o, i) => ({
        ...o,
        metadata: { ...o.metadata, annotations: { pad: 'é'.repeat(400_000 + i) } },
      }));
      const file = join(dir, 'cluster.json');
      writeFileSync(
        file,
        JSON.stringify({ apiVersion: 'v1', items: padded, kind: 'List', metadata: {} }, null, 4),
      );
      const taken: unknown[] = [];
      expect(readSnapshotFile(file, 'cluster.json', (o) => taken.push(o))).toEqual([]);
      expect(taken).toEqual(padded);

      const cases: [string, object][] = [
        [
          '{\n  "kind": "List",\n  "items": [\n    {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}},\n    {"kind": "Pod"}, 7\n  ]\n}\n',
          { line: 5, column: 5, message: expect.stringMatching(/^not a Kubernetes object/) },
        ],
        [
          '{"kind": "List", "items": [\n {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}},\n {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "q"',
          {
            line: 3,
            column: 62,
            message: 'invalid JSON: unexpected end of the input: the JSON is cut short',
          },
        ],
        [
          '\n {"kind": "Pod", "items": [{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}}]}',
          { line: 2, column: 2, message: expect.stringMatching(/kind is "Pod", not a List/) },
        ],
        [
          '\n\n  {"kind": "Pod"}',
          { line: 3, column: 3, message: expect.stringMatching(/^not a Kubernetes object/) },
        ],
      ];
      for (const [text, problem] of cases) {
        writeFileSync(file, text);
        expect(readSnapshotFile(file, 'cluster.json', () => undefined)[0], text).toEqual({
          file: 'cluster.json',
          ...problem,
        });
        expect(parseSnapshot('cluster.json', text).problems[0], text).toEqual({
          file: 'cluster.json',
          ...problem,
        });
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reports an unreadable file as a problem, not a crash', () => {
    expect(
      readSnapshotFile('/nonexistent/snapshot.yaml', 'snapshot.yaml', () => undefined)[0]?.message,
    ).toMatch(/cannot read/);
  });
});

describe('live snapshots', () => {
  let server: KubeServer;
  let dir: string;
  beforeEach(async () => {
    server = await startKubeServer();
    dir = mkdtempSync(join(tmpdir(), 'chs-snapshot-'));
  });
  afterEach(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists the workload kinds and the nodes across all namespaces through a context', async () => {
    server.seed({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } });
    server.seed({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: 'node-a', labels: { 'kubernetes.io/arch': 'arm64' } },
    });
    server.seed({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'shop' },
      spec: { template: { spec: { containers: [{ name: 'c', image: 'i' }] } } },
    });
    server.seed({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'not-a-workload', namespace: 'shop' },
    });
    writeFileSync(join(dir, 'kubeconfig'), server.kubeconfig(['a', 'group/agents:prod']));
    const client = await connect({ cwd: dir, kubeconfig: 'kubeconfig', context: 'group/agents:prod' });
    const snapshot = await readLiveSnapshot(client);
    expect(snapshot.source).toBe('context group/agents:prod');
    expect(snapshot.objects.map((o) => `${o.apiVersion} ${o.kind}/${o.metadata.name}`)).toEqual([
      'v1 Namespace/shop',
      'v1 Node/node-a',
      'apps/v1 Deployment/web',
    ]);
  });
});

describe('@kubernetes/client-node is loaded only by src/kube/client.ts, lazily', () => {
  const src = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'src');
  const walk = (d: string): string[] =>
    readdirSync(d, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? walk(join(d, e.name)) : e.name.endsWith('.ts') ? [join(d, e.name)] : [],
    );
  it('has no static value import of it anywhere', () => {
    for (const file of walk(src)) {
      const text = readFileSync(file, 'utf8');
      const statics = [...text.matchAll(/^import\s+(?!type\b)[^;]*from\s+'@kubernetes\/client-node'/gm)];
      expect(statics, file).toEqual([]);
      if (text.includes("import('@kubernetes/client-node')"))
        expect(file.endsWith(join('kube', 'client.ts'))).toBe(true);
    }
  });
});

describe('connect', () => {
  let server: KubeServer;
  let dir: string;
  const saved = {
    KUBECONFIG: process.env.KUBECONFIG,
    HOME: process.env.HOME,
    KUBERNETES_SERVICE_HOST: process.env.KUBERNETES_SERVICE_HOST,
  };
  beforeEach(async () => {
    server = await startKubeServer();
    dir = mkdtempSync(join(tmpdir(), 'chs-connect-'));
    process.env.HOME = dir;
    delete process.env.KUBERNETES_SERVICE_HOST;
  });
  afterEach(async () => {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('uses KUBECONFIG and its current context when nothing else is said', async () => {
    writeFileSync(join(dir, 'a.yaml'), server.kubeconfig(['group/project:agent-a', 'other']));
    process.env.KUBECONFIG = join(dir, 'a.yaml');
    const client = await connect({ cwd: dir });
    expect(client.context).toBe('group/project:agent-a');
    expect(client.server).toBe(server.url);
    expect(await client.resource('v1', 'ConfigMap')).toEqual({ plural: 'configmaps', namespaced: true });
    expect(
      await client.resource('security-profiles-operator.x-k8s.io/v1beta1', 'SeccompProfile'),
    ).toBeUndefined();
  });

  it('says what is missing: no kubeconfig, a missing file, an unknown context', async () => {
    delete process.env.KUBECONFIG;
    await expect(connect({ cwd: dir })).rejects.toThrow(/^no kubeconfig: set KUBECONFIG/);
    await expect(connect({ cwd: dir, kubeconfig: 'nope.yaml' })).rejects.toThrow(
      'kubeconfig nope.yaml: no such file',
    );
    writeFileSync(join(dir, 'k.yaml'), server.kubeconfig(['group/project:agent-a']));
    await expect(
      connect({ cwd: dir, kubeconfig: 'k.yaml', context: 'group/project:agent-b' }),
    ).rejects.toThrow(
      'kube context "group/project:agent-b" is not in k.yaml; did you mean "group/project:agent-a"? (contexts: group/project:agent-a)',
    );
    writeFileSync(join(dir, 'broken.yaml'), 'clusters: [\n');
    await expect(connect({ cwd: dir, kubeconfig: 'broken.yaml' })).rejects.toThrow(
      /^cannot load the kubeconfig/,
    );
  });
});
