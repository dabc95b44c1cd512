/**
 * chs drift --issue through @gitbeaker/rest against the test GitLab server and the real kube
 * client against the test API server: the drift issue is opened once, left alone while the drift
 * stays the same, updated when it changes, and closed when it is gone.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deploy } from '../kube/helpers.js';
import { PROJECT_ID, TOKEN, both, driftIn } from './helpers.js';
import type { Both } from './helpers.js';

let b: Both;
beforeEach(async () => {
  b = await both();
});
afterEach(async () => {
  await b.dispose();
});

const env = (): Record<string, string> => ({
  CI_SERVER_URL: b.gitlab.url,
  CI_PROJECT_ID: String(PROJECT_ID),
  CHS_GITLAB_TOKEN: TOKEN,
});
const issues = () => [...b.gitlab.projects.get(PROJECT_ID)!.issues.values()];

async function core() {
  const k8s = await import('@kubernetes/client-node');
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(b.kube.kubeconfig);
  return kc.makeApiClient(k8s.CoreV1Api);
}

describe('chs drift --issue', () => {
  it('opens the issue once, leaves it while the drift stays, updates it when the drift changes, closes it when it goes', async () => {
    expect((await deploy(b.kube)).code).toBe(0);
    const clean = await driftIn(b, env(), { issue: true });
    expect(clean.code).toBe(0);
    expect(clean.stderr).toContain('chs: drift issue of target production: none open\n');
    expect(issues()).toEqual([]);

    const api = await core();
    await api.deleteNamespacedConfigMap({ name: 'chs-falco-rules', namespace: 'falco' });
    const opened = await driftIn(b, env(), { issue: true });
    expect(opened.code).toBe(1);
    expect(issues()).toHaveLength(1);
    const [issue] = issues();
    expect(issue?.state).toBe('opened');
    expect(issue?.labels).toEqual(['container-host-security::drift']);
    expect(issue?.title).toBe('Drift in target production: the cluster differs from the repository');
    expect(issue?.description).toMatch(/^<!-- container-host-security:drift target=production -->\n/);
    expect(issue?.description).toContain('1 missing, 0 changed, 0 extra');
    expect(issue?.description).toContain('- `configmap/chs-falco-rules (namespace falco)`');
    expect(opened.stderr).toContain(
      `chs: drift issue of target production #1 (${b.gitlab.url}/group/policies/-/issues/1): created\n`,
    );

    const writes = b.gitlab.writes().length;
    const same = await driftIn(b, env(), { issue: true });
    expect(same.code).toBe(1);
    expect(same.stderr).toContain('#1');
    expect(same.stderr).toContain(': unchanged\n');
    expect(b.gitlab.writes()).toHaveLength(writes);

    const live = await api.readNamespacedConfigMap({
      name: 'chs-profile-loader',
      namespace: 'container-host-security',
    });
    live.data = { 'load.sh': '#!/bin/sh\necho tampered\n' };
    await api.replaceNamespacedConfigMap({
      name: 'chs-profile-loader',
      namespace: 'container-host-security',
      body: live,
      fieldManager: 'kubectl-edit',
    });
    const changed = await driftIn(b, env(), { issue: true });
    expect(changed.code).toBe(1);
    expect(changed.stderr).toContain(': updated\n');
    expect(issues()).toHaveLength(1);
    expect(issues()[0]?.description).toContain('1 missing, 1 changed, 0 extra');
    expect(issues()[0]?.description).toContain('+    echo tampered');
    expect(issues()[0]?.description).toContain('```diff\n--- configmap/chs-profile-loader');

    expect((await deploy(b.kube, { forceConflicts: true })).code).toBe(0);
    const gone = await driftIn(b, env(), { issue: true });
    expect(gone.code).toBe(0);
    expect(gone.stderr).toContain('#1');
    expect(gone.stderr).toContain(': closed\n');
    expect(issues()).toHaveLength(1);
    expect(issues()[0]?.state).toBe('closed');

    const still = await driftIn(b, env(), { issue: true });
    expect(still.code).toBe(0);
    expect(b.gitlab.writes().filter((w) => w.method === 'PUT')).toHaveLength(2);
  });

  it('without the GitLab variables, fails before it reads the cluster (exit 2)', async () => {
    const run = await driftIn(b, {}, { issue: true });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('CI_SERVER_URL and CI_PROJECT_ID are not set');
    expect(b.kube.server.requests).toEqual([]);
  });
});
