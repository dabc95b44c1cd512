/**
 * Pod security policies through chs deploy --via apply and chs drift, against the test API
 * server: ValidatingAdmissionPolicy objects and bindings (Warn+Audit in monitor, Deny in block),
 * and Pod Security Admission labels on a namespace that is not ours, owned label by label.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- the tests dig into objects parsed from JSON */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deploy, drift, workspace } from './helpers.js';
import type { Workspace } from './helpers.js';

const VAP = 'admissionregistration.k8s.io/v1';
const LEVEL = `apiVersion: container-host-security/v1
kind: PodSecurity
metadata:
  name: restricted-shop
spec:
  level: restricted
  version: v1.30
  namespaces: [shop]
`;
const CONTROLS = `apiVersion: container-host-security/v1
kind: PodSecurity
metadata:
  name: no-root
spec:
  controls:
    runAsNonRoot: true
    privileged: false
`;

let ws: Workspace;
beforeEach(async () => {
  ws = await workspace();
  // The shop team's own label, set when they created the namespace.
  const shop = ws.server.get('v1', 'Namespace', 'shop') as Record<string, any>;
  ws.server.seed({ ...shop, metadata: { name: 'shop', labels: { team: 'shop' } } }, 'kubectl-create');
  mkdirSync(join(ws.repo, 'policies/pod-security'), { recursive: true });
  writeFileSync(join(ws.repo, 'policies/pod-security/restricted-shop.yaml'), LEVEL);
  writeFileSync(join(ws.repo, 'policies/pod-security/no-root.yaml'), CONTROLS);
});
afterEach(async () => {
  await ws.dispose();
});

const labelsOf = (name: string): Record<string, string> =>
  (ws.server.get('v1', 'Namespace', name) as Record<string, any>).metadata.labels;

describe('pod security through chs deploy --via apply', () => {
  it('applies the admission policy, its binding (Warn+Audit in monitor) and only the labels of a namespace not ours', async () => {
    const run = await deploy(ws);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('namespace/shop configured');
    expect(run.stdout).toContain('validatingadmissionpolicy/chs-no-root created');
    expect(run.stdout).toContain('validatingadmissionpolicybinding/chs-no-root created');
    // The level on a namespace named one by one is labels, not an admission policy.
    expect(ws.server.get(VAP, 'ValidatingAdmissionPolicy', 'chs-restricted-shop')).toBeUndefined();

    const policy = ws.server.get(VAP, 'ValidatingAdmissionPolicy', 'chs-no-root') as Record<string, any>;
    expect(policy.spec.failurePolicy).toBe('Ignore');
    expect(policy.metadata.labels['container-host-security/target']).toBe('production');
    const binding = ws.server.get(VAP, 'ValidatingAdmissionPolicyBinding', 'chs-no-root') as Record<
      string,
      any
    >;
    expect(binding.spec.validationActions).toEqual(['Warn', 'Audit']);
    expect(binding.spec.matchResources.namespaceSelector.matchExpressions).toEqual([
      { key: 'kubernetes.io/metadata.name', operator: 'In', values: ['shop'] },
    ]);

    // The namespace keeps its own labels; ours are the PSA labels, owned by our field manager.
    expect(labelsOf('shop')).toEqual({
      team: 'shop',
      'kubernetes.io/metadata.name': 'shop',
      'pod-security.kubernetes.io/audit': 'restricted',
      'pod-security.kubernetes.io/audit-version': 'v1.30',
      'pod-security.kubernetes.io/warn': 'restricted',
      'pod-security.kubernetes.io/warn-version': 'v1.30',
    });
    expect(labelsOf('shop')['app.kubernetes.io/managed-by']).toBeUndefined();
    const managed = (ws.server.get('v1', 'Namespace', 'shop') as Record<string, any>).metadata
      .managedFields as { manager: string; operation: string; fieldsV1: any }[];
    const ours = managed.find((m) => m.manager === 'container-host-security');
    expect(ours?.operation).toBe('Apply');
    expect(Object.keys(ours?.fieldsV1['f:metadata']['f:labels']).sort()).toEqual([
      'f:pod-security.kubernetes.io/audit',
      'f:pod-security.kubernetes.io/audit-version',
      'f:pod-security.kubernetes.io/warn',
      'f:pod-security.kubernetes.io/warn-version',
    ]);
    expect(
      managed.find((m) => m.manager === 'kubectl-create')?.fieldsV1['f:metadata']['f:labels'],
    ).toHaveProperty('f:team');

    const again = await deploy(ws);
    expect(again.code).toBe(0);
    expect(again.stdout).not.toMatch(/created|configured/);
    expect((await drift(ws)).code).toBe(0);
  });

  it('block mode enforces: Deny in the binding, the enforce label, failurePolicy Fail', async () => {
    writeFileSync(
      join(ws.repo, 'chs.yaml'),
      'version: 1\ntargets:\n  - name: production\n    kubeContext: group/cluster-management:production-agent\n    namespaces: [shop]\n    mode: block\n',
    );
    const run = await deploy(ws);
    expect(run.code).toBe(0);
    const binding = ws.server.get(VAP, 'ValidatingAdmissionPolicyBinding', 'chs-no-root') as Record<
      string,
      any
    >;
    expect(binding.spec.validationActions).toEqual(['Deny']);
    expect(
      (ws.server.get(VAP, 'ValidatingAdmissionPolicy', 'chs-no-root') as Record<string, any>).spec
        .failurePolicy,
    ).toBe('Fail');
    expect(labelsOf('shop')['pod-security.kubernetes.io/enforce']).toBe('restricted');
    expect(labelsOf('shop').team).toBe('shop');
  });

  it('a label someone changed is drift, and an apply puts it back; a removed policy is pruned', async () => {
    expect((await deploy(ws)).code).toBe(0);
    const k8s = await import('@kubernetes/client-node');
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(ws.kubeconfig);
    const core = kc.makeApiClient(k8s.CoreV1Api);
    await core.patchNamespace(
      {
        name: 'shop',
        body: { metadata: { labels: { 'pod-security.kubernetes.io/warn': 'baseline' } } },
        fieldManager: 'kubectl-label',
      },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
    const shown = await drift(ws);
    expect(shown.code).toBe(1);
    expect(shown.stdout).toContain('changed: namespace/shop');
    expect(shown.stdout).toContain('-    pod-security.kubernetes.io/warn: restricted');
    expect(shown.stdout).toContain('+    pod-security.kubernetes.io/warn: baseline');

    const refused = await deploy(ws);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('field manager "kubectl-label" owns');
    const forced = await deploy(ws, { forceConflicts: true });
    expect(forced.code).toBe(0);
    expect(forced.stdout).toContain('namespace/shop configured');
    expect(labelsOf('shop')['pod-security.kubernetes.io/warn']).toBe('restricted');
    expect((await drift(ws)).code).toBe(0);

    writeFileSync(join(ws.repo, 'policies/pod-security/no-root.yaml'), '');
    const pruned = await deploy(ws, { prune: true });
    expect(pruned.code).toBe(0);
    expect(pruned.stdout).toContain('validatingadmissionpolicybinding/chs-no-root pruned');
    expect(pruned.stdout).toContain('validatingadmissionpolicy/chs-no-root pruned');
    expect(ws.server.get(VAP, 'ValidatingAdmissionPolicy', 'chs-no-root')).toBeUndefined();
    expect(ws.server.get('v1', 'Namespace', 'shop')).toBeDefined();
    expect((await drift(ws)).code).toBe(0);
  });
});
