/**
 * The deploy and drift jobs exactly as docs/ci-templates.md's snippets include them, run as a runner would
 * with the variables GitLab sets in a default branch pipeline and a schedule, against a copy of
 * examples/, the test GitLab server (approval gate, drift issue) and the test Kubernetes API
 * server (with KUBECONFIG as the GitLab agent provides it). Manual jobs are run as a click would.
 */
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PROJECT_ID, TOKEN, startFixture } from '../gitlab-server/fixture.js';
import type { GitLabServer } from '../gitlab-server/server.js';
import { startKubeServer } from '../kube-server/server.js';
import type { JsonMap } from '../kube-server/fields.js';
import type { KubeServer } from '../kube-server/server.js';
import { Pipeline, declaredArtifacts, missingArtifacts, plan, runJobAsync } from './pipeline.js';
import type { PlannedJob } from './pipeline.js';
import {
  CHS,
  COMMIT,
  ROOT,
  USER_PROJECT,
  instance,
  predefinedVariables,
  docSnippets,
  templatesProject,
  userProject,
} from './support.js';
import type { PipelineKind } from './support.js';

const alice = { id: 3, username: 'alice', name: 'Alice' };
const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Per snippet: the targets its default branch pipeline deploys (its drift job checks them all). */
const SNIPPETS: Record<string, string[]> = {
  component: ['production'],
  project: ['staging', 'production'],
  remote: ['production'],
};
const TARGETS = ['production', 'staging'] as const;
type Target = (typeof TARGETS)[number];

/** One kubeconfig with a context per cluster, as the GitLab agent provides them (`shop/agents:NAME`). */
function agentKubeconfig(clusters: Record<Target, KubeServer>): string {
  const entries = Object.entries(clusters);
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    ...entries.flatMap(([name, server]) => [
      `  - name: ${name}`,
      '    cluster:',
      `      server: ${server.url}`,
      '      insecure-skip-tls-verify: true',
    ]),
    'users:',
    '  - name: agent',
    '    user:',
    '      token: test-token',
    'contexts:',
    ...entries.flatMap(([name]) => [
      `  - name: "shop/agents:${name}"`,
      '    context:',
      `      cluster: ${name}`,
      '      user: agent',
    ]),
    'current-context: "shop/agents:production"',
    '',
  ].join('\n');
}

