/**
 * The built `chs` command end to end (flags as commander parses them, exit codes, output streams)
 * against the test API server. Needs the build (`npm test` builds first); skipped without it.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { workspace } from './helpers.js';
import type { Workspace } from './helpers.js';
import { WHY, skipping } from '../helpers/skip.js';

const CLI = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'bundle', 'chs.cjs');
const built = existsSync(CLI);
if (!built) skipping('the chs CLI against the test API server', WHY.notBuilt);

/** A CI job's own variables would turn on the deploy's branch check: the commands run as on a workstation. */
function withoutCi(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(env).filter(([k]) => !/^(CI|GITLAB_CI|CI_.*|CHS_GITLAB_TOKEN)$/.test(k)),
  );
}

function chs(cwd: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { cwd, env: { ...withoutCi(process.env), NO_COLOR: '1' }, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 2) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

let ws: Workspace;
beforeEach(async () => {
  ws = await workspace();
});
afterEach(async () => {
  await ws.dispose();
});

describe.skipIf(!built)('chs deploy and drift, the command', () => {
  it('parses the flags, deploys, finds no drift, then drift after a deletion (exit codes 0, 0, 1)', async () => {
    const kc = ['--kubeconfig', ws.kubeconfig];
    const dry = await chs(ws.repo, [
      'deploy',
      '--via',
      'apply',
      '--dry-run',
      '--require-approval=false',
      ...kc,
    ]);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('would be created');
    expect(ws.server.writes).toBe(2);
    const run = await chs(ws.repo, [
      'deploy',
      '--target',
      'production',
      '--prune',
      '--force-conflicts',
      '--require-approval',
      'false',
      ...kc,
    ]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('daemonset/chs-profile-loader (namespace container-host-security) created');
    expect((await chs(ws.repo, ['drift', ...kc])).code).toBe(0);
    const k8s = await import('@kubernetes/client-node');
    const config = new k8s.KubeConfig();
    config.loadFromFile(ws.kubeconfig);
    await config
      .makeApiClient(k8s.CoreV1Api)
      .deleteNamespacedConfigMap({ name: 'chs-falco-rules', namespace: 'falco' });
    const drift = await chs(ws.repo, [
      'drift',
      '--format',
      'json',
      '--kube-context',
      'group/cluster-management:production-agent',
      ...kc,
    ]);
    expect(drift.code).toBe(1);
    expect(JSON.parse(drift.stdout).targets[0].missing).toEqual([
      { apiVersion: 'v1', kind: 'ConfigMap', name: 'chs-falco-rules', namespace: 'falco' },
    ]);
  });

  it('refuses bad flags, and a gate or an issue without a GitLab CI/CD job, with exit 2 and nothing read', async () => {
    const gate = await chs(ws.repo, ['deploy', '--kubeconfig', ws.kubeconfig]);
    expect(gate.code).toBe(2);
    expect(gate.stderr).toContain('the approval gate needs a GitLab CI/CD job');
    expect(gate.stderr).toContain('--require-approval=false');
    expect((await chs(ws.repo, ['deploy', '--require-approval=maybe'])).code).toBe(2);
    expect((await chs(ws.repo, ['deploy', '--via', 'carrier-pigeon'])).code).toBe(2);
    const cmp = await chs(ws.repo, [
      'deploy',
      '--via',
      'cluster-management-project',
      '--require-approval=false',
    ]);
    expect(cmp.code).toBe(2);
    expect(cmp.stderr).toContain('names none: add clusterManagementProject');
    const issue = await chs(ws.repo, ['drift', '--issue', '--kubeconfig', ws.kubeconfig]);
    expect(issue.code).toBe(2);
    expect(issue.stderr).toContain('CI_SERVER_URL and CI_PROJECT_ID are not set');
    expect(ws.server.requests).toEqual([]);
  });
});
