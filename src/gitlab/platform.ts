/**
 * What the bot needs from GitLab, in the project's own terms (danger-js / Renovate keep one such
 * `Platform` interface). `client.ts` implements it over `@gitbeaker/rest`; the sticky note,
 * approvals and drift issue logic only see this interface.
 */
export interface UserRef {
  id: number;
  username: string;
}

export interface NoteRef {
  id: number;
  body: string;
  authorId: number;
  system: boolean;
}

export interface MergeRequestRef {
  iid: number;
  title: string;
  state: string;
  sourceBranch: string;
  targetBranch: string;
  sha: string;
  mergeCommitSha: string | null;
  squashCommitSha: string | null;
  mergedAt: string | null;
  webUrl: string;
}

export interface ApprovalsRef {
  approved: boolean;
  approvalsRequired: number;
  approvalsLeft: number;
  approvedBy: string[];
}

export interface CommitAction {
  action: 'create' | 'update' | 'delete' | 'move';
  filePath: string;
  previousPath?: string;
  content?: string;
}

export interface IssueRef {
  iid: number;
  title: string;
  description: string;
  state: 'opened' | 'closed';
  labels: string[];
  webUrl: string;
}

export interface IssueChange {
  title?: string;
  description?: string;
  labels?: string[];
  stateEvent?: 'close' | 'reopen';
}

export interface ProjectRef {
  id: number;
  pathWithNamespace: string;
  defaultBranch: string;
  webUrl: string;
}

/** One project on one GitLab instance, authenticated. */
export interface Platform {
  readonly projectId: string;
  /** The project itself (its default branch, for commits to another project). */
  project(): Promise<ProjectRef>;
  /** Merge requests by source and target branch and state. */
  mergeRequests(query: {
    sourceBranch?: string;
    targetBranch?: string;
    state?: 'opened' | 'merged' | 'closed' | 'all';
  }): Promise<MergeRequestRef[]>;
  createMergeRequest(mr: {
    sourceBranch: string;
    targetBranch: string;
    title: string;
    description: string;
  }): Promise<MergeRequestRef>;
  currentUser(): Promise<UserRef>;
  mergeRequest(iid: number): Promise<MergeRequestRef>;
  mergeRequestNotes(iid: number): Promise<NoteRef[]>;
  createNote(iid: number, body: string): Promise<NoteRef>;
  editNote(iid: number, noteId: number, body: string): Promise<NoteRef>;
  deleteNote(iid: number, noteId: number): Promise<void>;
  /** Merge requests that contain the commit (or merged it as merge or squash commit). */
  mergeRequestsForCommit(sha: string): Promise<MergeRequestRef[]>;
  approvals(iid: number): Promise<ApprovalsRef>;
  /**
   * One commit with every action; `startBranch` creates `branch` from it when missing, and with
   * `force` replaces an existing `branch` by a commit on top of `startBranch`.
   */
  createCommit(
    branch: string,
    message: string,
    actions: CommitAction[],
    startBranch?: string,
    force?: boolean,
  ): Promise<{ id: string }>;
  /** The commit a branch points to, or undefined when there is no such branch. */
  branchHead(branch: string): Promise<string | undefined>;
  /** File paths below `path` at `ref` (recursive). */
  listFiles(ref: string, path: string): Promise<string[]>;
  /** A file's text at `ref`, or undefined when it does not exist. */
  readFile(ref: string, path: string): Promise<string | undefined>;
  issues(query: {
    labels?: string[];
    search?: string;
    state?: 'opened' | 'closed' | 'all';
  }): Promise<IssueRef[]>;
  createIssue(issue: { title: string; description: string; labels: string[] }): Promise<IssueRef>;
  /**
   * The keys of the project's masked CI/CD variables, or undefined when the token may not list
   * them (it takes the Maintainer role): the values a job cannot otherwise tell are secret.
   */
  maskedVariables(): Promise<string[] | undefined>;
  editIssue(iid: number, change: IssueChange): Promise<IssueRef>;
}
