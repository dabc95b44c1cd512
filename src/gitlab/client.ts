/**
 * The one module that imports `@gitbeaker/rest`: a `Platform` for one project, with the bot's
 * own retrying request handler, and every failure turned into one masked line that says what
 * to do.
 */
import type {
  CommitAction as GitLabCommitAction,
  IssueSchema,
  MergeRequestNoteSchema,
  MergeRequestSchema,
} from '@gitbeaker/rest';
import { UserError } from '../core/errors.js';
import { GitLabHttpError, GitLabNetworkError } from './errors.js';
import type {
  ApprovalsRef,
  CommitAction,
  IssueChange,
  IssueRef,
  MergeRequestRef,
  NoteRef,
  Platform,
  ProjectRef,
  UserRef,
} from './platform.js';
import { DEFAULT_RETRY, createRequestHandler } from './request.js';
import type { HandlerHooks, RetryPolicy } from './request.js';
import { mask } from './secrets.js';
import type { GitLabSettings } from './settings.js';

export interface ClientOptions extends HandlerHooks {
  retry?: Partial<RetryPolicy>;
}

/** Opens a client for the project of `settings`; loads `@gitbeaker/rest` on first use. */
export async function openGitLab(settings: GitLabSettings, options: ClientOptions = {}): Promise<Platform> {
  const [{ Gitlab }, { createRequesterFn }] = await Promise.all([
    import('@gitbeaker/rest'),
    import('@gitbeaker/requester-utils'),
  ]);
  const policy: RetryPolicy = { ...DEFAULT_RETRY, ...options.retry };
  const handler = createRequestHandler(policy, options);
  const requesterFn = createRequesterFn(
    (_service, requestOptions) => Promise.resolve(requestOptions),
    handler,
  );
  const api = new Gitlab({ host: settings.url, token: settings.token, requesterFn });
  const project = settings.projectId;
  // Everything the bot writes where others read it goes through here.
  const clean = (text: string): string => mask(text, [settings.token]);
  const guard = async <T>(what: string, call: () => Promise<T>): Promise<T> => {
    try {
      return await call();
    } catch (error) {
      throw gitLabUserError(error, settings, what);
    }
  };

  return {
    projectId: project,
    project: async () => {
      const raw = await guard(`reading project ${project}`, () => api.Projects.show(project));
      return {
        id: Number(raw.id),
        pathWithNamespace: String(raw.path_with_namespace ?? project),
        defaultBranch: String(raw.default_branch ?? 'main'),
        webUrl: String(raw.web_url ?? ''),
      } satisfies ProjectRef;
    },
    mergeRequests: async (query) => {
      const list = await guard('listing merge requests', () =>
        api.MergeRequests.all({
          projectId: project,
          perPage: 100,
          maxPages: 5,
          ...(query.state === undefined || query.state === 'all' ? {} : { state: query.state }),
          ...(query.sourceBranch === undefined ? {} : { sourceBranch: query.sourceBranch }),
          ...(query.targetBranch === undefined ? {} : { targetBranch: query.targetBranch }),
        }),
      );
      return list.map(toMergeRequest);
    },
    createMergeRequest: async (mr) =>
      toMergeRequest(
        await guard(`opening a merge request from ${mr.sourceBranch} to ${mr.targetBranch}`, () =>
          api.MergeRequests.create(project, mr.sourceBranch, mr.targetBranch, clean(mr.title), {
            description: clean(mr.description),
            removeSourceBranch: true,
          }),
        ),
      ),
    currentUser: async () => {
      const user = await guard("reading the token's user", () => api.Users.showCurrentUser());
      return { id: Number(user.id), username: String(user.username) } satisfies UserRef;
    },
    mergeRequest: async (iid) =>
      toMergeRequest(
        await guard(`reading merge request !${iid}`, () => api.MergeRequests.show(project, iid)),
      ),
    mergeRequestNotes: async (iid) => {
      const notes = await guard(`listing the notes of merge request !${iid}`, () =>
        api.MergeRequestNotes.all(project, iid, { perPage: 100, maxPages: 100, sort: 'asc' }),
      );
      return notes.map(toNote);
    },
    createNote: async (iid, body) =>
      toNote(
        await guard(`creating a note on merge request !${iid}`, () =>
          api.MergeRequestNotes.create(project, iid, clean(body)),
        ),
      ),
    editNote: async (iid, noteId, body) =>
      toNote(
        await guard(`editing note ${noteId} of merge request !${iid}`, () =>
          api.MergeRequestNotes.edit(project, iid, noteId, { body: clean(body) }),
        ),
      ),
    deleteNote: async (iid, noteId) => {
      await guard(`deleting note ${noteId} of merge request !${iid}`, () =>
        api.MergeRequestNotes.remove(project, iid, noteId),
      );
    },
    mergeRequestsForCommit: async (sha) => {
      const list = await guard(`finding the merge requests of commit ${sha.slice(0, 12)}`, () =>
        api.Commits.allMergeRequests(project, sha),
      );
      return list.map(toMergeRequest);
    },
    approvals: async (iid) => {
      const raw = await guard(`reading the approvals of merge request !${iid}`, () =>
        api.MergeRequestApprovals.showConfiguration(project, { mergerequestIId: iid }),
      );
      return {
        approved: raw.approved === true,
        approvalsRequired: Number(raw.approvals_required ?? 0),
        approvalsLeft: Number(raw.approvals_left ?? 0),
        approvedBy: (raw.approved_by ?? []).map((entry) => entry.user?.username ?? ''),
      } satisfies ApprovalsRef;
    },
    createCommit: async (branch, message, actions, startBranch, force) => {
      const commit = await guard(`committing ${actions.length} file change(s) to ${branch}`, () =>
        api.Commits.create(project, branch, clean(message), actions.map(toCommitAction), {
          ...(startBranch === undefined ? {} : { startBranch }),
          ...(force === true ? { force: true } : {}),
        }),
      );
      return { id: String(commit.id) };
    },
    branchHead: async (branch) => {
      try {
        const found = await api.Branches.show(project, branch);
        return found.commit?.id ?? '';
      } catch (error) {
        if (error instanceof GitLabHttpError && error.status === 404) return undefined;
        throw gitLabUserError(error, settings, `reading branch ${branch}`);
      }
    },
    listFiles: async (ref, path) => {
      const entries = await guard(`listing ${path || '/'} at ${ref}`, () =>
        api.Repositories.allRepositoryTrees(project, {
          ref,
          path,
          recursive: true,
          perPage: 100,
          maxPages: 100,
          // Offset pagination, GitLab's default for the tree, which gitbeaker's types leave unnamed.
        }),
      ).catch((error: unknown) => {
        if (error instanceof GitLabCallError && error.status === 404) return [];
        throw error;
      });
      return entries.filter((e) => e.type === 'blob').map((e) => String(e.path));
    },
    maskedVariables: async () => {
      try {
        const list = await api.ProjectVariables.all(project, { perPage: 100, maxPages: 20 });
        return list.filter((v) => v.masked === true || v.hidden === true).map((v) => String(v.key));
      } catch (error) {
        // Below Maintainer the list is refused: the names that say secret are all there is.
        if (error instanceof GitLabHttpError && [401, 403, 404].includes(error.status)) return undefined;
        throw gitLabUserError(error, settings, 'listing the CI/CD variables');
      }
    },
    readFile: async (ref, path) => {
      try {
        const raw = await api.RepositoryFiles.showRaw(project, path, ref);
        return typeof raw === 'string' ? raw : await raw.text();
      } catch (error) {
        if (error instanceof GitLabHttpError && error.status === 404) return undefined;
        throw gitLabUserError(error, settings, `reading ${path} at ${ref}`);
      }
    },
    issues: async (query) => {
      const list = await guard('listing issues', () =>
        api.Issues.all({
          projectId: project,
          perPage: 100,
          maxPages: 20,
          ...(query.state === 'all' || query.state === undefined ? {} : { state: query.state }),
          ...(query.labels ? { labels: query.labels.join(',') } : {}),
          ...(query.search ? { search: query.search } : {}),
        }),
      );
      return list.map(toIssue);
    },
    createIssue: async (issue) =>
      toIssue(
        await guard(`creating the issue "${issue.title}"`, () =>
          api.Issues.create(project, clean(issue.title), {
            description: clean(issue.description),
            labels: issue.labels.join(','),
          }),
        ),
      ),
    editIssue: async (iid, change: IssueChange) =>
      toIssue(
        await guard(`editing issue #${iid}`, () =>
          api.Issues.edit(project, iid, {
            ...(change.title === undefined ? {} : { title: clean(change.title) }),
            ...(change.description === undefined ? {} : { description: clean(change.description) }),
            ...(change.labels === undefined ? {} : { labels: change.labels.join(',') }),
            ...(change.stateEvent === undefined ? {} : { stateEvent: change.stateEvent }),
          }),
        ),
      ),
  };
}

