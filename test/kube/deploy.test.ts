/**
 * chs deploy --via apply and chs drift, through the real @kubernetes/client-node against the test
 * API server on 127.0.0.1 (issue 9's acceptance for the direct path).
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- the tests dig into objects parsed from JSON */
import { appendFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AGENT_CONTEXT, deploy, drift, workspace } from './helpers.js';
import type { Workspace } from './helpers.js';

const NS = 'container-host-security';
/** The fixture renders these, in this apply order. */
const ORDER = [
  'namespace/container-host-security',
  `configmap/chs-apparmor-profiles (namespace ${NS})`,
  `configmap/chs-profile-loader (namespace ${NS})`,
  `configmap/chs-seccomp-profiles (namespace ${NS})`,
  'configmap/chs-falco-rules (namespace falco)',
  `daemonset/chs-profile-loader (namespace ${NS})`,
];

let ws: Workspace;
beforeEach(async () => {
  ws = await workspace();
});
afterEach(async () => {
  await ws.dispose();
});

const rv = (apiVersion: string, kind: string, name: string, namespace?: string): string =>
  String(
    (ws.server.get(apiVersion, kind, name, namespace)?.metadata as Record<string, unknown> | undefined)
      ?.resourceVersion,
  );

const realWrites = (): number =>
  ws.server.requests.filter((r) => ['PATCH', 'POST', 'PUT', 'DELETE'].includes(r.method) && !r.dryRun).length;

