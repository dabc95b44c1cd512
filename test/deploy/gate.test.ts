/**
 * The approval gate of chs deploy, through @gitbeaker/rest against the test GitLab server and
 * @kubernetes/client-node against the test API server: an unapproved merge request means a
 * refused deploy and no request to the cluster at all.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PROJECT_ID, SHA, both, ciEnv, deployIn } from './helpers.js';
import type { Both } from './helpers.js';

const alice = { id: 3, username: 'alice', name: 'Alice' };

let b: Both;
beforeEach(async () => {
  b = await both();
});
afterEach(async () => {
  await b.dispose();
});

const mergedBy = (fields: Record<string, unknown>) =>
  b.gitlab.addMergeRequest(PROJECT_ID, {
    iid: 20,
    title: 'Tighten the shell rule',
    state: 'merged',
    source_branch: 'tighten',
    merge_commit_sha: SHA,
    ...fields,
  });

const gitlabWrites = (): number => b.gitlab.writes().length;

describe('the approval gate', () => {
  it('refuses (exit 1) a commit whose merge request is not approved, and sends nothing to the cluster', async () => {
    mergedBy({ approvals_required: 1, approved_by: [] });
    const run = await deployIn(b, ciEnv(b.gitlab));
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      `chs: not approved: merge request !20 (Tighten the shell rule) brought commit ${SHA.slice(0, 12)} to main but is not approved: 1 more approval(s) required\n` +
        'chs: deploy refused: nothing was applied\n',
    );
    expect(run.stdout).toBe('');
    expect(b.kube.server.requests).toEqual([]);
    expect(gitlabWrites()).toBe(0);
  });

  it('refuses a merge request that nobody approved even when no approval is required', async () => {
    mergedBy({ approvals_required: 0, approved_by: [] });
    const run = await deployIn(b, ciEnv(b.gitlab));
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('but is not approved: nobody approved it');
    expect(b.kube.server.requests).toEqual([]);
  });

  it('refuses a commit that no merged merge request brought (a direct push, or a merge request still open)', async () => {
    b.gitlab.addMergeRequest(PROJECT_ID, { iid: 21, state: 'opened', commits: [SHA], approved_by: [alice] });
    const run = await deployIn(b, ciEnv(b.gitlab));
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      `chs: not approved: no merged merge request brought commit ${SHA.slice(0, 12)} to main (a direct push is not approved)`,
    );
    expect(b.kube.server.requests).toEqual([]);
  });

  it('deploys a commit of an approved merge request', async () => {
    mergedBy({ approvals_required: 1, approved_by: [alice] });
    const run = await deployIn(b, ciEnv(b.gitlab));
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(
      'chs: approved: merge request !20 (Tighten the shell rule) was merged and approved by alice\n',
    );
    expect(run.stdout).toContain('daemonset/chs-profile-loader (namespace container-host-security) created');
    expect(b.kube.server.get('v1', 'ConfigMap', 'chs-falco-rules', 'falco')).toBeDefined();
    expect(gitlabWrites()).toBe(0);
  });

  it('deploys only from the default branch or a protected tag', async () => {
    mergedBy({ approvals_required: 1, approved_by: [alice] });
    const branch = await deployIn(b, ciEnv(b.gitlab, { CI_COMMIT_BRANCH: 'tighten' }));
    expect(branch.code).toBe(1);
    expect(branch.stderr).toContain(
      'chs: branch tighten is not the default branch (main): deploys run only from the default branch or a protected tag',
    );
    // Not even --require-approval=false deploys from another branch.
    const off = await deployIn(b, ciEnv(b.gitlab, { CI_COMMIT_BRANCH: 'tighten' }), {
      requireApproval: false,
    });
    expect(off.code).toBe(1);
    const tag = { CI_COMMIT_BRANCH: '', CI_COMMIT_TAG: 'v1.2.0' };
    const unprotected = await deployIn(b, ciEnv(b.gitlab, { ...tag, CI_COMMIT_REF_PROTECTED: 'false' }));
    expect(unprotected.code).toBe(1);
    expect(unprotected.stderr).toContain('tag v1.2.0 is not protected');
    expect(b.kube.server.requests).toEqual([]);
    expect(b.gitlab.log).toEqual([]);

    const protectedTag = await deployIn(b, ciEnv(b.gitlab, { ...tag, CI_COMMIT_REF_PROTECTED: 'true' }));
    expect(protectedTag.code).toBe(0);
    expect(protectedTag.stdout).toContain('created');
  });

  it('--require-approval=false turns the gate off explicitly, and says so', async () => {
    const run = await deployIn(b, ciEnv(b.gitlab), { requireApproval: false });
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(
      'chs: deploying from the default branch main; the approval gate is off (--require-approval=false)',
    );
    expect(b.gitlab.log).toEqual([]);
  });

  it('a token GitLab rejects is an error of the setup (exit 2), and nothing is applied', async () => {
    mergedBy({ approvals_required: 1, approved_by: [alice] });
    const run = await deployIn(b, ciEnv(b.gitlab, { CHS_GITLAB_TOKEN: 'glpat-wrong-0000000000' }));
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('GitLab rejected the token in CHS_GITLAB_TOKEN');
    expect(run.stderr).not.toContain('glpat-wrong');
    expect(b.kube.server.requests).toEqual([]);
  });
});
