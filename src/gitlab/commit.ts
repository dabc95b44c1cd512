/**
 * Writing a directory of another project in one commit (the cluster management project): the
 * create, update and delete actions that make `directory` hold exactly the files wanted.
 */
import type { CommitAction, Platform } from './platform.js';

/** The actions that turn `existing` into `wanted` (paths relative to the directory); sorted. */
export function directoryActions(
  directory: string,
  existing: ReadonlyMap<string, string>,
  wanted: ReadonlyMap<string, string>,
): CommitAction[] {
  const base = directory.replace(/\/+$/, '');
  const full = (path: string): string => (base === '' ? path : `${base}/${path}`);
  const actions: CommitAction[] = [];
  for (const [path, content] of [...wanted].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const before = existing.get(path);
    if (before === undefined) actions.push({ action: 'create', filePath: full(path), content });
    else if (before !== content) actions.push({ action: 'update', filePath: full(path), content });
  }
  for (const path of [...existing.keys()].sort()) {
    if (!wanted.has(path)) actions.push({ action: 'delete', filePath: full(path) });
  }
  return actions;
}

export interface SyncResult {
  /** The new commit, or undefined when the directory already held the files. */
  commit?: string;
  actions: CommitAction[];
}

/** Reads `directory` at `branch` (or `startBranch` when the branch does not exist yet) and commits the difference. */
export async function syncDirectory(
  platform: Platform,
  options: {
    branch: string;
    startBranch?: string;
    directory: string;
    files: ReadonlyMap<string, string>;
    message: string;
  },
): Promise<SyncResult> {
  const head = await platform.branchHead(options.branch);
  const ref = head === undefined ? options.startBranch : options.branch;
  const existing = new Map<string, string>();
  if (ref !== undefined) {
    const prefix = `${options.directory.replace(/\/+$/, '')}/`;
    for (const path of await platform.listFiles(ref, options.directory)) {
      const content = await platform.readFile(ref, path);
      if (content !== undefined)
        existing.set(path.startsWith(prefix) ? path.slice(prefix.length) : path, content);
    }
  }
  const actions = directoryActions(options.directory, existing, options.files);
  if (actions.length === 0) return { actions };
  const commit = await platform.createCommit(
    options.branch,
    options.message,
    actions,
    head === undefined ? options.startBranch : undefined,
  );
  return { commit: commit.id, actions };
}
