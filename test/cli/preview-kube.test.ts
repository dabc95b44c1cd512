// `chs preview --kube-context`: the cluster read live, read-only, through the real
// @kubernetes/client-node against the test API server on 127.0.0.1; the report must say what the
// same objects given as a snapshot file say.
import { cpSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { dump } from 'js-yaml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { previewCommand } from '../../src/cli/preview.js';
import type { PreviewFlags } from '../../src/cli/preview.js';
import type { CommandContext } from '../../src/cli/run.js';
import { UserError } from '../../src/core/errors.js';
import type { ImpactReport } from '../../src/impact/model.js';
import { connect } from '../../src/kube/client.js';
import { parseSnapshot, readLiveSnapshot } from '../../src/kube/snapshot.js';
import { startKubeServer } from '../kube-server/server.js';
import type { KubeServer } from '../kube-server/server.js';
import type { JsonMap } from '../kube-server/fields.js';

type Json = JsonMap;
const CONTEXT = 'group/agents:production';

function sink(append: (s: string) => void): NodeJS.WriteStream {
  return new Writable({
    write(chunk: Buffer, _enc, done) {
      append(chunk.toString());
      done();
    },
  }) as unknown as NodeJS.WriteStream;
}

/**
 * The example merge request, changed so that it also removes the report worker's AppArmor profile
 * and the web seccomp profile: pods that name them would no longer start.
 */
function exampleCopy(): { dir: string; head: string } {
  const dir = mkdtempSync(join(tmpdir(), 'chs-preview-kube-'));
  const head = join(dir, 'head');
  cpSync(resolve('examples'), head, { recursive: true });
  renameSync(join(head, 'base'), join(dir, 'base'));
  rmSync(join(head, 'policies/apparmor/k8s-report-worker'));
  rmSync(join(head, 'policies/seccomp/web.json'));
  return { dir, head };
}

const localhost = (profile: string): Json => ({ type: 'Localhost', localhostProfile: profile });

/** The example cluster, plus workloads that name the profiles the change removes. */
function clusterObjects(): Json[] {
  const { snapshot, problems } = parseSnapshot(
    'snapshot.yaml',
    readFileSync(resolve('examples/cluster/snapshot.yaml'), 'utf8'),
  );
  expect(problems).toEqual([]);
  const worker = {
    name: 'worker',
    image: 'registry.example.com/payments/reports:3.0.2',
    securityContext: {
      runAsNonRoot: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      appArmorProfile: localhost('k8s-report-worker'),
      seccompProfile: localhost('container-host-security/web.json'),
    },
  };
  const extra: Json[] = [
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'reports', namespace: 'payments' },
      spec: { template: { spec: { containers: [worker] } } },
    },
    {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'reports-5c8d7f9b4-x2k9q',
        namespace: 'payments',
        ownerReferences: [
          {
            apiVersion: 'apps/v1',
            kind: 'ReplicaSet',
            name: 'reports-5c8d7f9b4',
            uid: 'r1',
            controller: true,
          },
        ],
      },
      spec: { containers: [worker] },
    },
    {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'web-canary', namespace: 'shop' },
      spec: {
        securityContext: {
          runAsNonRoot: true,
          seccompProfile: localhost('container-host-security/web.json'),
        },
        containers: [{ name: 'web', image: 'registry.example.com/shop/web:1.0.0' }],
      },
    },
  ];
  return [...(snapshot.objects as unknown as Json[]), ...extra];
}

interface Run {
  code: number;
  report: ImpactReport;
  stderr: string;
}

async function preview(head: string, flags: PreviewFlags): Promise<Run> {
  let out = '';
  let err = '';
  const ctx: CommandContext = { cwd: head, root: head, stdout: sink((s) => (out += s)), stderr: sink((s) => (err += s)) };
  const code = await previewCommand(
    ctx,
    { baseDir: '../base', format: 'json', events: ['events/shop.jsonl'], ...flags },
    { env: {} },
  );
  return { code, report: JSON.parse(out) as ImpactReport, stderr: err };
}

