/* eslint-disable @typescript-eslint/no-explicit-any -- the tests dig into objects the API server returns */
/**
 * The example repository delivered through the Security Profiles Operator: deployed to the test
 * API server with the operator's CRDs of a version, drift 0 after the deploy, and the paths the
 * operator reports for the installed profiles are the paths chs names everywhere else.
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/core/config.js';
import { seccompLocalhostPaths } from '../../src/core/delivery.js';
import { startKubeServer } from '../kube-server/server.js';
import type { KubeServer } from '../kube-server/server.js';
import { AGENT_CONTEXT, deploy, drift } from './helpers.js';
import type { Workspace } from './helpers.js';

const EXAMPLES = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'examples');
const GROUP = 'security-profiles-operator.x-k8s.io';

const CHS_YAML = (operatorVersion: string): string => `version: 1
mode: monitor
targets:
  - name: production
    kubeContext: ${AGENT_CONTEXT}
    namespaces: [shop, payments]
    mode: block
    delivery: security-profiles-operator
    operatorVersion: "${operatorVersion}"
falco:
  baseline: [falco-baseline/container-macros.yaml]
`;

const spaces: Workspace[] = [];
afterEach(async () => {
  for (const ws of spaces.splice(0)) await ws.dispose();
});

async function examplesWorkspace(operatorVersion: string): Promise<Workspace> {
  const server: KubeServer = await startKubeServer();
  for (const name of ['falco', 'shop', 'payments'])
    server.seed({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }, 'kubectl-create');
  server.installSecurityProfilesOperator(operatorVersion);
  const dir = mkdtempSync(join(tmpdir(), 'chs-spo-'));
  const repo = join(dir, 'repo');
  cpSync(EXAMPLES, repo, { recursive: true });
  writeFileSync(join(repo, 'chs.yaml'), CHS_YAML(operatorVersion));
  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(kubeconfig, server.kubeconfig([AGENT_CONTEXT]));
  const ws = {
    server,
    repo,
    kubeconfig,
    async dispose() {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  spaces.push(ws);
  return ws;
}

describe('delivery through the Security Profiles Operator', () => {
  it.each([
    ['1.0.0', 'v1', undefined],
    ['0.10.1', 'v1beta1', undefined],
    // Before v0.9.0: profiles per namespace, and AppArmorProfile took the profile's text.
    ['0.8.4', 'v1beta1', 'shop'],
  ])(
    'operator %s: the example repository deploys as %s SeccompProfile objects, drift is 0 after, and the operator installs each profile where chs says pods find it',
    async (operatorVersion, version, namespace) => {
      const ws = await examplesWorkspace(operatorVersion);
      const run = await deploy(ws, { target: 'production' });
      const textPolicies = namespace !== undefined;
      if (!textPolicies)
        expect(run.stderr).toContain(
          "chs: note: 2 AppArmor profile(s) stay with the loader on target production: the operator's AppArmorProfile cannot carry them exactly (chs lint says why)",
        );
      expect(run.code).toBe(0);
      const profiles = ws.server.all(`${GROUP}/${version}`, 'SeccompProfile') as Record<string, any>[];
      expect(profiles.map((p) => `${p.metadata.namespace ?? '-'}/${p.metadata.name}`).sort()).toEqual(
        namespace
          ? [
              'payments/audit-high-risk',
              'payments/shop-api',
              'payments/web',
              'shop/audit-high-risk',
              'shop/shop-api',
              'shop/web',
            ]
          : ['-/audit-high-risk', '-/shop-api', '-/web'],
      );
      const apparmor = ws.server.all(`${GROUP}/${version === 'v1' ? 'v1' : 'v1alpha1'}`, 'AppArmorProfile');
      if (textPolicies) {
        // The operator loads the text as written: every profile goes to it, no loader runs.
        expect(
          apparmor.map((p: Record<string, any>) => `${p.metadata.namespace}/${p.metadata.name}`).sort(),
        ).toEqual(['container-host-security/k8s-nginx', 'container-host-security/k8s-report-worker']);
        expect(run.stdout).not.toContain('chs-profile-loader');
      } else {
        // The example's AppArmor profiles use rules the operator's template has no place for: they
        // stay with the loader, which still runs for them (and only them).
        expect(run.stdout).toContain(
          'configmap/chs-apparmor-profiles (namespace container-host-security) created',
        );
        expect(apparmor).toEqual([]);
      }
      expect(run.stdout).not.toContain('chs-seccomp-profiles');

      const after = await drift(ws, { target: 'production' });
      expect(after.stdout).toMatch(/no drift/i);
      expect(after.code).toBe(0);

      // The operator reports where it installed each profile: the path chs's mapping gives.
      ws.server.reconcileSecurityProfilesOperator();
      const { config } = loadConfig(ws.repo, ws.repo);
      const target = config.targets[0]!;
      const expected = ['audit-high-risk', 'shop-api', 'web'].flatMap((name) =>
        seccompLocalhostPaths(config, target, `policies/seccomp/${name}.json`).map((p) => p.path),
      );
      const reported = (ws.server.all(`${GROUP}/${version}`, 'SeccompProfile') as Record<string, any>[]).map(
        (p) => p.status.localhostProfile as string,
      );
      expect(reported.sort()).toEqual(expected.sort());
      // And drift stays 0 once the operator has written its status.
      expect((await drift(ws, { target: 'production' })).code).toBe(0);
    },
  );
  it.each([
    ['1.0.0', 'v1', ['-/shop-api']],
    ['0.8.4', 'v1beta1', ['payments/shop-api', 'shop/shop-api']],
  ])(
    'operator %s: --prune deletes the %s SeccompProfile objects of a removed profile, and only those',
    async (operatorVersion, version, removed) => {
      const ws = await examplesWorkspace(operatorVersion);
      expect((await deploy(ws, { target: 'production' })).code).toBe(0);
      const names = (): string[] =>
        (ws.server.all(`${GROUP}/${version}`, 'SeccompProfile') as Record<string, any>[])
          .map((p) => `${p.metadata.namespace ?? '-'}/${p.metadata.name}`)
          .sort();
      const before = names();
      // Someone else's profile, not labelled as ours, in the same kind: prune leaves it.
      ws.server.seed({
        apiVersion: `${GROUP}/${version}`,
        kind: 'SeccompProfile',
        metadata: version === 'v1' ? { name: 'theirs' } : { name: 'theirs', namespace: 'shop' },
        spec: { defaultAction: 'SCMP_ACT_LOG' },
      });
      rmSync(join(ws.repo, 'policies/seccomp/shop-api.json'));

      const drifted = await drift(ws, { target: 'production' });
      expect(drifted.code).toBe(1);
      expect(drifted.stdout).toContain(`0 missing, 0 changed, ${removed.length} extra`);
      expect(drifted.stdout.match(/extra: seccompprofile\/shop-api/g)).toHaveLength(removed.length);
      const dry = await deploy(ws, { target: 'production', prune: true, dryRun: true });
      expect(dry.code).toBe(0);
      expect(dry.stdout.match(/would be pruned/g)).toHaveLength(removed.length);
      expect(names()).toContain(removed[0]);

      const run = await deploy(ws, { target: 'production', prune: true });
      expect(run.code).toBe(0);
      for (const ref of removed) {
        const [namespace, name] = ref.split('/');
        expect(run.stdout).toContain(
          namespace === '-'
            ? `seccompprofile/${name} pruned`
            : `seccompprofile/${name} (namespace ${namespace}) pruned`,
        );
      }
      expect(run.stdout.match(/pruned/g)).toHaveLength(removed.length);
      const theirs = version === 'v1' ? '-/theirs' : 'shop/theirs';
      expect(names()).toEqual([...before.filter((n) => !removed.includes(n)), theirs].sort());
      expect((await drift(ws, { target: 'production' })).code).toBe(0);
    },
  );
});
