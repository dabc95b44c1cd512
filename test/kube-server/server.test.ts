/* eslint-disable @typescript-eslint/no-explicit-any -- the tests dig into objects parsed from JSON */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { matches, parseSelector } from './selector.js';
import { startKubeServer } from './server.js';
import type { KubeServer } from './server.js';
import { WHY, skipping } from '../helpers/skip.js';

let server: KubeServer;
beforeEach(async () => {
  server = await startKubeServer();
});
afterEach(async () => {
  await server.close();
});

async function call(
  method: string,
  path: string,
  body?: unknown,
  contentType = 'application/json',
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': contentType },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const apply = (path: string, object: unknown, manager: string, extra = ''): ReturnType<typeof call> =>
  call('PATCH', `${path}?fieldManager=${manager}${extra}`, object, 'application/apply-patch+yaml');

const ns = (name: string): unknown => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
const cm = (name: string, data: Record<string, string>, labels?: Record<string, string>): unknown => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, ...(labels ? { labels } : {}) },
  data,
});

describe('label selectors', () => {
  const labels = { app: 'web', tier: 'front', 'app.kubernetes.io/managed-by': 'chs' };
  it.each([
    ['app=web', true],
    ['app==web', true],
    ['app!=web', false],
    ['app!=db', true],
    ['missing!=x', true],
    ['app in (web, db)', true],
    ['app notin (web,db)', false],
    ['app notin (db)', true],
    ['tier', true],
    ['!tier', false],
    ['!missing', true],
    ['app=web,tier=back', false],
    ['app.kubernetes.io/managed-by=chs,tier in (front)', true],
    ['', true],
  ])('%s -> %s', (selector, expected) => {
    expect(matches(parseSelector(selector), labels)).toBe(expected);
  });
  it('refuses a malformed selector', () => {
    expect(() => parseSelector('app in (web')).toThrow(/parentheses/);
    expect(() => parseSelector('a=b=c')).toThrow();
  });
});

describe('discovery', () => {
  it('serves /api, /apis and resource lists; unknown groups are 404', async () => {
    expect((await call('GET', '/api')).body.versions).toEqual(['v1']);
    const groups = (await call('GET', '/apis')).body.groups as { name: string }[];
    expect(groups.map((g) => g.name)).toContain('apps');
    const core = (await call('GET', '/api/v1')).body.resources as { name: string; namespaced: boolean }[];
    expect(core.find((r) => r.name === 'configmaps')?.namespaced).toBe(true);
    expect(core.find((r) => r.name === 'namespaces')?.namespaced).toBe(false);
    expect((await call('GET', '/apis/security-profiles-operator.x-k8s.io/v1beta1')).status).toBe(404);
  });

  it('registers a CRD at run time, and unregisters it on delete', async () => {
    const crd = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'seccompprofiles.security-profiles-operator.x-k8s.io' },
      spec: {
        group: 'security-profiles-operator.x-k8s.io',
        names: { kind: 'SeccompProfile', plural: 'seccompprofiles' },
        scope: 'Namespaced',
        versions: [{ name: 'v1beta1', served: true, storage: true }],
      },
    };
    expect(
      (
        await apply(
          `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${crd.metadata.name}`,
          crd,
          'helm',
        )
      ).status,
    ).toBe(201);
    const list = await call('GET', '/apis/security-profiles-operator.x-k8s.io/v1beta1');
    expect(list.status).toBe(200);
    expect((list.body.resources as { kind: string }[])[0]?.kind).toBe('SeccompProfile');
    await call('DELETE', `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${crd.metadata.name}`);
    expect((await call('GET', '/apis/security-profiles-operator.x-k8s.io/v1beta1')).status).toBe(404);
  });
});