/** A failed GitLab call, as the user reads it; `status` lets callers tell 5xx from 4xx. */
export class GitLabCallError extends UserError {
  constructor(
    message: string,
    readonly status: number | undefined,
  ) {
    super(message);
    this.name = 'GitLabCallError';
  }
}

/** A failed GitLab call as one line that names the action, the cause and the remedy. */
function gitLabUserError(error: unknown, settings: GitLabSettings, what: string): GitLabCallError {
  const secrets = [settings.token];
  if (error instanceof GitLabCallError) return error;
  if (error instanceof UserError) return new GitLabCallError(mask(error.message, secrets), undefined);
  const variable = settings.tokenVariable;
  let message: string;
  if (error instanceof GitLabHttpError) {
    const detail = error.description ? `: ${error.description}` : '';
    if (error.status === 401) {
      message = `GitLab rejected the token in ${variable} while ${what} (401 Unauthorized${detail}): set ${variable} to a valid project access token with the "api" scope`;
    } else if (error.status === 403) {
      message = `the token in ${variable} is not allowed to do this while ${what} (403 Forbidden${detail}): it needs the "${error.scope ?? 'api'}" scope and a role that may write to the project (Developer or above)`;
    } else if (error.status === 404) {
      message = `GitLab found nothing while ${what} (404${detail}): check CI_PROJECT_ID (${settings.projectId}), the merge request and that the token's project can see them`;
    } else if (error.status === 429) {
      message = `GitLab is rate limiting the bot (429${detail}) while ${what}; gave up after ${error.attempts} attempt(s): run the job again later or raise the instance's rate limits`;
    } else if (error.attempts > 1) {
      message = `GitLab kept failing while ${what}: ${error.status}${detail}; gave up after ${error.attempts} attempts (try the job again later)`;
    } else {
      message = `GitLab answered ${error.status}${detail} while ${what}`;
    }
  } else if (error instanceof GitLabNetworkError) {
    message = `cannot reach GitLab at ${settings.url} while ${what}: ${error.reason}${error.attempts > 1 ? ` (after ${error.attempts} attempts)` : ''}`;
  } else {
    message = `GitLab call failed while ${what}: ${error instanceof Error ? error.message : String(error)}`;
  }
  return new GitLabCallError(
    mask(message, secrets),
    error instanceof GitLabHttpError ? error.status : undefined,
  );
}

