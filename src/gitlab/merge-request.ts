/**
 * Where a commit of the default branch came from: the merge request that merged it, and whether
 * that merge request was approved (deploy refuses unapproved changes).
 */
import type { ApprovalsRef, MergeRequestRef, Platform } from './platform.js';

export interface CommitOrigin {
  /** The merge request that brought the commit to the branch, when there is one. */
  mergeRequest?: MergeRequestRef;
  merged: boolean;
  approved: boolean;
  approvals?: ApprovalsRef;
}

/** Prefers the merge request whose merge, squash or head commit is exactly `sha`. */
export async function mergeRequestOfCommit(
  platform: Platform,
  sha: string,
  branch: string,
): Promise<CommitOrigin> {
  const candidates = (await platform.mergeRequestsForCommit(sha)).filter(
    (mr) => mr.state === 'merged' && mr.targetBranch === branch,
  );
  const exact = candidates.find(
    (mr) => mr.mergeCommitSha === sha || mr.squashCommitSha === sha || mr.sha === sha,
  );
  const chosen = exact ?? candidates[0];
  if (!chosen) return { merged: false, approved: false };
  const approvals = await platform.approvals(chosen.iid);
  return { mergeRequest: chosen, merged: true, approved: approvals.approved, approvals };
}
