/**
 * The approval gate of `chs deploy`: a deploy runs only from the default branch or a protected
 * tag, and only for a commit that a merged and approved merge request brought to the default
 * branch. "Approved" means GitLab says so and at least one person approved: on GitLab Free, or
 * with no approval rules, GitLab reports every merge request as approved, which would make the
 * gate one that cannot refuse.
 */
import { UserError } from '../core/errors.js';
import { mergeRequestOfCommit } from './merge-request.js';
import type { Platform } from './platform.js';
import type { Env } from './settings.js';

export interface GateVerdict {
  allowed: boolean;
  /** One line: why the deploy may or may not run. */
  reason: string;
}

/** Whether the pipeline's ref may deploy: the default branch, or a protected tag. */
export function refVerdict(env: Env): GateVerdict {
  const branch = env.CI_COMMIT_BRANCH?.trim();
  const tag = env.CI_COMMIT_TAG?.trim();
  const defaultBranch = env.CI_DEFAULT_BRANCH?.trim();
  if (tag) {
    return env.CI_COMMIT_REF_PROTECTED === 'true'
      ? { allowed: true, reason: `protected tag ${tag}` }
      : {
          allowed: false,
          reason: `tag ${tag} is not protected: deploys run only from the default branch or a protected tag`,
        };
  }
  if (!defaultBranch)
    throw new UserError('CI_DEFAULT_BRANCH is not set: chs deploy runs in a GitLab CI/CD job');
  if (branch === defaultBranch) return { allowed: true, reason: `default branch ${defaultBranch}` };
  return {
    allowed: false,
    reason: `${branch ? `branch ${branch}` : 'this pipeline'} is not the default branch (${defaultBranch}): deploys run only from the default branch or a protected tag`,
  };
}

/** The merge request that brought CI_COMMIT_SHA to the default branch must be merged and approved. */
export async function approvalVerdict(platform: Platform, env: Env): Promise<GateVerdict> {
  const sha = env.CI_COMMIT_SHA?.trim();
  const defaultBranch = env.CI_DEFAULT_BRANCH?.trim();
  if (!sha || !defaultBranch)
    throw new UserError(
      'CI_COMMIT_SHA and CI_DEFAULT_BRANCH must be set to check approval: run chs deploy in a GitLab CI/CD job, or pass --require-approval=false',
    );
  const short = sha.slice(0, 12);
  const origin = await mergeRequestOfCommit(platform, sha, defaultBranch);
  const mr = origin.mergeRequest;
  if (!origin.merged || !mr)
    return {
      allowed: false,
      reason: `no merged merge request brought commit ${short} to ${defaultBranch} (a direct push is not approved)`,
    };
  const approvals = origin.approvals;
  const by = approvals?.approvedBy.filter((u) => u !== '') ?? [];
  if (!origin.approved || by.length === 0) {
    const left = approvals?.approvalsLeft ?? 0;
    const missing = left > 0 ? `${left} more approval(s) required` : 'nobody approved it';
    return {
      allowed: false,
      reason: `merge request !${mr.iid} (${mr.title}) brought commit ${short} to ${defaultBranch} but is not approved: ${missing}`,
    };
  }
  return {
    allowed: true,
    reason: `merge request !${mr.iid} (${mr.title}) was merged and approved by ${by.join(', ')}`,
  };
}