describe('objects', () => {
  it('refuses a namespaced object in a missing namespace with NotFound', async () => {
    const res = await apply('/api/v1/namespaces/nope/configmaps/a', cm('a', { k: 'v' }), 'm');
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({
      kind: 'Status',
      reason: 'NotFound',
      message: 'namespaces "nope" not found',
      details: { name: 'nope', kind: 'namespaces' },
    });
  });

  it('creates, answers a no-op apply without a write, bumps resourceVersion on change', async () => {
    await apply('/api/v1/namespaces/n', ns('n'), 'm');
    const created = await apply('/api/v1/namespaces/n/configmaps/a', cm('a', { k: 'v' }), 'm');
    expect(created.status).toBe(201);
    const meta = created.body.metadata as Record<string, unknown>;
    expect(meta.uid).toMatch(/^[0-9a-f-]{36}$/);
    const writes = server.writes;
    const again = await apply('/api/v1/namespaces/n/configmaps/a', cm('a', { k: 'v' }), 'm');
    expect((again.body.metadata as Record<string, unknown>).resourceVersion).toBe(meta.resourceVersion);
    expect(server.writes).toBe(writes);
    const changed = await apply('/api/v1/namespaces/n/configmaps/a', cm('a', { k: 'w' }), 'm');
    expect(Number((changed.body.metadata as Record<string, unknown>).resourceVersion)).toBeGreaterThan(
      Number(meta.resourceVersion),
    );
  });

  it('dryRun=All answers as a write would and stores nothing', async () => {
    await apply('/api/v1/namespaces/n', ns('n'), 'm');
    const writes = server.writes;
    const res = await apply('/api/v1/namespaces/n/configmaps/a', cm('a', { k: 'v' }), 'm', '&dryRun=All');
    expect(res.status).toBe(201);
    expect(res.body.data).toEqual({ k: 'v' });
    expect(server.writes).toBe(writes);
    expect((await call('GET', '/api/v1/namespaces/n/configmaps/a')).status).toBe(404);
    expect((await apply('/api/v1/namespaces/n/configmaps/a', cm('a', {}), 'm', '&dryRun=Some')).status).toBe(
      400,
    );
  });

  it('keeps managedFields per manager; a changed field owned by another manager is a 409 with causes', async () => {
    await apply('/api/v1/namespaces/n', ns('n'), 'm');
    await apply('/api/v1/namespaces/n/configmaps/a', cm('a', { k: 'v', x: '1' }), 'ours');
    await call(
      'PATCH',
      '/api/v1/namespaces/n/configmaps/a?fieldManager=kubectl-edit',
      { data: { k: 'edited' } },
      'application/merge-patch+json',
    );
    const live = (await call('GET', '/api/v1/namespaces/n/configmaps/a')).body;
    const managers = (live.metadata as Record<string, unknown>).managedFields as {
      manager: string;
      operation: string;
      fieldsV1: unknown;
    }[];
    expect(managers.map((m) => `${m.manager}:${m.operation}`)).toEqual(['ours:Apply', 'kubectl-edit:Update']);
    expect(managers[1]?.fieldsV1).toEqual({ 'f:data': { 'f:k': {} } });
    const conflict = await apply('/api/v1/namespaces/n/configmaps/a', cm('a', { k: 'v', x: '1' }), 'ours');
    expect(conflict.status).toBe(409);
    expect(conflict.body).toMatchObject({
      reason: 'Conflict',
      message: 'Apply failed with 1 conflict: conflict with "kubectl-edit" using v1: .data.k',
      details: {
        causes: [
          {
            reason: 'FieldManagerConflict',
            message: 'conflict with "kubectl-edit" using v1',
            field: '.data.k',
          },
        ],
      },
    });
    // The same value is shared ownership, not a conflict; force takes the field over.
    const forced = await apply(
      '/api/v1/namespaces/n/configmaps/a',
      cm('a', { k: 'v', x: '1' }),
      'ours',
      '&force=true',
    );
    expect(forced.status).toBe(200);
    expect(forced.body.data).toEqual({ k: 'v', x: '1' });
    const after = (
      (forced.body.metadata as Record<string, unknown>).managedFields as { manager: string }[]
    ).map((m) => m.manager);
    expect(after).toEqual(['ours']);
  });

  it('removes the fields a manager stops applying, and keeps those of others', async () => {
    await apply('/api/v1/namespaces/n', ns('n'), 'm');
    await apply('/api/v1/namespaces/n/configmaps/a', cm('a', { k: 'v', gone: '1' }), 'ours');
    await call(
      'PATCH',
      '/api/v1/namespaces/n/configmaps/a?fieldManager=other',
      { data: { theirs: 't' } },
      'application/merge-patch+json',
    );
    const res = await apply('/api/v1/namespaces/n/configmaps/a', cm('a', { k: 'v' }), 'ours');
    expect(res.body.data).toEqual({ k: 'v', theirs: 't' });
  });

  it('defaults fields and counts generations of spec changes', async () => {
    await apply('/api/v1/namespaces/n', ns('n'), 'm');
    const ds = (image: string): unknown => ({
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: 'd' },
      spec: {
        selector: { matchLabels: { a: 'b' } },
        template: {
          metadata: { labels: { a: 'b' } },
          spec: { containers: [{ name: 'c', image }], volumes: [{ name: 'v', configMap: { name: 'x' } }] },
        },
      },
    });
    const first = (await apply('/apis/apps/v1/namespaces/n/daemonsets/d', ds('img:1'), 'ours'))
      .body as Record<string, any>;
    expect(first.metadata.generation).toBe(1);
    expect(first.spec.revisionHistoryLimit).toBe(10);
    expect(first.spec.template.spec.containers[0].imagePullPolicy).toBe('IfNotPresent');
    expect(first.spec.template.spec.volumes[0].configMap.defaultMode).toBe(420);
    expect(first.status).toBeDefined();
    const fields = JSON.stringify(first.metadata.managedFields[0].fieldsV1);
    expect(fields).toContain('k:{\\"name\\":\\"c\\"}');
    expect(fields).not.toContain('imagePullPolicy');
    const second = (await apply('/apis/apps/v1/namespaces/n/daemonsets/d', ds('img:2'), 'ours'))
      .body as Record<string, any>;
    expect(second.metadata.generation).toBe(2);
    const ns2 = (await call('GET', '/api/v1/namespaces/n')).body as Record<string, any>;
    expect(ns2.metadata.labels['kubernetes.io/metadata.name']).toBe('n');
    expect(ns2.status.phase).toBe('Active');
  });

  it('lists across namespaces with label selectors; items of built-in kinds carry no kind', async () => {
    await apply('/api/v1/namespaces/n', ns('n'), 'm');
    await apply('/api/v1/namespaces/o', ns('o'), 'm');
    await apply('/api/v1/namespaces/n/configmaps/a', cm('a', {}, { team: 'x' }), 'm');
    await apply('/api/v1/namespaces/o/configmaps/b', cm('b', {}, { team: 'y' }), 'm');
    const all = (await call('GET', '/api/v1/configmaps?labelSelector=team')).body;
    expect((all.items as { metadata: { name: string } }[]).map((i) => i.metadata.name)).toEqual(['a', 'b']);
    expect(all.kind).toBe('ConfigMapList');
    expect((all.items as Record<string, unknown>[])[0]?.kind).toBeUndefined();
    const one = (await call('GET', '/api/v1/namespaces/o/configmaps?labelSelector=team%20notin%20(x)')).body;
    expect((one.items as unknown[]).length).toBe(1);
    expect((await call('GET', '/api/v1/configmaps?labelSelector=team%20in%20(x')).status).toBe(400);
  });

  it('deletes; deleting a namespace deletes what is in it', async () => {
    await apply('/api/v1/namespaces/n', ns('n'), 'm');
    await apply('/api/v1/namespaces/n/configmaps/a', cm('a', {}), 'm');
    expect((await call('DELETE', '/api/v1/namespaces/n/configmaps/a?dryRun=All')).status).toBe(200);
    expect((await call('GET', '/api/v1/namespaces/n/configmaps/a')).status).toBe(200);
    expect((await call('DELETE', '/api/v1/namespaces/n/configmaps/a')).body).toMatchObject({
      kind: 'Status',
      status: 'Success',
    });
    expect((await call('DELETE', '/api/v1/namespaces/n/configmaps/a')).status).toBe(404);
    await apply('/api/v1/namespaces/n/configmaps/b', cm('b', {}), 'm');
    await call('DELETE', '/api/v1/namespaces/n');
    expect(server.all('v1', 'ConfigMap')).toEqual([]);
  });

  it('refuses a replace with a stale resourceVersion', async () => {
    await apply('/api/v1/namespaces/n', ns('n'), 'm');
    const created = (await apply('/api/v1/namespaces/n/configmaps/a', cm('a', { k: 'v' }), 'm'))
      .body as Record<string, any>;
    await apply('/api/v1/namespaces/n/configmaps/a', cm('a', { k: 'w' }), 'm');
    const stale = await call('PUT', '/api/v1/namespaces/n/configmaps/a', { ...created, data: { k: 'x' } });
    expect(stale.status).toBe(409);
    expect(stale.body.message).toBe(
      'Operation cannot be fulfilled on configmaps "a": the object has been modified; please apply your changes to the latest version and try again',
    );
  });

  it('validates bodies as the API server does', async () => {
    await apply('/api/v1/namespaces/n', ns('n'), 'm');
    expect((await apply('/api/v1/namespaces/n/configmaps/a', cm('b', {}), 'm')).status).toBe(400);
    expect(
      (await apply('/api/v1/namespaces/n/configmaps/a', cm('a', {}, { x: 'not valid!' }), 'm')).status,
    ).toBe(422);
    expect(
      (await call('PATCH', '/api/v1/namespaces/n/configmaps/a', cm('a', {}), 'application/apply-patch+yaml'))
        .status,
    ).toBe(400);
    expect((await call('POST', '/api/v1/namespaces/n/configmaps', cm('a', {}))).status).toBe(201);
    expect((await call('POST', '/api/v1/namespaces/n/configmaps', cm('a', {}))).body.reason).toBe(
      'AlreadyExists',
    );
  });
});

