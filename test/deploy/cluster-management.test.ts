/**
 * chs deploy --via cluster-management-project through @gitbeaker/rest against the test GitLab
 * server: one commit with the application's directory and the root helmfile entry, a merge
 * request, no commit on a rerun without change, and nothing sent to the cluster.
 */
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { load, loadAll } from 'js-yaml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { withHelmfileEntry } from '../../src/render/helmfile.js';
import { CMP_ID, PROJECT_ID, SHA, TEMPLATE_HELMFILE, both, ciEnv, deployIn } from './helpers.js';
import type { Both } from './helpers.js';

const DIR = 'applications/container-host-security';
const BRANCH = 'container-host-security/deploy';

let b: Both;
beforeEach(async () => {
  b = await both();
  b.gitlab.addMergeRequest(PROJECT_ID, {
    iid: 20,
    state: 'merged',
    merge_commit_sha: SHA,
    approvals_required: 1,
    approved_by: [{ id: 3, username: 'alice', name: 'Alice' }],
  });
  configure('');
});
afterEach(async () => {
  await b.dispose();
});

function configure(cmp: string): void {
  writeFileSync(
    join(b.kube.repo, 'chs.yaml'),
    `version: 1\nclusterManagementProject:\n  project: group/cluster-management\n${cmp}targets:\n  - name: production\n    namespaces: [shop]\n`,
  );
}

const cmp = () => b.gitlab.projects.get(CMP_ID)!;
const commits = (): number => cmp().commits.size;
const treeAt = (branch: string): Map<string, string> => cmp().commits.get(cmp().branches.get(branch)!)!.tree;

