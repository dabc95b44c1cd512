/**
 * The drift issue: one GitLab issue per target, found by a hidden marker and a label, opened
 * when drift appears, edited when it changes, closed when it is gone.
 */
import { GitLabCallError } from './client.js';
import type { IssueRef, Platform } from './platform.js';

const DRIFT_LABEL = 'container-host-security::drift';

export function driftMarker(target: string): string {
  // The target name comes from chs.yaml; keep the comment well formed whatever it holds.
  return `<!-- container-host-security:drift target=${encodeURIComponent(target)} -->`;
}

export interface DriftIssueResult {
  action: 'created' | 'updated' | 'reopened' | 'unchanged' | 'closed' | 'none';
  iid?: number;
  webUrl?: string;
  /** Other open issues with the same marker, closed as duplicates. */
  closedDuplicates: number[];
}

export async function upsertDriftIssue(
  platform: Platform,
  options: { target: string; title: string; body: string; drifted: boolean; label?: string },
): Promise<DriftIssueResult> {
  const label = options.label ?? DRIFT_LABEL;
  const marker = driftMarker(options.target);
  const description = `${marker}\n${options.body.replace(/\r\n/g, '\n')}`;
  const found = (await platform.issues({ labels: [label], state: 'all' }))
    .filter((issue) => issue.description.includes(marker))
    .sort((a, b) => (a.state === b.state ? b.iid - a.iid : a.state === 'opened' ? -1 : 1));
  const [current, ...others] = found;
  const closedDuplicates: number[] = [];
  for (const other of others) {
    if (other.state !== 'opened') continue;
    await platform.editIssue(other.iid, { stateEvent: 'close' });
    closedDuplicates.push(other.iid);
  }
  const result = (action: DriftIssueResult['action'], issue?: IssueRef): DriftIssueResult => ({
    action,
    ...(issue ? { iid: issue.iid, webUrl: issue.webUrl } : {}),
    closedDuplicates,
  });
  if (!options.drifted) {
    if (current?.state !== 'opened') return result('none', current);
    return result('closed', await platform.editIssue(current.iid, { stateEvent: 'close' }));
  }
  if (current === undefined) {
    try {
      return result(
        'created',
        await platform.createIssue({ title: options.title, description, labels: [label] }),
      );
    } catch (error) {
      // A 5xx on POST may hide an issue that landed: look for it before anyone creates another.
      if (!(error instanceof GitLabCallError) || error.status === undefined || error.status < 500)
        throw error;
      const landed = (await platform.issues({ labels: [label], state: 'opened' })).find((issue) =>
        issue.description.includes(marker),
      );
      if (!landed) throw error;
      return result('created', landed);
    }
  }
  const changed = current.description !== description || current.title !== options.title;
  if (current.state === 'closed') {
    return result(
      'reopened',
      await platform.editIssue(current.iid, { stateEvent: 'reopen', title: options.title, description }),
    );
  }
  if (!changed) return result('unchanged', current);
  return result('updated', await platform.editIssue(current.iid, { title: options.title, description }));
}