function toNote(raw: MergeRequestNoteSchema): NoteRef {
  return {
    id: Number(raw.id),
    body: raw.body ?? '',
    authorId: Number(raw.author?.id),
    system: raw.system === true,
  };
}

function toMergeRequest(raw: MergeRequestSchema): MergeRequestRef {
  const text = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
  return {
    iid: Number(raw.iid),
    title: String(raw.title ?? ''),
    state: String(raw.state ?? ''),
    sourceBranch: String(raw.source_branch ?? ''),
    targetBranch: String(raw.target_branch ?? ''),
    sha: String(raw.sha ?? ''),
    mergeCommitSha: text(raw.merge_commit_sha),
    squashCommitSha: text(raw.squash_commit_sha),
    mergedAt: text(raw.merged_at),
    webUrl: String(raw.web_url ?? ''),
  };
}

function toIssue(raw: IssueSchema): IssueRef {
  return {
    iid: Number(raw.iid),
    title: String(raw.title ?? ''),
    description: typeof raw.description === 'string' ? raw.description : '',
    state: raw.state === 'closed' ? 'closed' : 'opened',
    labels: Array.isArray(raw.labels)
      ? raw.labels.map((label) => (typeof label === 'string' ? label : label.name))
      : [],
    webUrl: String(raw.web_url ?? ''),
  };
}

function toCommitAction(action: CommitAction): GitLabCommitAction {
  return {
    action: action.action,
    filePath: action.filePath,
    ...(action.previousPath === undefined ? {} : { previousPath: action.previousPath }),
    ...(action.content === undefined ? {} : { content: action.content }),
  };
}