describe('faults', () => {
  it('breaks off writes after N, dropping the connection or answering 500', async () => {
    await apply('/api/v1/namespaces/n', ns('n'), 'm');
    server.faults = { breakAfterWrites: 2, mode: 'reset' };
    expect((await apply('/api/v1/namespaces/n/configmaps/a', cm('a', {}), 'm')).status).toBe(201);
    await expect(apply('/api/v1/namespaces/n/configmaps/b', cm('b', {}), 'm')).rejects.toThrow();
    // Reads and dry runs still work.
    expect((await call('GET', '/api/v1/namespaces/n/configmaps/a')).status).toBe(200);
    expect((await apply('/api/v1/namespaces/n/configmaps/b', cm('b', {}), 'm', '&dryRun=All')).status).toBe(
      201,
    );
    server.faults = { breakAfterWrites: 2, mode: '500' };
    const res = await apply('/api/v1/namespaces/n/configmaps/b', cm('b', {}), 'm');
    expect(res.status).toBe(500);
    expect(res.body.reason).toBe('InternalError');
    server.faults = { failNext: [503] };
    expect((await call('GET', '/api')).status).toBe(503);
    expect((await call('GET', '/api')).status).toBe(200);
  });
});

describe('through @kubernetes/client-node 1.4', () => {
  it('discovers, applies server-side, reads and lists with a generated kubeconfig', async () => {
    const k8s = await import('@kubernetes/client-node');
    const dir = mkdtempSync(join(tmpdir(), 'chs-kube-'));
    try {
      const file = join(dir, 'kubeconfig');
      writeFileSync(file, server.kubeconfig(['group/project:agent']));
      const kc = new k8s.KubeConfig();
      kc.loadFromFile(file);
      expect(kc.getCurrentContext()).toBe('group/project:agent');
      const api = k8s.KubernetesObjectApi.makeApiClient(kc);
      await api.patch(
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'n' } },
        undefined,
        undefined,
        'chs',
        undefined,
        k8s.PatchStrategy.ServerSideApply,
      );
      const created = await api.patch(
        {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: 'a', namespace: 'n', labels: { x: 'y' } },
          data: { k: 'v' },
        },
        undefined,
        undefined,
        'chs',
        false,
        k8s.PatchStrategy.ServerSideApply,
      );
      expect(created.data).toEqual({ k: 'v' });
      const list = await api.list(
        'v1',
        'ConfigMap',
        undefined,
        undefined,
        undefined,
        undefined,
        undefined,
        'x=y',
      );
      expect(list.items.map((i) => i.metadata?.name)).toEqual(['a']);
      const core = kc.makeApiClient(k8s.CoreV1Api);
      const read = await core.readNamespacedConfigMap({ name: 'a', namespace: 'n' });
      expect(read.metadata?.managedFields?.[0]?.manager).toBe('chs');
      await expect(core.readNamespacedConfigMap({ name: 'zz', namespace: 'n' })).rejects.toMatchObject({
        code: 404,
      });
      expect(
        server.requests.some(
          (r) => r.contentType === 'application/apply-patch+yaml' && r.query.fieldManager === 'chs',
        ),
      ).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

const hasOpenssl = spawnSync('openssl', ['version']).status === 0;
if (!hasOpenssl) skipping('the test API server over TLS', WHY.noOpenssl);

describe.skipIf(!hasOpenssl)('over TLS', () => {
  it('serves HTTPS with a certificate that the kubeconfig trusts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'chs-tls-'));
    try {
      const made = spawnSync('openssl', [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ]);
      expect(made.status).toBe(0);
      const tls = await startKubeServer({
        tls: { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) },
        token: 'secret',
      });
      try {
        expect(tls.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
        const k8s = await import('@kubernetes/client-node');
        const kc = new k8s.KubeConfig();
        kc.loadFromString(tls.kubeconfig(['tls']));
        expect(kc.getCurrentCluster()?.skipTLSVerify).toBeFalsy();
        const namespaces = await kc.makeApiClient(k8s.CoreV1Api).listNamespace();
        expect(namespaces.items).toEqual([]);
        const wrong = new k8s.KubeConfig();
        wrong.loadFromString(tls.kubeconfig(['tls']).replace('token: secret', 'token: nope'));
        await expect(wrong.makeApiClient(k8s.CoreV1Api).listNamespace()).rejects.toMatchObject({ code: 401 });
      } finally {
        await tls.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