describe('deploy and drift jobs of the documented snippets against the test GitLab and Kubernetes servers', () => {
  let work: string;
  let bin: string;
  let clusters: Record<Target, KubeServer>;
  let kube: KubeServer;
  let seeded: number;
  let gitlab: GitLabServer;
  let project: string;
  let kubeconfig: string;

  beforeAll(() => {
    if (!existsSync(CHS)) throw new Error(`${CHS} is missing: run npm run build first`);
    work = mkdtempSync(join(tmpdir(), 'chs-ci-deploy-'));
    bin = join(work, 'bin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'chs'), `#!/bin/sh\nexec "${process.execPath}" "${CHS}" "$@"\n`);
    chmodSync(join(bin, 'chs'), 0o755);
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  beforeEach(async () => {
    // Two clusters, production and staging: two targets never share one.
    clusters = { production: await startKubeServer(), staging: await startKubeServer() };
    kube = clusters.production;
    const namespaces: Record<Target, string[]> = {
      production: ['shop', 'payments'],
      staging: ['shop-staging'],
    };
    for (const target of TARGETS) {
      for (const name of namespaces[target])
        clusters[target].seed({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }, 'kubectl-create');
      // Falco itself is installed in its namespace (by the cluster management project) before our rules.
      clusters[target].seed({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'falco' } }, 'helm');
    }
    seeded = kube.writes;
    gitlab = await startFixture();
    project = mkdtempSync(join(work, 'project-'));
    cpSync(join(ROOT, 'examples'), project, { recursive: true });
    // Each target names its agent's context, as a user with two clusters writes chs.yaml.
    const chsYaml = readFileSync(join(project, 'chs.yaml'), 'utf8');
    const withContexts = chsYaml.replace(
      /^(\s*)- name: (production|staging)\n/gm,
      (line, indent: string, name: string) => `${line}${indent}  kubeContext: shop/agents:${name}\n`,
    );
    expect(withContexts.match(/kubeContext/g)).toHaveLength(2);
    writeFileSync(join(project, 'chs.yaml'), withContexts);
    kubeconfig = `${project}.kubeconfig`;
    writeFileSync(kubeconfig, agentKubeconfig(clusters));
  });
  afterEach(async () => {
    await gitlab.close();
    for (const target of TARGETS) await clusters[target].close();
  });

  /** The merge request that brought the pipeline's commit to the default branch. */
  const mergedBy = (approvedBy: (typeof alice)[]) =>
    gitlab.addMergeRequest(PROJECT_ID, {
      iid: 20,
      title: 'Tighten the shell rule',
      state: 'merged',
      source_branch: 'tighten',
      merge_commit_sha: COMMIT,
      approvals_required: 1,
      approved_by: approvedBy,
    });

  function jobs(
    snippet: string,
    kind: PipelineKind,
    gitlabCi = docSnippets().get(snippet) ?? '',
  ): PlannedJob[] {
    const main = userProject(gitlabCi);
    const variables = predefinedVariables(kind, USER_PROJECT, project);
    const loaded = new Pipeline(instance(templatesProject(), main), variables).load(
      main,
      COMMIT,
      '.gitlab-ci.yml',
    );
    if (!loaded.ok) throw new Error(loaded.errors.join('; '));
    const planned = plan(loaded.value, variables, main.files);
    expect(planned.errors).toEqual([]);
    return planned.jobs;
  }

  function job(snippet: string, kind: PipelineKind, name: string): PlannedJob {
    const found = jobs(snippet, kind).find((j) => j.name === name);
    if (!found) throw new Error(`no ${name} job in the ${kind} pipeline of the ${snippet} snippet`);
    return found;
  }

  const run = (kind: PipelineKind, planned: PlannedJob, token = TOKEN) =>
    runJobAsync(
      planned,
      {
        ...predefinedVariables(kind, USER_PROJECT, project),
        CI_SERVER_URL: gitlab.url,
        CI_PROJECT_ID: String(PROJECT_ID),
      },
      { projectDir: project, path: [bin], extra: { KUBECONFIG: kubeconfig, CHS_GITLAB_TOKEN: token } },
    );

  const issues = () => [...(gitlab.projects.get(PROJECT_ID)?.issues.values() ?? [])];
  const clusterWrites = () => kube.requests.filter((r) => WRITE_METHODS.has(r.method) && !r.dryRun);

  for (const [snippet, targets] of Object.entries(SNIPPETS)) {
    it(`${snippet} snippet: an approved merge deploys ${targets.join(' and ')}; a schedule finds no drift, then opens the drift issue once`, async () => {
      mergedBy([alice]);
      for (const target of targets) {
        const deploy = job(snippet, 'default branch', `chs-deploy-${target}`);
        const result = await run('default branch', deploy);
        expect(result.status, result.output).toBe(0);
        expect(result.output).toContain(
          'chs: approved: merge request !20 (Tighten the shell rule) was merged and approved by alice',
        );
        expect(result.output).toMatch(/\x1b\[0Ksection_start:\d+:chs_render\[collapsed=true\]/);
        expect(declaredArtifacts(deploy).length).toBeGreaterThan(0);
        expect(missingArtifacts(deploy, project)).toEqual([]);
        expect(readdirSync(join(project, 'chs-reports', 'rendered'))).toContain(target);
      }
      for (const target of targets) expect(clusters[target as Target].writes).toBeGreaterThan(seeded);

      const drift = job(snippet, 'schedule', 'chs-drift');
      expect(drift.definition.script as string[]).toContain(
        'CHS_ISSUE=""; if [ "true" = "true" ]; then CHS_ISSUE="--issue"; fi',
      );
      const clean = await run('schedule', drift);
      expect(clean.status, clean.output).toBe(0);
      expect(missingArtifacts(drift, project)).toEqual([]);
      expect(issues()).toEqual([]);

      const ours = kube
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
      kube.seed(edited, 'kubectl-edit');
      const name = (edited.metadata as { name: string }).name;

      const drifted = await run('schedule', drift);
      expect(drifted.status, drifted.output).toBe(1);
      expect(drifted.output).toContain(`changed: configmap/${name}`);
      // Only production drifted (staging, where the project snippet deploys too, did not).
      expect(issues().map((i) => i.title)).toEqual([
        'Drift in target production: the cluster differs from the repository',
      ]);
      expect(issues().every((i) => i.state === 'opened' && i.description?.includes(name))).toBe(true);

      // The next schedule finds the same drift: the issue stays as it is, no second one.
      const writes = gitlab.writes().length;
      const again = await run('schedule', drift);
      expect(again.status, again.output).toBe(1);
      expect(again.output).toContain(': unchanged');
      expect(issues()).toHaveLength(1);
      expect(gitlab.writes()).toHaveLength(writes);
      expect(`${clean.output}${drifted.output}${again.output}`).not.toContain(TOKEN);
    });
  }

  it('component snippet: a hand edit opens the drift issue; its next step, taken as written (variable set, deploy job of main retried), restores the cluster and the next check closes the issue', async () => {
    mergedBy([alice]);
    const deployJob = job('component', 'default branch', 'chs-deploy-production');
    expect((await run('default branch', deployJob)).status).toBe(0);

    // Someone edits the Falco rules in place (an Update: the field becomes kubectl-edit's).
    const k8s = await import('@kubernetes/client-node');
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(kubeconfig);
    kc.setCurrentContext('shop/agents:production');
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const name = (
      kube.all('v1', 'ConfigMap').find((o) => (o.metadata as { namespace?: string }).namespace === 'falco')
        ?.metadata as { name: string }
    ).name;
    const live = await core.readNamespacedConfigMap({ name, namespace: 'falco' });
    const key = Object.keys(live.data ?? {})[0] as string;
    live.data = { ...live.data, [key]: '# emptied by hand\n' };
    await core.replaceNamespacedConfigMap({
      name,
      namespace: 'falco',
      body: live,
      fieldManager: 'kubectl-edit',
    });

    const drift = job('component', 'schedule', 'chs-drift');
    const withCi = (planned: PlannedJob) => ({
      ...predefinedVariables('schedule', USER_PROJECT, project),
      CI_SERVER_URL: gitlab.url,
      CI_PROJECT_ID: String(PROJECT_ID),
      CI_PROJECT_URL: `https://gitlab.example.com/${USER_PROJECT}`,
      CI_JOB_NAME: planned.name,
    });
    const runDrift = () =>
      runJobAsync(drift, withCi(drift), {
        projectDir: project,
        path: [bin],
        extra: { KUBECONFIG: kubeconfig, CHS_GITLAB_TOKEN: TOKEN },
      });
    const drifted = await runDrift();
    expect(drifted.status, drifted.output).toBe(1);
    expect(drifted.output).toContain(
      `changed: configmap/${name} (namespace falco) (changed by kubectl-edit)`,
    );
    const [issue] = issues();
    const body = issue?.description ?? '';
    expect(body).toContain('Falco loads rules that differ from the repository');
    expect(body).toContain('Changed by `kubectl-edit`');
    expect(body).toMatch(/<details><summary>Diff of <code>configmap\//);

    // The step as written: the variable to set, the job to retry and the branch of its pipeline.
    const step =
      /Set the CI\/CD variable `(\w+)` to `([^`]+)` \(Settings → CI\/CD → Variables\), retry the job `([^`]+)` of \[the latest pipeline on `([^`]+)`\]\(([^)\s]+)\)/.exec(
        body,
      );
    expect(step, body).not.toBeNull();
    const [, variable, value, jobName, branch, href] = step as unknown as [
      string,
      string,
      string,
      string,
      string,
      string,
    ];
    expect(new URL(href).pathname).toBe(`/${USER_PROJECT}/-/pipelines`);
    expect(new URL(href).searchParams.get('ref')).toBe(branch);
    expect(branch).toBe('main');
    const variables = { [variable]: value };
    expect(variables).toEqual({ CHS_FORCE_CONFLICTS: 'true' });
    // The latest pipeline on main is a push pipeline; its job, retried, gets the project's variables as they are now.
    const push = predefinedVariables('default branch', USER_PROJECT, project);
    const main = userProject(docSnippets().get('component') ?? '');
    const loaded = new Pipeline(instance(templatesProject(), main), push).load(
      main,
      COMMIT,
      '.gitlab-ci.yml',
    );
    if (!loaded.ok) throw new Error(loaded.errors.join('; '));
    const planned = plan(loaded.value, push, main.files).jobs.find((j) => j.name === jobName);
    expect(planned, `no job ${jobName} in the pipeline of main`).toBeDefined();
    const pipelineRun = (extra: Record<string, string>) =>
      runJobAsync(
        planned as PlannedJob,
        { ...push, CI_SERVER_URL: gitlab.url, CI_PROJECT_ID: String(PROJECT_ID) },
        {
          projectDir: project,
          path: [bin],
          extra: { KUBECONFIG: kubeconfig, CHS_GITLAB_TOKEN: TOKEN, ...extra },
        },
      );
    // Without the variable the deploy refuses, as the issue says.
    const refused = await pipelineRun({});
    expect(refused.status, refused.output).toBe(1);
    expect(refused.output).toContain('field manager "kubectl-edit" owns');
    const restored = await pipelineRun(variables);
    expect(restored.status, restored.output).toBe(0);
    expect(restored.output).toContain(`configmap/${name} (namespace falco) configured`);

    const clean = await runDrift();
    expect(clean.status, clean.output).toBe(0);
    expect(issues().map((i) => i.state)).toEqual(['closed']);
  }, 240_000); // six job runs, each a cold start of chs on a shared machine

  it('component snippet: a merge nobody approved is refused with exit 1, and nothing is written to the cluster', async () => {
    mergedBy([]);
    const deploy = job('component', 'default branch', 'chs-deploy-production');
    const result = await run('default branch', deploy);
    expect(result.status, result.output).toBe(1);
    expect(result.output).toContain(
      `chs: not approved: merge request !20 (Tighten the shell rule) brought commit ${COMMIT.slice(0, 12)} to main but is not approved`,
    );
    expect(clusterWrites()).toEqual([]);
    expect(kube.writes).toBe(seeded);
    // The rendered objects are kept all the same (artifacts: when: always), for the reviewer.
    expect(missingArtifacts(deploy, project)).toEqual([]);
  });

  it('component snippet: a direct push to the default branch (no merge request) is refused too', async () => {
    gitlab.projects.get(PROJECT_ID)?.commits.set(COMMIT, {
      id: COMMIT,
      short_id: COMMIT.slice(0, 8),
      title: 'Pushed straight to main',
      message: 'Pushed straight to main\n',
      parent_ids: [],
      created_at: new Date().toISOString(),
      tree: new Map(),
    });
    const deploy = job('component', 'default branch', 'chs-deploy-production');
    const result = await run('default branch', deploy);
    expect(result.status, result.output).toBe(1);
    expect(result.output).toContain('(a direct push is not approved)');
    expect(clusterWrites()).toEqual([]);
  });

  it('all.yml with only the deploy target: the deploy renders its target, drift checks every target, neither exits 2', async () => {
    const gitlabCi = `include:\n  - component: $CI_SERVER_FQDN/tools/container-host-security/all@0.1.0\n    inputs:\n      target: production\n`;
    mergedBy([alice]);
    const deploy = jobs('all', 'default branch', gitlabCi).find((j) => j.name === 'chs-deploy-production');
    if (!deploy) throw new Error('no chs-deploy-production job');
    const deployed = await run('default branch', deploy);
    expect(deployed.status, deployed.output).toBe(0);
    const drift = jobs('all', 'schedule', gitlabCi).find((j) => j.name === 'chs-drift');
    if (!drift) throw new Error('no chs-drift job');
    const checked = await run('schedule', drift);
    // production is as deployed; staging never got the policies: drift (1), not a configuration error (2).
    expect(checked.status, checked.output).toBe(1);
    expect(checked.output).toContain('target production (context shop/agents:production): no drift');
    expect(checked.output).toMatch(/target staging \(context shop\/agents:staging\): drift: \d+ missing/);
    expect(checked.output).not.toContain('no target "default"');
  });

  it('all.yml with no inputs on a chs.yaml with targets: the deploy says which input names the target (exit 2), drift checks every target', async () => {
    const gitlabCi = 'include:\n  - component: $CI_SERVER_FQDN/tools/container-host-security/all@0.1.0\n';
    mergedBy([alice]);
    const deploy = jobs('all', 'default branch', gitlabCi).find((j) => j.name === 'chs-deploy-default');
    if (!deploy) throw new Error('no chs-deploy-default job');
    const refused = await run('default branch', deploy);
    expect(refused.status, refused.output).toBe(2);
    expect(refused.output).toContain(
      'chs: no target "default" in chs.yaml (targets: production, staging): "default" is the one target of a chs.yaml without targets; name one of these with --target (in CI, the deploy template\'s `target` input)',
    );
    expect(clusterWrites()).toEqual([]);
    const drift = jobs('all', 'schedule', gitlabCi).find((j) => j.name === 'chs-drift');
    if (!drift) throw new Error('no chs-drift job');
    const checked = await run('schedule', drift);
    expect(checked.status, checked.output).toBe(1);
    expect(checked.output).toMatch(
      /target production \(context shop\/agents:production\): drift: \d+ missing/,
    );
  });

  const tokenCases: { job: string; kind: PipelineKind; message: string }[] = [
    {
      job: 'chs-drift',
      kind: 'schedule',
      message:
        'chs: CHS_GITLAB_TOKEN is not set: chs drift --issue opens, updates and closes the drift issue with it; add a masked CI/CD variable CHS_GITLAB_TOKEN holding a project access token with the "api" scope and the Reporter role (CI_JOB_TOKEN cannot write issues)',
    },
    {
      job: 'chs-deploy-production',
      kind: 'default branch',
      message:
        'chs: CHS_GITLAB_TOKEN is not set: chs deploy\'s approval gate reads with it who approved the merge request that brought this commit (--require-approval=false deploys without the gate); add a masked CI/CD variable CHS_GITLAB_TOKEN holding a project access token with the "read_api" scope and the Reporter role (CI_JOB_TOKEN cannot read merge request approvals)',
    },
  ];
  for (const c of tokenCases) {
    it(`component snippet, ${c.job} without the token: exit 2, one line saying what the token is for and its scope`, async () => {
      mergedBy([alice]);
      const result = await run(c.kind, job('component', c.kind, c.job), '');
      expect(result.status, result.output).toBe(2);
      expect(result.output).toContain(c.message);
      expect(result.output).not.toContain('merge request notes');
      expect(gitlab.writes()).toEqual([]);
      expect(clusterWrites()).toEqual([]);
    });
  }
});