describe('chs deploy --via apply', () => {
  it('a dry run writes nothing and says what would be applied', async () => {
    const writes = ws.server.writes;
    const run = await deploy(ws, { dryRun: true });
    expect(run.stderr).not.toContain('refused');
    expect(run.code).toBe(0);
    expect(ws.server.writes).toBe(writes);
    expect(realWrites()).toBe(0);
    expect(run.stdout).toContain(`target production (context ${AGENT_CONTEXT}), dry run:`);
    for (const name of ORDER) expect(run.stdout).toContain(`${name} would be created`);
    expect(ws.server.all('v1', 'ConfigMap')).toEqual([]);
  });

  it('an apply creates every object in dependency order with our field manager and labels', async () => {
    const run = await deploy(ws);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const lines = run.stdout
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.trim());
    expect(lines).toEqual(ORDER.map((o) => `${o} created`));
    const applies = ws.server.requests.filter((r) => r.method === 'PATCH' && !r.dryRun);
    expect(applies.map((r) => r.path)).toEqual([
      `/api/v1/namespaces/${NS}`,
      `/api/v1/namespaces/${NS}/configmaps/chs-apparmor-profiles`,
      `/api/v1/namespaces/${NS}/configmaps/chs-profile-loader`,
      `/api/v1/namespaces/${NS}/configmaps/chs-seccomp-profiles`,
      '/api/v1/namespaces/falco/configmaps/chs-falco-rules',
      `/apis/apps/v1/namespaces/${NS}/daemonsets/chs-profile-loader`,
    ]);
    expect(
      applies.every(
        (r) =>
          r.contentType === 'application/apply-patch+yaml' &&
          r.query.fieldManager === 'container-host-security',
      ),
    ).toBe(true);
    const ds = ws.server.get('apps/v1', 'DaemonSet', 'chs-profile-loader', NS) as Record<string, any>;
    expect(ds.metadata.labels).toMatchObject({
      'app.kubernetes.io/managed-by': 'container-host-security',
      'container-host-security/target': 'production',
    });
    expect(ds.metadata.labels['container-host-security/content-hash']).toMatch(/^[0-9a-f]{20}$/);
    expect(ds.metadata.managedFields[0].manager).toBe('container-host-security');
  });

  it('a second apply writes nothing', async () => {
    expect((await deploy(ws)).code).toBe(0);
    const writes = ws.server.writes;
    const requests = realWrites();
    const run = await deploy(ws);
    expect(run.code).toBe(0);
    expect(ws.server.writes).toBe(writes);
    expect(realWrites()).toBe(requests);
    expect(
      run.stdout
        .trim()
        .split('\n')
        .slice(1)
        .map((l) => l.trim()),
    ).toEqual(ORDER.map((o) => `${o} unchanged`));
  });

  it('a changed policy updates only what changed', async () => {
    expect((await deploy(ws)).code).toBe(0);
    const before = {
      apparmor: rv('v1', 'ConfigMap', 'chs-apparmor-profiles', NS),
      seccomp: rv('v1', 'ConfigMap', 'chs-seccomp-profiles', NS),
      loader: rv('apps/v1', 'DaemonSet', 'chs-profile-loader', NS),
      falco: rv('v1', 'ConfigMap', 'chs-falco-rules', 'falco'),
    };
    appendFileSync(
      join(ws.repo, 'policies/falco/shell.yaml'),
      '\n- macro: spawned_in_shop\n  condition: k8s.ns.name = shop\n',
    );
    const run = await deploy(ws);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('configmap/chs-falco-rules (namespace falco) configured');
    expect(run.stdout.match(/configured/g)).toHaveLength(1);
    expect(rv('v1', 'ConfigMap', 'chs-falco-rules', 'falco')).not.toBe(before.falco);
    expect(rv('v1', 'ConfigMap', 'chs-apparmor-profiles', NS)).toBe(before.apparmor);
    expect(rv('v1', 'ConfigMap', 'chs-seccomp-profiles', NS)).toBe(before.seccomp);
    expect(rv('apps/v1', 'DaemonSet', 'chs-profile-loader', NS)).toBe(before.loader);
    const data = (
      ws.server.get('v1', 'ConfigMap', 'chs-falco-rules', 'falco') as { data: Record<string, string> }
    ).data;
    expect(data['00-shell.yaml']).toContain('spawned_in_shop');

    // A profile change rolls the loader (its pod template carries the profiles' hash).
    appendFileSync(
      join(ws.repo, 'policies/apparmor/k8s-nginx'),
      '\nprofile k8s-redis {\n  network inet tcp,\n}\n',
    );
    const second = await deploy(ws);
    expect(second.stdout).toContain(`configmap/chs-apparmor-profiles (namespace ${NS}) configured`);
    expect(second.stdout).toContain(`daemonset/chs-profile-loader (namespace ${NS}) configured`);
    expect(second.stdout.match(/configured/g)).toHaveLength(2);
    expect(
      (ws.server.get('apps/v1', 'DaemonSet', 'chs-profile-loader', NS) as Record<string, any>).metadata
        .generation,
    ).toBe(2);
  });

  it('--prune removes only our objects of this target that are no longer wanted', async () => {
    expect((await deploy(ws)).code).toBe(0);
    ws.server.seed({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'someone-elses', namespace: NS },
      data: { a: 'b' },
    });
    ws.server.seed({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: 'chs-staging-rules',
        namespace: 'falco',
        labels: {
          'app.kubernetes.io/managed-by': 'container-host-security',
          'container-host-security/target': 'staging',
        },
      },
    });
    rmSync(join(ws.repo, 'policies/seccomp'), { recursive: true });
    const withoutPrune = await deploy(ws);
    expect(withoutPrune.code).toBe(0);
    expect(ws.server.get('v1', 'ConfigMap', 'chs-seccomp-profiles', NS)).toBeDefined();

    const dry = await deploy(ws, { prune: true, dryRun: true });
    expect(dry.stdout).toContain(`configmap/chs-seccomp-profiles (namespace ${NS}) would be pruned`);
    expect(ws.server.get('v1', 'ConfigMap', 'chs-seccomp-profiles', NS)).toBeDefined();

    const run = await deploy(ws, { prune: true });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`configmap/chs-seccomp-profiles (namespace ${NS}) pruned`);
    expect(run.stdout.match(/pruned/g)).toHaveLength(1);
    expect(ws.server.get('v1', 'ConfigMap', 'chs-seccomp-profiles', NS)).toBeUndefined();
    expect(ws.server.get('v1', 'ConfigMap', 'someone-elses', NS)).toBeDefined();
    expect(ws.server.get('v1', 'ConfigMap', 'chs-staging-rules', 'falco')).toBeDefined();
    expect(ws.server.get('v1', 'ConfigMap', 'chs-apparmor-profiles', NS)).toBeDefined();

    // Without profiles the loader goes, last applied first; the namespace (and what else it holds) stays.
    rmSync(join(ws.repo, 'policies/apparmor'), { recursive: true });
    const last = await deploy(ws, { prune: true });
    expect(last.code).toBe(0);
    expect(
      last.stdout
        .trim()
        .split('\n')
        .slice(1)
        .map((l) => l.trim()),
    ).toEqual([
      'configmap/chs-falco-rules (namespace falco) unchanged',
      `daemonset/chs-profile-loader (namespace ${NS}) pruned`,
      `configmap/chs-apparmor-profiles (namespace ${NS}) pruned`,
      `configmap/chs-profile-loader (namespace ${NS}) pruned`,
    ]);
    expect(ws.server.get('v1', 'Namespace', NS)).toBeDefined();
    expect(ws.server.get('v1', 'ConfigMap', 'someone-elses', NS)).toBeDefined();
    expect((await drift(ws)).code).toBe(0);
  });

  it('reports a 409 conflict with the other field manager, writes nothing, and --force-conflicts takes over', async () => {
    expect((await deploy(ws)).code).toBe(0);
    const k8s = await import('@kubernetes/client-node');
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(ws.kubeconfig);
    const core = kc.makeApiClient(k8s.CoreV1Api);
    // Someone edits the loader script in place (an Update: the field becomes theirs).
    const live = await core.readNamespacedConfigMap({ name: 'chs-profile-loader', namespace: NS });
    live.data = { 'load.sh': '#!/bin/sh\necho tampered\n' };
    await core.replaceNamespacedConfigMap({
      name: 'chs-profile-loader',
      namespace: NS,
      body: live,
      fieldManager: 'kubectl-edit',
    });

    const shown = await drift(ws);
    expect(shown.code).toBe(1);
    expect(shown.stdout).toContain(`changed: configmap/chs-profile-loader (namespace ${NS})`);
    expect(shown.stdout).toContain('+    echo tampered\n');
    expect(shown.stdout).toContain('-    set -u\n');

    const writes = ws.server.writes;
    const refused = await deploy(ws);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      `chs: configmap/chs-profile-loader (namespace ${NS}): field manager "kubectl-edit" owns .data.load.sh, which this deploy would change; pass --force-conflicts to take it over`,
    );
    expect(refused.stderr).toContain('nothing was applied');
    expect(ws.server.writes).toBe(writes);

    const forced = await deploy(ws, { forceConflicts: true });
    expect(forced.code).toBe(0);
    expect(forced.stdout).toContain(`configmap/chs-profile-loader (namespace ${NS}) configured`);
    expect((await drift(ws)).code).toBe(0);
  });
});