describe('chs deploy through the cluster management project', () => {
  it('commits the rendered files and the helmfile entry in one commit, opens a merge request, and commits nothing on a rerun', async () => {
    const before = commits();
    const run = await deployIn(b, ciEnv(b.gitlab));
    expect(run.stderr).toContain('chs: approved:');
    expect(run.code).toBe(0);
    expect(commits()).toBe(before + 1);
    const commitCalls = b.gitlab.log.filter(
      (r) => r.method === 'POST' && r.path.endsWith('/repository/commits'),
    );
    expect(commitCalls).toHaveLength(1);
    expect(commitCalls[0]?.path).toBe(
      `/projects/${encodeURIComponent('group/cluster-management')}/repository/commits`,
    );

    const tree = treeAt(BRANCH);
    const ours = [...tree.keys()].filter((p) => p.startsWith(`${DIR}/`)).sort();
    expect(ours).toEqual([
      `${DIR}/chart/Chart.yaml`,
      `${DIR}/chart/manifests.yaml`,
      `${DIR}/chart/templates/manifests.yaml`,
      `${DIR}/falco/values-configmap.yaml`,
      `${DIR}/falco/values.yaml`,
      `${DIR}/helmfile.yaml`,
    ]);
    // The template's commented entries stay; ours is added in their indentation.
    expect(tree.get('helmfile.yaml')).toBe(
      TEMPLATE_HELMFILE.replace('helmfiles:\n', `helmfiles:\n   - path: ${DIR}/helmfile.yaml\n`),
    );
    const helmfile = load(tree.get(`${DIR}/helmfile.yaml`)!) as { releases: Record<string, unknown>[] };
    expect(helmfile.releases.map((r) => [r.name, r.namespace, r.chart])).toEqual([
      ['falco', 'falco', 'falcosecurity/falco'],
      ['container-host-security-production', 'gitlab-managed-apps', './chart'],
    ]);
    expect(helmfile.releases[1]?.needs).toEqual(['falco/falco']);
    const manifests = loadAll(tree.get(`${DIR}/chart/manifests.yaml`)!) as { kind: string }[];
    expect(manifests.map((m) => m.kind)).toEqual([
      'Namespace',
      'ConfigMap',
      'ConfigMap',
      'ConfigMap',
      'ConfigMap',
      'DaemonSet',
    ]);
    expect(tree.get(`${DIR}/chart/templates/manifests.yaml`)).toContain('.Files.Get "manifests.yaml"');

    const mrs = [...cmp().mergeRequests.values()];
    expect(mrs.map((m) => [m.source_branch, m.target_branch, m.state])).toEqual([[BRANCH, 'main', 'opened']]);
    expect(run.stdout).toContain(`committed ${cmp().branches.get(BRANCH)!.slice(0, 12)} to ${BRANCH}`);
    expect(run.stdout).toContain(
      `merge request !1 opened: ${b.gitlab.url}/group/cluster-management/-/merge_requests/1`,
    );
    expect(b.kube.server.requests).toEqual([]);

    const writes = b.gitlab.writes().length;
    const rerun = await deployIn(b, ciEnv(b.gitlab));
    expect(rerun.code).toBe(0);
    expect(commits()).toBe(before + 1);
    expect(b.gitlab.writes()).toHaveLength(writes);
    expect(rerun.stdout).toContain(`nothing to commit: ${DIR} is up to date on ${BRANCH}`);
    expect(rerun.stdout).toContain('merge request !1 open:');
  });

  it('a changed policy is one more commit on the open merge request, with only what changed', async () => {
    expect((await deployIn(b, ciEnv(b.gitlab))).code).toBe(0);
    const before = commits();
    appendFileSync(
      join(b.kube.repo, 'policies/falco/shell.yaml'),
      '\n- list: shop_shells\n  items: [bash]\n',
    );
    const run = await deployIn(b, ciEnv(b.gitlab));
    expect(run.code).toBe(0);
    expect(commits()).toBe(before + 1);
    const call = b.gitlab.log
      .filter((r) => r.method === 'POST' && r.path.endsWith('/repository/commits'))
      .at(-1);
    const actions = (call?.body as { actions: { action: string; file_path: string }[] }).actions;
    expect(actions.map((a) => `${a.action} ${a.file_path}`)).toEqual([
      `update ${DIR}/chart/manifests.yaml`,
      `update ${DIR}/falco/values.yaml`,
    ]);
    expect(cmp().mergeRequests.size).toBe(1);
    expect(treeAt(BRANCH).get(`${DIR}/falco/values.yaml`)).toContain('shop_shells');
  });

  it('commits to the default branch when configured, deletes what is no longer rendered, and a dry run commits nothing', async () => {
    configure('  branch: main\n');
    const before = commits();
    const run = await deployIn(b, ciEnv(b.gitlab));
    expect(run.code).toBe(0);
    expect(commits()).toBe(before + 1);
    expect(cmp().mergeRequests.size).toBe(0);
    expect(treeAt('main').has(`${DIR}/falco/values.yaml`)).toBe(true);

    const { rmSync } = await import('node:fs');
    rmSync(join(b.kube.repo, 'policies/falco'), { recursive: true });
    const dry = await deployIn(b, ciEnv(b.gitlab), { dryRun: true });
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain(`${DIR}/falco/values.yaml would be deleted`);
    expect(commits()).toBe(before + 1);

    const second = await deployIn(b, ciEnv(b.gitlab));
    expect(second.code).toBe(0);
    expect(commits()).toBe(before + 2);
    expect(treeAt('main').has(`${DIR}/falco/values.yaml`)).toBe(false);
    const helmfile = load(treeAt('main').get(`${DIR}/helmfile.yaml`)!) as { releases: { name: string }[] };
    expect(helmfile.releases.map((r) => r.name)).toEqual(['container-host-security-production']);
    expect((await deployIn(b, ciEnv(b.gitlab))).stdout).toContain('nothing to commit');
    expect(commits()).toBe(before + 2);
  });

  it('starts a fresh branch from the default branch once the earlier merge request was merged', async () => {
    expect((await deployIn(b, ciEnv(b.gitlab))).code).toBe(0);
    // The merge request is merged (the branch stays behind), then the policies change again.
    const project = cmp();
    const mr = project.mergeRequests.get(1)!;
    project.branches.set('main', project.branches.get(BRANCH)!);
    mr.state = 'merged';
    // Someone else's change lands on main after the merge: the old branch is now behind.
    const merged = project.commits.get(project.branches.get('main')!)!;
    const other = b.gitlab.makeCommit(
      new Map([...merged.tree, ['applications/ingress/helmfile.yaml', 'releases: []\n']]),
      [merged.id],
      'Add ingress',
    );
    project.commits.set(other.id, other);
    project.branches.set('main', other.id);
    appendFileSync(join(b.kube.repo, 'policies/falco/shell.yaml'), '\n- list: more_shells\n  items: [zsh]\n');
    const run = await deployIn(b, ciEnv(b.gitlab));
    expect(run.code).toBe(0);
    expect(project.mergeRequests.size).toBe(2);
    expect(run.stdout).toContain('merge request !2 opened');
    // The branch started afresh from main (one commit on top of it), not from the stale branch.
    const head = project.commits.get(project.branches.get(BRANCH)!)!;
    expect(head.parent_ids).toEqual([other.id]);
    expect(head.tree.get('applications/ingress/helmfile.yaml')).toBe('releases: []\n');
  });

  it('the root helmfile entry: kept, uncommented, added under helmfiles:, or a new file', () => {
    const entry = `- path: ${DIR}/helmfile.yaml`;
    const kept = `helmfiles:\n  ${entry}\n`;
    expect(withHelmfileEntry(kept, DIR)).toBe(kept);
    expect(withHelmfileEntry(`helmfiles:\n#  ${entry}\n  - path: x/helmfile.yaml\n`, DIR)).toBe(
      `helmfiles:\n   ${entry}\n  - path: x/helmfile.yaml\n`,
    );
    expect(withHelmfileEntry('helmDefaults:\n  wait: true\n', `${DIR}/`)).toBe(
      `helmDefaults:\n  wait: true\n\nhelmfiles:\n  ${entry}\n`,
    );
    expect(withHelmfileEntry(undefined, DIR)).toBe(`helmfiles:\n  ${entry}\n`);
  });
});
