/**
 * The deploy and drift jobs, run as a runner would with the variables GitLab sets in a default
 * branch pipeline and a schedule, against a copy of examples/ and the Kubernetes API server of the
 * tests (test/kube-server), with KUBECONFIG as the GitLab agent provides it.
 */
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubeServer } from '../kube-server/server.js';
import type { JsonMap } from '../kube-server/fields.js';
import type { KubeServer } from '../kube-server/server.js';
import { Pipeline, missingArtifacts, plan, runJobAsync } from './pipeline.js';
import type { PlannedJob } from './pipeline.js';
import {
  CHS,
  COMMIT,
  ROOT,
  USER_PROJECT,
  instance,
  predefinedVariables,
  templatesProject,
  userProject,
} from './support.js';
import type { PipelineKind } from './support.js';

// Until the approval gate and the drift issue land (issue 9, GitLab side), the jobs are told to go
// without them; everything else is the templates' own script.
const GITLAB_CI = `include:
  - component: $CI_SERVER_FQDN/tools/container-host-security/deploy@0.1.0
    inputs:
      target: staging
      args: --require-approval=false
  - component: $CI_SERVER_FQDN/tools/container-host-security/drift@0.1.0
    inputs:
      target: staging
      issue: false
`;

describe('deploy and drift jobs against the test Kubernetes API server', () => {
  let server: KubeServer;
  let work: string;
  let bin: string;
  let project: string;
  let kubeconfig: string;

  beforeAll(async () => {
    if (!existsSync(CHS)) throw new Error(`${CHS} is missing: run npm run build first`);
    server = await startKubeServer();
    server.seed(
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop-staging' } },
      'kubectl-create',
    );
    // Falco itself is installed in its namespace (by the cluster management project) before our rules.
    server.seed({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'falco' } }, 'helm');
    work = mkdtempSync(join(tmpdir(), 'chs-ci-deploy-'));
    bin = join(work, 'bin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'chs'), `#!/bin/sh\nexec "${process.execPath}" "${CHS}" "$@"\n`);
    chmodSync(join(bin, 'chs'), 0o755);
    project = join(work, 'project');
    cpSync(join(ROOT, 'examples'), project, { recursive: true });
    kubeconfig = join(work, 'kubeconfig');
    writeFileSync(kubeconfig, server.kubeconfig(['shop/agents:staging']));
  });
  afterAll(async () => {
    await server.close();
    rmSync(work, { recursive: true, force: true });
  });

  function job(kind: PipelineKind, name: string): PlannedJob {
    const main = userProject(GITLAB_CI);
    const variables = predefinedVariables(kind, USER_PROJECT, project);
    const loaded = new Pipeline(instance(templatesProject(), main), variables).load(
      main,
      COMMIT,
      '.gitlab-ci.yml',
    );
    if (!loaded.ok) throw new Error(loaded.errors.join('; '));
    const planned = plan(loaded.value, variables);
    expect(planned.errors).toEqual([]);
    const found = planned.jobs.find((j) => j.name === name);
    if (!found)
      throw new Error(
        `no ${name} job in the ${kind} pipeline: ${planned.jobs.map((j) => j.name).join(', ')}`,
      );
    return found;
  }

  const run = (kind: PipelineKind, planned: PlannedJob) =>
    runJobAsync(planned, predefinedVariables(kind, USER_PROJECT, project), {
      projectDir: project,
      path: [bin],
      extra: { KUBECONFIG: kubeconfig },
    });

  it('the default branch deploys staging, and keeps what it rendered as artifacts', async () => {
    const deploy = job('default branch', 'chs-deploy-staging');
    const result = await run('default branch', deploy);
    expect(result.status, result.output).toBe(0);
    expect(result.output).toMatch(/\x1b\[0Ksection_start:\d+:chs_render\[collapsed=true\]/);
    expect(missingArtifacts(deploy, project)).toEqual([]);
    expect(readdirSync(join(project, 'chs-reports', 'rendered'))).toContain('staging');
    expect(server.writes).toBeGreaterThan(0);
  });

  it('a schedule finds no drift right after the deploy, then finds it when someone edits an object', async () => {
    const drift = job('schedule', 'chs-drift');
    const clean = await run('schedule', drift);
    expect(clean.status, clean.output).toBe(0);

    const ours = server
      .all('v1', 'ConfigMap')
      .filter(
        (object) =>
          (object.metadata as { labels?: Record<string, string> }).labels?.[
            'app.kubernetes.io/managed-by'
          ] === 'container-host-security',
      );
    expect(ours.length).toBeGreaterThan(0);
    const edited = structuredClone(ours[0]) as JsonMap;
    const data = edited.data as Record<string, string>;
    const key = Object.keys(data)[0] as string;
    data[key] = `${data[key]}\n# edited by hand\n`;
    server.seed(edited, 'kubectl-edit');
    const drifted = await run('schedule', drift);
    expect(drifted.status, drifted.output).toBe(1);
    expect(drifted.output).toContain(`changed: configmap/${(edited.metadata as { name: string }).name}`);
  });
});