describe('chs drift', () => {
  it('finds no drift after a deploy, then missing, changed and extra objects; an apply puts them back', async () => {
    expect((await deploy(ws)).code).toBe(0);
    const clean = await drift(ws);
    expect(clean.code).toBe(0);
    expect(clean.stdout).toBe(`target production (context ${AGENT_CONTEXT}): no drift (6 object(s))\n`);

    const k8s = await import('@kubernetes/client-node');
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(ws.kubeconfig);
    const core = kc.makeApiClient(k8s.CoreV1Api);
    // Someone deletes a key we manage (the field goes, and nobody owns it), and removes an object.
    await core.patchNamespacedConfigMap(
      {
        name: 'chs-seccomp-profiles',
        namespace: NS,
        body: { data: { 'log-all.json': null } },
        fieldManager: 'kubectl-edit',
      },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
    await core.deleteNamespacedConfigMap({ name: 'chs-falco-rules', namespace: 'falco' });
    ws.server.seed({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: 'left-behind',
        namespace: NS,
        labels: {
          'app.kubernetes.io/managed-by': 'container-host-security',
          'container-host-security/target': 'production',
        },
      },
    });
    // Server-set fields (defaults, status, generation) are not drift.
    const json = await drift(ws, { format: 'json' });
    expect(json.code).toBe(1);
    const report = JSON.parse(json.stdout) as {
      drift: boolean;
      targets: {
        missing: { name: string }[];
        changed: { name: string; diff: string }[];
        extra: { name: string }[];
      }[];
    };
    expect(report.drift).toBe(true);
    const [target] = report.targets;
    expect(target?.missing.map((m) => m.name)).toEqual(['chs-falco-rules']);
    expect(target?.changed.map((c) => c.name)).toEqual(['chs-seccomp-profiles']);
    expect(target?.changed[0]?.diff).toContain('-  log-all.json: |');
    expect(target?.changed[0]?.diff).toMatch(
      /^--- configmap\/chs-seccomp-profiles \(namespace container-host-security\) \(repository\)/m,
    );
    expect(target?.extra.map((e) => e.name)).toEqual(['left-behind']);

    const run = await deploy(ws, { prune: true });
    expect(run.code).toBe(0);
    const after = await drift(ws);
    expect(after.stdout).toContain('no drift');
    expect(after.code).toBe(0);
  });
});

