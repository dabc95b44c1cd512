/**
 * Deploying through the cluster management project: the application's directory and the root
 * helmfile's entry written by one Commits API call (create, update and delete actions), on the
 * project's default branch or on a branch with a merge request. Nothing is committed when the
 * project already holds the files.
 */
import { directoryActions } from './commit.js';
import type { CommitAction, MergeRequestRef, Platform } from './platform.js';

const ROOT_HELMFILE = 'helmfile.yaml';
const DEFAULT_CMP_BRANCH = 'container-host-security/deploy';

export interface CmpOptions {
  directory: string;
  /** Branch to commit to; default a branch of our own, merged by a merge request. */
  branch?: string;
  /** Open a merge request for the branch (default: when the branch is not the default branch). */
  mergeRequest?: boolean;
  /** Application files, relative to `directory`. */
  files: ReadonlyMap<string, string>;
  /** The root helmfile with our entry, from the one found (undefined: none). */
  rootHelmfile: (existing: string | undefined) => string;
  message: string;
  mergeRequestTitle: string;
  mergeRequestDescription: string;
  /** Work out the actions, commit nothing. */
  dryRun?: boolean;
}

export interface CmpResult {
  project: string;
  branch: string;
  /** The ref the wanted files were compared with. */
  base: string;
  actions: CommitAction[];
  commit?: string;
  mergeRequest?: { iid: number; webUrl: string; opened: boolean };
}

async function readDirectory(
  platform: Platform,
  ref: string,
  directory: string,
): Promise<Map<string, string>> {
  const base = directory.replace(/\/+$/, '');
  const out = new Map<string, string>();
  for (const path of await platform.listFiles(ref, base)) {
    const content = await platform.readFile(ref, path);
    if (content !== undefined)
      out.set(path.startsWith(`${base}/`) ? path.slice(base.length + 1) : path, content);
  }
  return out;
}

export async function deployToClusterManagementProject(
  platform: Platform,
  options: CmpOptions,
): Promise<CmpResult> {
  const project = await platform.project();
  const defaultBranch = project.defaultBranch;
  const branch = options.branch ?? DEFAULT_CMP_BRANCH;
  const onDefault = branch === defaultBranch;
  const wantMr = !onDefault && options.mergeRequest !== false;
  let open: MergeRequestRef | undefined;
  if (wantMr) {
    open = (
      await platform.mergeRequests({ sourceBranch: branch, targetBranch: defaultBranch, state: 'opened' })
    )[0];
  }
  const head = onDefault ? defaultBranch : await platform.branchHead(branch);
  // An open merge request collects further deploys; otherwise a stale branch starts over from
  // the default branch, so that the merge request shows only what this deploy changes.
  const continueBranch = onDefault || (head !== undefined && (open !== undefined || !wantMr));
  const base = continueBranch ? branch : defaultBranch;
  const existing = await readDirectory(platform, base, options.directory);
  const actions = directoryActions(options.directory, existing, options.files);
  const rootBefore = await platform.readFile(base, ROOT_HELMFILE);
  const rootAfter = options.rootHelmfile(rootBefore);
  if (rootAfter !== rootBefore) {
    actions.push({
      action: rootBefore === undefined ? 'create' : 'update',
      filePath: ROOT_HELMFILE,
      content: rootAfter,
    });
  }
  const result: CmpResult = { project: project.pathWithNamespace, branch, base, actions };
  if (open) result.mergeRequest = { iid: open.iid, webUrl: open.webUrl, opened: false };
  if (actions.length === 0 || options.dryRun === true) return result;
  const commit = await platform.createCommit(
    branch,
    options.message,
    actions,
    continueBranch ? undefined : defaultBranch,
    !continueBranch && head !== undefined,
  );
  result.commit = commit.id;
  if (wantMr && !open) {
    const created = await platform.createMergeRequest({
      sourceBranch: branch,
      targetBranch: defaultBranch,
      title: options.mergeRequestTitle,
      description: options.mergeRequestDescription,
    });
    result.mergeRequest = { iid: created.iid, webUrl: created.webUrl, opened: true };
  }
  return result;
}