/** The report with the cluster's source (file or context) taken out. */
function withoutSource(report: ImpactReport, source: string): unknown {
  const { inputs, ...rest } = report;
  expect(inputs.snapshot ?? inputs.kubeContext).toBeDefined();
  return JSON.parse(JSON.stringify(rest).split(JSON.stringify(source).slice(1, -1)).join('<cluster>'));
}

describe('chs preview --kube-context against the test API server', () => {
  let server: KubeServer;
  let dir: string;
  let head: string;
  const saved = { KUBECONFIG: process.env.KUBECONFIG, HOME: process.env.HOME };
  beforeEach(async () => {
    server = await startKubeServer({ token: 'preview-token' });
    ({ dir, head } = exampleCopy());
    writeFileSync(join(dir, 'kubeconfig'), server.kubeconfig(['other', CONTEXT]));
    process.env.KUBECONFIG = join(dir, 'kubeconfig');
    process.env.HOME = dir;
  });
  afterEach(async () => {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('says what the same objects say as a snapshot file, and only reads (GET) the cluster', async () => {
    const objects = clusterObjects();
    for (const object of objects) server.seed(structuredClone(object));
    writeFileSync(join(head, 'cluster.yaml'), dump({ apiVersion: 'v1', kind: 'List', items: objects }));
    const fromFile = await preview(head, { snapshot: 'cluster.yaml' });
    const writes = server.writes;
    const live = await preview(head, { kubeContext: CONTEXT });

    expect(live.report.inputs).toEqual({
      events: ['events/shop.jsonl'],
      eventCounts: [13],
      kubeContext: CONTEXT,
    });
    expect(withoutSource(live.report, `context ${CONTEXT}`)).toEqual(
      withoutSource(fromFile.report, 'cluster.yaml'),
    );
    expect(live.code).toBe(1);
    expect(fromFile.code).toBe(1);
    // Read-only: discovery and lists, nothing else, and nothing stored.
    expect(server.requests.length).toBeGreaterThan(0);
    expect([...new Set(server.requests.map((r) => r.method))]).toEqual(['GET']);
    expect(server.writes).toBe(writes);
    expect(server.requests.filter((r) => r.query.limit !== undefined).map((r) => r.path)).toEqual(
      expect.arrayContaining(['/api/v1/pods', '/apis/apps/v1/deployments', '/api/v1/namespaces']),
    );

    // What the live read found: workloads the head's policies reject, and pods naming removed profiles.
    const impacts = live.report.sections.flatMap((s) =>
      s.impacts.map((i) => `${s.kind} ${i.severity} ${i.category} ${i.namespace ?? ''} ${i.subject}`),
    );
    expect(impacts).toEqual(
      expect.arrayContaining([
        'pod-security block rejected by admission payments StatefulSet/ledger',
        'pod-security block rejected by admission shop Deployment/cart',
        'pod-security block rejected by admission shop Pod/<img src=x onerror=alert(1)>',
        'apparmor block would fail to start payments Deployment/reports',
        'seccomp block would fail to start payments Deployment/reports',
        'seccomp block would fail to start shop Pod/web-canary',
      ]),
    );
    // The Deployment's pod counts once, through the Deployment.
    expect(impacts.filter((i) => i.includes('reports-5c8d7f9b4'))).toEqual([]);
    const failing = live.report.sections
      .find((s) => s.kind === 'apparmor')
      ?.impacts.find((i) => i.category === 'would fail to start');
    expect(failing?.reason).toBe(
      'container worker uses the AppArmor profile localhost/k8s-report-worker, which this change removes',
    );
    expect(failing?.target).toBe('production');
  });

  it('reads a long list in pages (limit and continue) and counts every pod', async () => {
    for (const object of clusterObjects()) server.seed(structuredClone(object));
    for (let i = 0; i < 1_150; i++)
      server.seed({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: `batch-${String(i).padStart(4, '0')}`, namespace: 'batch' },
        spec: { containers: [{ name: 'c', image: 'busybox' }] },
      });
    const live = await preview(head, { kubeContext: CONTEXT });
    const pages = server.listed.filter((l) => l.plural === 'pods');
    expect(pages).toEqual([
      { plural: 'pods', items: 500, continued: true },
      { plural: 'pods', items: 500, continued: true },
      { plural: 'pods', items: 150 + 6 },
    ]);
    const podRequests = server.requests.filter((r) => r.path === '/api/v1/pods');
    expect(podRequests.map((r) => [r.query.limit, r.query.continue !== undefined])).toEqual([
      ['500', false],
      ['500', true],
      ['500', true],
    ]);
    const note = live.report.sections.find((s) => s.kind === 'pod-security')?.notes[0];
    // 8 workloads of the example, the reports Deployment and the canary, and 1,150 bare pods.
    expect(note).toBe(
      `${8 + 2 + 1_150} workload(s) of context ${CONTEXT} evaluated (pods counted once, through their controller).`,
    );
    expect([...new Set(server.requests.map((r) => r.method))]).toEqual(['GET']);
  });

  it('starts a list again when its continue token expired between pages (410)', async () => {
    for (let i = 0; i < 5; i++)
      server.seed({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: `ns-${i}` } });
    server.faults.expireContinue = 1;
    const client = await connect({ cwd: dir, context: CONTEXT, listChunkSize: 2 });
    const names = (await client.list('v1', 'Namespace')).map((o) => o.metadata.name);
    expect(names).toEqual(['ns-0', 'ns-1', 'ns-2', 'ns-3', 'ns-4']);
    const lists = server.requests.filter((r) => r.path === '/api/v1/namespaces');
    expect(lists.map((r) => `${r.status} ${r.query.continue === undefined ? 'first' : 'next'}`)).toEqual([
      '200 first',
      '410 next',
      '200 first',
      '200 next',
      '200 next',
    ]);
    // A token that keeps expiring ends in a clear error, not a loop.
    server.faults.expireContinue = 10;
    await expect(client.list('v1', 'Namespace')).rejects.toThrow(
      /^listing Namespace \(v1\): The provided continue parameter is too old/,
    );
    await expect(readLiveSnapshot(client)).rejects.toThrow(/continue parameter is too old/);
  });

  const failure = async (flags: PreviewFlags): Promise<UserError> => {
    const error = await preview(head, flags).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).exitCode).toBe(2);
    return error as UserError;
  };

  it('says so in one line when the API server refuses the credentials (401)', async () => {
    writeFileSync(
      join(dir, 'kubeconfig'),
      server.kubeconfig([CONTEXT]).replace('token: preview-token', 'token: expired-token'),
    );
    const error = await failure({ kubeContext: CONTEXT });
    expect(error.message).toBe(
      `cluster of context "${CONTEXT}": the API server refused the credentials (401 Unauthorized): renew the token or the agent's kubeconfig`,
    );
    expect(error.message).not.toContain('expired-token');
  });

  it('names the permission missing when RBAC forbids a list (403)', async () => {
    for (const object of clusterObjects()) server.seed(structuredClone(object));
    server.faults.forbidden = ['pods'];
    const error = await failure({ kubeContext: CONTEXT });
    expect(error.message).toBe(
      `cluster of context "${CONTEXT}": listing Pod (v1): pods is forbidden: User "system:serviceaccount:gitlab-agent:chs-preview" cannot list resource "pods" in API group "" at the cluster scope (the preview needs get and list on namespaces, pods, deployments, daemonsets, statefulsets, jobs and cronjobs in every namespace)`,
    );
    expect([...new Set(server.requests.map((r) => r.method))]).toEqual(['GET']);
  });

  it('says the API server cannot be reached when the connection is refused', async () => {
    const url = server.url;
    await server.close();
    const error = await failure({ kubeContext: CONTEXT });
    expect(error.message).toMatch(
      new RegExp(
        `^cluster of context "group/agents:production": discovery of v1: no answer from the API server \\(.*ECONNREFUSED ${url.replace('http://', '').replace(/\./g, '\\.')}\\)$`,
      ),
    );
  });

  it('refuses a context the kubeconfig does not have, naming the ones it has', async () => {
    const error = await failure({ kubeContext: 'group/agents:prodution' });
    expect(error.message).toMatch(/^kube context "group\/agents:prodution" is not in KUBECONFIG/);
    expect(error.message).toContain(`did you mean "${CONTEXT}"`);
    expect(server.requests).toEqual([]);
  });
});