describe('a deploy broken off', () => {
  it.each(['reset', '500'] as const)(
    'at the fourth object (%s) exits 1, says what was and was not applied, and a rerun converges',
    async (mode) => {
      ws.server.faults = { breakAfterWrites: ws.server.writes + 3, mode };
      const run = await deploy(ws);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(
        `chs: deploy to target production broken off at ${ORDER[3]}: apply of configmap/chs-seccomp-profiles in namespace ${NS}: `,
      );
      expect(run.stderr).toContain(`chs: applied: ${ORDER.slice(0, 3).join(', ')}\n`);
      expect(run.stderr).toContain(`chs: not applied: ${ORDER.slice(3).join(', ')}\n`);
      expect(
        run.stdout
          .trim()
          .split('\n')
          .slice(1)
          .map((l) => l.trim()),
      ).toEqual(ORDER.slice(0, 3).map((o) => `${o} created`));
      expect(ws.server.get('v1', 'ConfigMap', 'chs-seccomp-profiles', NS)).toBeUndefined();
      expect((await drift(ws)).code).toBe(1);

      ws.server.faults = {};
      const rerun = await deploy(ws);
      expect(rerun.code).toBe(0);
      expect(
        rerun.stdout
          .trim()
          .split('\n')
          .slice(1)
          .map((l) => l.trim()),
      ).toEqual([
        ...ORDER.slice(0, 3).map((o) => `${o} unchanged`),
        ...ORDER.slice(3).map((o) => `${o} created`),
      ]);
      expect((await drift(ws)).code).toBe(0);
    },
  );
});

describe('a silent API server', () => {
  it('does not hang a deploy: the request times out, the deploy stops, and a rerun converges', async () => {
    const saved = process.env.CHS_KUBE_TIMEOUT;
    process.env.CHS_KUBE_TIMEOUT = '3';
    ws.server.faults = { breakAfterWrites: ws.server.writes + 3, mode: 'hang' };
    const run = await deploy(ws).finally(() => {
      if (saved === undefined) delete process.env.CHS_KUBE_TIMEOUT;
      else process.env.CHS_KUBE_TIMEOUT = saved;
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      `broken off at ${ORDER[3]}: apply of configmap/chs-seccomp-profiles in namespace ${NS}: no answer from the API server within 3 s (CHS_KUBE_TIMEOUT)`,
    );
    ws.server.faults = {};
    expect((await deploy(ws)).code).toBe(0);
    expect((await drift(ws)).code).toBe(0);
  });
});

describe('refusals before anything is written', () => {
  it('a missing namespace is a clear error and nothing is written', async () => {
    // Remove the falco namespace the Falco chart would have created.
    const k8s = await import('@kubernetes/client-node');
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(ws.kubeconfig);
    await kc.makeApiClient(k8s.CoreV1Api).deleteNamespace({ name: 'falco' });
    const writes = ws.server.writes;
    const run = await deploy(ws);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      'chs: namespace "falco" does not exist in the cluster (needed by configmap/chs-falco-rules (namespace falco)); create it or change chs.yaml',
    );
    expect(run.stderr).toContain('nothing was applied');
    expect(ws.server.writes).toBe(writes);
  });

  it('a missing CRD is a clear error; once the CRD is there, SeccompProfile objects are applied', async () => {
    writeFileSync(
      join(ws.repo, 'chs.yaml'),
      'version: 1\ntargets:\n  - name: production\n    kubeContext: group/cluster-management:production-agent\n    namespaces: [shop]\n    mode: block\n    delivery: security-profiles-operator\n    operatorVersion: 0.8.4\n',
    );
    const writes = ws.server.writes;
    const run = await deploy(ws);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      "chs: the cluster does not serve SeccompProfile (security-profiles-operator.x-k8s.io/v1beta1), needed by seccompprofile/deny-ptrace (namespace shop), seccompprofile/log-all (namespace shop): install the Security Profiles Operator, set the target's operatorVersion to the version it runs, or set the target's delivery: loader in chs.yaml",
    );
    expect(ws.server.writes).toBe(writes);

    ws.server.installSecurityProfilesOperator('0.8.4');
    const ok = await deploy(ws);
    expect(ok.stderr).not.toContain('refused');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('seccompprofile/deny-ptrace (namespace shop) created');
    const profile = ws.server.get(
      'security-profiles-operator.x-k8s.io/v1beta1',
      'SeccompProfile',
      'deny-ptrace',
      'shop',
    ) as Record<string, any>;
    expect(profile.spec.syscalls[0]).toEqual({
      names: ['ptrace', 'process_vm_readv'],
      action: 'SCMP_ACT_ERRNO',
      errnoRet: 1,
    });
    expect((await drift(ws)).code).toBe(0);
  });

  it('an unknown kube context is a usage error naming the contexts', async () => {
    const run = await deploy(ws, { kubeContext: 'group/cluster-management:productoin-agent' });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /kube context "group\/cluster-management:productoin-agent" is not in .*did you mean "group\/cluster-management:production-agent"/,
    );
  });

  it('a cluster that cannot be reached is an error of the setup (exit 2)', async () => {
    await ws.server.close();
    const run = await deploy(ws);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /^chs: cluster of context "group\/cluster-management:production-agent" \(http:\/\/127\.0\.0\.1:\d+\): discovery of v1: no answer from the API server \(connect ECONNREFUSED 127\.0\.0\.1:\d+\)$/m,
    );
  });
});
