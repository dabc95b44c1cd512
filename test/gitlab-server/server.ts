/**
 * A small GitLab REST API v4 server for the tests: the endpoints the bot, deploy and drift use,
 * answering as GitLab documents them (status codes, bodies, pagination headers), with token
 * scopes, injectable faults and a request log.
 */
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { textOf } from '../../src/core/text.js';

const NOTE_LIMIT = 1_000_000;

export interface User {
  id: number;
  username: string;
  name: string;
}

export interface TokenSpec {
  user: User;
  /** `api` allows everything; `read_api` only reads. */
  scopes: string[];
  /** The token's role is Maintainer or above: it may list the project's CI/CD variables. */
  maintainer?: boolean;
}

/** A project CI/CD variable as GitLab lists it (`hidden`: masked and hidden, its value never shown). */
interface Variable {
  key: string;
  value: string;
  masked: boolean;
  hidden?: boolean;
  protected: boolean;
}

export interface Note {
  id: number;
  body: string;
  author: User;
  created_at: string;
  updated_at: string;
  system: boolean;
  noteable_id: number;
  noteable_iid: number;
  noteable_type: 'MergeRequest';
}

export interface MergeRequest {
  id: number;
  iid: number;
  project_id: number;
  title: string;
  state: 'opened' | 'closed' | 'merged';
  source_branch: string;
  target_branch: string;
  sha: string;
  merge_commit_sha: string | null;
  squash_commit_sha: string | null;
  merged_at: string | null;
  web_url: string;
  /** The MR's commits (not part of GitLab's MR object; used to answer commit -> MR queries). */
  commits: string[];
  approvals_required: number;
  approved_by: User[];
  notes: Note[];
}

interface Issue {
  id: number;
  iid: number;
  project_id: number;
  title: string;
  description: string | null;
  state: 'opened' | 'closed';
  labels: string[];
  created_at: string;
  updated_at: string;
  closed_at: string | null;
  web_url: string;
}

export interface Commit {
  id: string;
  short_id: string;
  title: string;
  message: string;
  parent_ids: string[];
  created_at: string;
  /** The whole tree after this commit: path -> content. */
  tree: Map<string, string>;
}

export interface Project {
  id: number;
  path_with_namespace: string;
  default_branch: string;
  branches: Map<string, string>;
  commits: Map<string, Commit>;
  mergeRequests: Map<number, MergeRequest>;
  issues: Map<number, Issue>;
  variables: Variable[];
}

export interface Fault {
  method?: string;
  /** Matched against the path after /api/v4 (a substring or a regular expression). */
  path?: string | RegExp;
  status: number;
  /** Seconds, sent as Retry-After. */
  retryAfter?: number;
  /** How many requests this fault answers (default 1). */
  times?: number;
  /** Perform the request first, then answer with the fault (a write that landed but failed). */
  afterApply?: boolean;
  /** Close the connection instead of answering (with afterApply: once the write has landed). */
  drop?: boolean;
}

export interface LoggedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  status: number;
  /** The token as received (tests assert it is never echoed elsewhere). */
  token?: string;
  body?: unknown;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(`${status}`);
  }
}

const now = (): string => new Date().toISOString();

export class GitLabServer {
  readonly tokens = new Map<string, TokenSpec>();
  readonly projects = new Map<number, Project>();
  readonly faults: Fault[] = [];
  readonly log: LoggedRequest[] = [];
  url = '';
  private server: Server | undefined;
  private nextId = 1000;

  /** Adds a project with one commit on its default branch holding `files`. */
  addProject(id: number, path: string, files: Record<string, string> = {}, defaultBranch = 'main'): Project {
    const project: Project = {
      id,
      path_with_namespace: path,
      default_branch: defaultBranch,
      branches: new Map(),
      commits: new Map(),
      mergeRequests: new Map(),
      issues: new Map(),
      variables: [],
    };
    const commit = this.makeCommit(new Map(Object.entries(files)), [], 'Initial commit');
    project.commits.set(commit.id, commit);
    project.branches.set(defaultBranch, commit.id);
    this.projects.set(id, project);
    return project;
  }

  addMergeRequest(projectId: number, fields: Partial<MergeRequest> & { iid: number }): MergeRequest {
    const project = this.projectById(projectId);
    const mr: MergeRequest = {
      id: this.nextId++,
      project_id: projectId,
      title: `Merge request !${fields.iid}`,
      state: 'opened',
      source_branch: 'feature',
      target_branch: project.default_branch,
      sha: createHash('sha1').update(`mr${fields.iid}`).digest('hex'),
      merge_commit_sha: null,
      squash_commit_sha: null,
      merged_at: null,
      web_url: `${this.url}/${project.path_with_namespace}/-/merge_requests/${fields.iid}`,
      commits: [],
      approvals_required: 0,
      approved_by: [],
      notes: [],
      ...fields,
    };
    project.mergeRequests.set(mr.iid, mr);
    return mr;
  }

  /** Notes of a merge request that are not system notes. */
  notesOf(projectId: number, iid: number): Note[] {
    return this.projectById(projectId).mergeRequests.get(iid)?.notes ?? [];
  }

  /** The writes (non-GET requests) logged so far. */
  writes(): LoggedRequest[] {
    return this.log.filter((r) => r.method !== 'GET');
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      void this.handle(req, res);
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    this.url = `http://127.0.0.1:${port}`;
    return this.url;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private projectById(id: number): Project {
    const project = this.projects.get(id);
    if (!project) throw new Error(`no project ${id}`);
    return project;
  }

  makeCommit(tree: Map<string, string>, parents: string[], message: string): Commit {
    const id = createHash('sha1')
      .update(`${message}\0${parents.join(',')}\0${this.nextId++}`)
      .digest('hex');
    return {
      id,
      short_id: id.slice(0, 8),
      title: message.split('\n')[0] ?? '',
      message,
      parent_ids: parents,
      created_at: now(),
      tree,
    };
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = req.method ?? 'GET';
    const path = url.pathname.replace(/^\/api\/v4/, '');
    const query = Object.fromEntries(url.searchParams.entries());
    const token = tokenOf(req);
    const entry: LoggedRequest = { method, path, query, status: 0, ...(token ? { token } : {}) };
    this.log.push(entry);
    let status: number;
    let body: unknown;
    let headers: Record<string, string> = {};
    try {
      const raw = await readBody(req);
      const parsed = parseBody(raw, req.headers['content-type']);
      if (parsed !== undefined) entry.body = parsed;
      if (!url.pathname.startsWith('/api/v4/')) throw new HttpError(404, { message: '404 Not Found' });
      const fault = this.takeFault(method, path);
      if (fault?.drop && !fault.afterApply) {
        req.socket.destroy();
        return;
      }
      if (fault && !fault.afterApply) throw faultError(fault);
      const spec = token === undefined ? undefined : this.tokens.get(token);
      if (!spec) throw new HttpError(401, { message: '401 Unauthorized' });
      if (method !== 'GET' && !spec.scopes.includes('api')) {
        throw new HttpError(403, {
          error: 'insufficient_scope',
          error_description: 'The request requires higher privileges than provided by the access token.',
          scope: 'api',
        });
      }
      const result = this.route(method, path, url.searchParams, parsed, spec.user, spec);
      if (fault?.drop) {
        req.socket.destroy();
        return;
      }
      if (fault) throw faultError(fault);
      status = result.status ?? 200;
      body = result.body;
      headers = result.headers ?? {};
    } catch (error) {
      if (!(error instanceof HttpError)) {
        status = 500;
        body = { message: '500 Internal Server Error' };
      } else {
        status = error.status;
        body = error.body;
        headers = error.headers;
      }
    }
    entry.status = status;
    res.statusCode = status;
    for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
    if (status === 204) {
      res.end();
      return;
    }
    if (typeof body === 'string' && String(res.getHeader('content-type') ?? '').startsWith('text/')) {
      res.end(body);
      return;
    }
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(body ?? {}));
  }

  private takeFault(method: string, path: string): Fault | undefined {
    const index = this.faults.findIndex(
      (f) =>
        (f.method === undefined || f.method.toUpperCase() === method) &&
        (f.path === undefined || (typeof f.path === 'string' ? path.includes(f.path) : f.path.test(path))),
    );
    if (index === -1) return undefined;
    const fault = this.faults[index] as Fault;
    const times = (fault.times ?? 1) - 1;
    if (times <= 0) this.faults.splice(index, 1);
    else fault.times = times;
    return fault;
  }

  private findProject(raw: string): Project {
    const decoded = decodeURIComponent(raw);
    const byId = /^\d+$/.test(decoded) ? this.projects.get(Number(decoded)) : undefined;
    const project = byId ?? [...this.projects.values()].find((p) => p.path_with_namespace === decoded);
    if (!project) throw new HttpError(404, { message: '404 Project Not Found' });
    return project;
  }

  private route(
    method: string,
    path: string,
    params: URLSearchParams,
    body: unknown,
    user: User,
    spec?: TokenSpec,
  ): { status?: number; body: unknown; headers?: Record<string, string> } {
    if (method === 'GET' && path === '/user') return { body: user };
    const m = /^\/projects\/([^/]+)(\/.*)?$/.exec(path);
    if (!m) throw new HttpError(404, { message: '404 Not Found' });
    const project = this.findProject(m[1] ?? '');
    const rest = m[2] ?? '';
    const input = (body ?? {}) as Record<string, unknown>;
    let r: RegExpExecArray | null;

    if (method === 'GET' && rest === '')
      return {
        body: {
          id: project.id,
          path_with_namespace: project.path_with_namespace,
          default_branch: project.default_branch,
          web_url: `${this.url}/${project.path_with_namespace}`,
        },
      };

    // Merge requests: listed by branch and state, and opened.
    if (rest === '/merge_requests' && method === 'GET') {
      const state = params.get('state') ?? 'all';
      const source = params.get('source_branch');
      const target = params.get('target_branch');
      const list = [...project.mergeRequests.values()]
        .filter((mr) => state === 'all' || mr.state === state)
        .filter((mr) => source === null || mr.source_branch === source)
        .filter((mr) => target === null || mr.target_branch === target)
        .sort((a, b) => b.id - a.id)
        .map(mergeRequestView);
      return paginate(this.url, `/api/v4/projects/${project.id}/merge_requests`, list, params);
    }
    if (rest === '/merge_requests' && method === 'POST') {
      const source = input.source_branch;
      const target = input.target_branch;
      const title = input.title;
      if (typeof source !== 'string' || typeof target !== 'string' || typeof title !== 'string')
        throw new HttpError(400, {
          message: '400 Bad request - source_branch, target_branch, title are missing',
        });
      const head = project.branches.get(source);
      if (head === undefined || !project.branches.has(target))
        throw new HttpError(404, { message: '404 Branch Not Found' });
      const open = [...project.mergeRequests.values()].find(
        (mr) => mr.state === 'opened' && mr.source_branch === source && mr.target_branch === target,
      );
      if (open)
        throw new HttpError(409, {
          message: [`Another open merge request already exists for this source branch: !${open.iid}`],
        });
      const iid = Math.max(0, ...project.mergeRequests.keys()) + 1;
      const mr = this.addMergeRequest(project.id, {
        iid,
        title,
        source_branch: source,
        target_branch: target,
        sha: head,
        commits: [head],
      });
      if (typeof input.description === 'string')
        (mr as MergeRequest & { description?: string }).description = input.description;
      return { status: 201, body: mergeRequestView(mr) };
    }

    // Merge requests and their notes.
    if ((r = /^\/merge_requests\/(\d+)(\/.*)?$/.exec(rest))) {
      const mr = project.mergeRequests.get(Number(r[1]));
      if (!mr) throw new HttpError(404, { message: '404 Not found' });
      const sub = r[2] ?? '';
      if (method === 'GET' && sub === '') return { body: mergeRequestView(mr) };
      if (method === 'GET' && sub === '/approvals') return { body: approvalsView(mr) };
      if (method === 'GET' && sub === '/approval_state') return { body: approvalStateView(mr) };
      if (sub === '/notes') {
        if (method === 'GET') {
          const sorted = [...mr.notes].sort((a, b) =>
            params.get('sort') === 'asc' ? a.id - b.id : b.id - a.id,
          );
          return paginate(
            this.url,
            `/api/v4/projects/${project.id}/merge_requests/${mr.iid}/notes`,
            sorted,
            params,
          );
        }
        if (method === 'POST') {
          const text = noteBody(input);
          const note: Note = {
            id: this.nextId++,
            body: text,
            author: user,
            created_at: now(),
            updated_at: now(),
            system: false,
            noteable_id: mr.id,
            noteable_iid: mr.iid,
            noteable_type: 'MergeRequest',
          };
          mr.notes.push(note);
          return { status: 201, body: note };
        }
      }
      if ((r = /^\/notes\/(\d+)$/.exec(sub))) {
        const index = mr.notes.findIndex((n) => n.id === Number(r?.[1]));
        const note = mr.notes[index];
        if (!note) throw new HttpError(404, { message: '404 Note Not Found' });
        if (method === 'GET') return { body: note };
        if (method === 'PUT') {
          if (note.author.id !== user.id) throw new HttpError(403, { message: '403 Forbidden' });
          note.body = noteBody(input);
          note.updated_at = now();
          return { body: note };
        }
        if (method === 'DELETE') {
          if (note.author.id !== user.id) throw new HttpError(403, { message: '403 Forbidden' });
          mr.notes.splice(index, 1);
          return { status: 204, body: null };
        }
      }
      throw new HttpError(404, { message: '404 Not Found' });
    }

    // Repository: commits, merge requests of a commit, branches, tree and files.
    if ((r = /^\/repository\/commits\/([^/]+)\/merge_requests$/.exec(rest)) && method === 'GET') {
      const sha = decodeURIComponent(r[1] ?? '');
      if (!project.commits.has(sha) && ![...project.mergeRequests.values()].some((mr) => mrHas(mr, sha)))
        throw new HttpError(404, { message: '404 Commit Not Found' });
      const list = [...project.mergeRequests.values()].filter((mr) => mrHas(mr, sha)).map(mergeRequestView);
      return { body: list };
    }
    if ((r = /^\/repository\/commits\/([^/]+)$/.exec(rest)) && method === 'GET') {
      const commit = this.resolveRef(project, decodeURIComponent(r[1] ?? ''));
      if (!commit) throw new HttpError(404, { message: '404 Commit Not Found' });
      return { body: commitView(commit) };
    }
    if (rest === '/repository/commits' && method === 'POST') return this.createCommit(project, input);
    if (rest === '/repository/branches' && method === 'GET') {
      const list = [...project.branches.entries()].map(([name, sha]) => branchView(project, name, sha));
      return paginate(this.url, `/api/v4/projects/${project.id}/repository/branches`, list, params);
    }
    if (rest === '/repository/branches' && method === 'POST') {
      const name = textOf(params.get('branch') ?? input.branch ?? '');
      const ref = textOf(params.get('ref') ?? input.ref ?? '');
      if (!name || !ref) throw new HttpError(400, { message: '400 Bad request - branch, ref are missing' });
      if (project.branches.has(name)) throw new HttpError(400, { message: 'Branch already exists' });
      const commit = this.resolveRef(project, ref);
      if (!commit) throw new HttpError(400, { message: 'Invalid reference name' });
      project.branches.set(name, commit.id);
      return { status: 201, body: branchView(project, name, commit.id) };
    }
    if ((r = /^\/repository\/branches\/(.+)$/.exec(rest)) && method === 'GET') {
      const name = decodeURIComponent(r[1] ?? '');
      const sha = project.branches.get(name);
      if (!sha) throw new HttpError(404, { message: '404 Branch Not Found' });
      return { body: branchView(project, name, sha) };
    }
    if (rest === '/repository/tree' && method === 'GET') {
      const commit = this.resolveRef(project, params.get('ref') ?? project.default_branch);
      if (!commit) throw new HttpError(404, { message: '404 Tree Not Found' });
      const list = treeEntries(commit.tree, params.get('path') ?? '', params.get('recursive') === 'true');
      return paginate(this.url, `/api/v4/projects/${project.id}/repository/tree`, list, params);
    }
    if ((r = /^\/repository\/files\/([^/]+)(\/raw)?$/.exec(rest)) && method === 'GET') {
      const filePath = decodeURIComponent(r[1] ?? '');
      const ref = params.get('ref');
      if (!ref) throw new HttpError(400, { error: 'ref is missing' });
      const commit = this.resolveRef(project, ref);
      const content = commit?.tree.get(filePath);
      if (!commit || content === undefined) throw new HttpError(404, { message: '404 File Not Found' });
      if (r[2]) return { body: content, headers: { 'content-type': 'text/plain; charset=utf-8' } };
      return {
        body: {
          file_name: filePath.split('/').pop(),
          file_path: filePath,
          size: Buffer.byteLength(content),
          encoding: 'base64',
          content: Buffer.from(content).toString('base64'),
          content_sha256: createHash('sha256').update(content).digest('hex'),
          ref,
          commit_id: commit.id,
          last_commit_id: commit.id,
        },
      };
    }

    // CI/CD variables: Maintainers only; a hidden variable's value is never returned.
    if (rest === '/variables' && method === 'GET') {
      if (!spec?.maintainer) throw new HttpError(403, { message: '403 Forbidden' });
      const list = project.variables.map((v) => ({
        variable_type: 'env_var',
        key: v.key,
        value: v.hidden ? null : v.value,
        protected: v.protected,
        masked: v.masked,
        hidden: v.hidden ?? false,
        raw: false,
        environment_scope: '*',
        description: null,
      }));
      return paginate(this.url, `/api/v4/projects/${project.id}/variables`, list, params);
    }

    // Issues.
    if (rest === '/issues' && method === 'GET') {
      const state = params.get('state') ?? 'all';
      const labels = (params.get('labels') ?? '').split(',').filter(Boolean);
      const search = params.get('search');
      const list = [...project.issues.values()]
        .filter((i) => state === 'all' || i.state === state)
        .filter((i) => labels.every((l) => i.labels.includes(l)))
        .filter((i) => !search || i.title.includes(search) || (i.description ?? '').includes(search))
        .sort((a, b) => b.id - a.id);
      return paginate(this.url, `/api/v4/projects/${project.id}/issues`, list, params);
    }
    if (rest === '/issues' && method === 'POST') {
      const title = input.title;
      if (typeof title !== 'string' || title === '')
        throw new HttpError(400, { message: '400 Bad request - title is missing' });
      const description = typeof input.description === 'string' ? input.description : null;
      if (description !== null && description.length > NOTE_LIMIT)
        throw new HttpError(400, {
          message: { description: ['is too long (maximum is 1048576 characters)'] },
        });
      const iid = project.issues.size + 1;
      const issue: Issue = {
        id: this.nextId++,
        iid,
        project_id: project.id,
        title,
        description,
        state: 'opened',
        labels: splitLabels(input.labels),
        created_at: now(),
        updated_at: now(),
        closed_at: null,
        web_url: `${this.url}/${project.path_with_namespace}/-/issues/${iid}`,
      };
      project.issues.set(iid, issue);
      return { status: 201, body: issue };
    }
    if ((r = /^\/issues\/(\d+)$/.exec(rest))) {
      const issue = project.issues.get(Number(r[1]));
      if (!issue) throw new HttpError(404, { message: '404 Not found' });
      if (method === 'GET') return { body: issue };
      if (method === 'PUT') {
        if (typeof input.title === 'string') issue.title = input.title;
        if (typeof input.description === 'string') issue.description = input.description;
        if (input.labels !== undefined) issue.labels = splitLabels(input.labels);
        if (input.state_event === 'close' && issue.state === 'opened') {
          issue.state = 'closed';
          issue.closed_at = now();
        } else if (input.state_event === 'reopen' && issue.state === 'closed') {
          issue.state = 'opened';
          issue.closed_at = null;
        }
        issue.updated_at = now();
        return { body: issue };
      }
    }
    throw new HttpError(404, { message: '404 Not Found' });
  }

  resolveRef(project: Project, ref: string): Commit | undefined {
    const sha = project.branches.get(ref) ?? ref;
    return (
      project.commits.get(sha) ??
      [...project.commits.values()].find((c) => sha.length >= 7 && c.id.startsWith(sha))
    );
  }

  private createCommit(project: Project, input: Record<string, unknown>): { status: number; body: unknown } {
    const branch = input.branch;
    const message = input.commit_message;
    if (typeof branch !== 'string' || typeof message !== 'string')
      throw new HttpError(400, { message: '400 Bad request - branch, commit_message are missing' });
    const actions = input.actions;
    if (!Array.isArray(actions))
      throw new HttpError(400, { message: '400 Bad request - actions is missing' });
    let headSha = project.branches.get(branch);
    if (input.force === true && typeof input.start_branch === 'string') headSha = undefined;
    if (headSha === undefined) {
      const start = typeof input.start_branch === 'string' ? input.start_branch : undefined;
      headSha = start === undefined ? undefined : project.branches.get(start);
      if (headSha === undefined)
        throw new HttpError(400, { message: 'You can only create or edit files when you are on a branch' });
    }
    const parent = project.commits.get(headSha) as Commit;
    const tree = new Map(parent.tree);
    for (const raw of actions as Record<string, unknown>[]) {
      const action = raw.action;
      const filePath = raw.file_path;
      if (typeof filePath !== 'string' || filePath === '')
        throw new HttpError(400, { message: '400 Bad request - actions[file_path] is missing' });
      const content =
        raw.encoding === 'base64'
          ? Buffer.from(textOf(raw.content ?? ''), 'base64').toString('utf8')
          : textOf(raw.content ?? '');
      if (action === 'create') {
        if (tree.has(filePath)) throw new HttpError(400, { message: 'A file with this name already exists' });
        tree.set(filePath, content);
      } else if (action === 'update') {
        if (!tree.has(filePath)) throw new HttpError(400, { message: "A file with this name doesn't exist" });
        tree.set(filePath, content);
      } else if (action === 'delete') {
        if (!tree.delete(filePath))
          throw new HttpError(400, { message: "A file with this name doesn't exist" });
      } else if (action === 'move') {
        const previous = raw.previous_path;
        if (typeof previous !== 'string' || !tree.has(previous))
          throw new HttpError(400, { message: "A file with this name doesn't exist" });
        if (tree.has(filePath)) throw new HttpError(400, { message: 'A file with this name already exists' });
        const old = tree.get(previous) as string;
        tree.delete(previous);
        tree.set(filePath, raw.content === undefined || raw.content === null ? old : content);
      } else {
        throw new HttpError(400, {
          message: '400 Bad request - actions[action] does not have a valid value',
        });
      }
    }
    const commit = this.makeCommit(tree, [parent.id], message);
    project.commits.set(commit.id, commit);
    project.branches.set(branch, commit.id);
    return { status: 201, body: commitView(commit) };
  }
}

function faultError(fault: Fault): HttpError {
  const headers: Record<string, string> = {};
  if (fault.retryAfter !== undefined) headers['retry-after'] = String(fault.retryAfter);
  const messages: Record<number, string> = {
    429: 'Retry later',
    500: '500 Internal Server Error',
    502: '502 Bad Gateway',
    503: '503 Service Unavailable',
  };
  return new HttpError(fault.status, { message: messages[fault.status] ?? `${fault.status}` }, headers);
}

function tokenOf(req: IncomingMessage): string | undefined {
  const privateToken = req.headers['private-token'];
  if (typeof privateToken === 'string') return privateToken;
  const auth = req.headers.authorization;
  if (typeof auth === 'string' && auth.startsWith('Bearer ')) return auth.slice('Bearer '.length);
  return undefined;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function parseBody(raw: string, contentType: string | undefined): unknown {
  if (raw === '') return undefined;
  if (contentType?.includes('application/json')) {
    try {
      return JSON.parse(raw) as unknown;
    } catch {
      throw new HttpError(400, { message: '400 Bad request - invalid JSON' });
    }
  }
  return Object.fromEntries(new URLSearchParams(raw).entries());
}

function noteBody(input: Record<string, unknown>): string {
  const body = input.body;
  if (typeof body !== 'string' || body.trim() === '')
    throw new HttpError(400, { message: '400 Bad request - body is missing' });
  // GitLab counts characters, not bytes.
  if ([...body].length > NOTE_LIMIT)
    throw new HttpError(400, {
      message: `400 (Bad request) "Note {:note=>["is too long (maximum is ${NOTE_LIMIT} characters)"]}" not given`,
    });
  return body;
}

function splitLabels(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  if (typeof value === 'string') return value.split(',').filter(Boolean);
  return [];
}

function mrHas(mr: MergeRequest, sha: string): boolean {
  return (
    mr.sha === sha || mr.merge_commit_sha === sha || mr.squash_commit_sha === sha || mr.commits.includes(sha)
  );
}

function mergeRequestView(mr: MergeRequest): Record<string, unknown> {
  const {
    commits: _commits,
    notes: _notes,
    approved_by: _approvedBy,
    approvals_required: _required,
    ...view
  } = mr;
  return view;
}

function approvalsView(mr: MergeRequest): Record<string, unknown> {
  const left = Math.max(0, mr.approvals_required - mr.approved_by.length);
  return {
    id: mr.id,
    iid: mr.iid,
    project_id: mr.project_id,
    title: mr.title,
    state: mr.state,
    approved: left === 0,
    approvals_required: mr.approvals_required,
    approvals_left: left,
    approved_by: mr.approved_by.map((user) => ({ user })),
  };
}

function approvalStateView(mr: MergeRequest): Record<string, unknown> {
  const left = Math.max(0, mr.approvals_required - mr.approved_by.length);
  return {
    approval_rules_overwritten: false,
    rules: [
      {
        id: 1,
        name: 'All Members',
        rule_type: 'any_approver',
        approvals_required: mr.approvals_required,
        approved_by: mr.approved_by,
        approved: left === 0,
      },
    ],
  };
}

function commitView(commit: Commit): Record<string, unknown> {
  const { tree: _tree, ...view } = commit;
  return view;
}

function branchView(project: Project, name: string, sha: string): Record<string, unknown> {
  const commit = project.commits.get(sha);
  return {
    name,
    default: name === project.default_branch,
    protected: name === project.default_branch,
    commit: commit ? commitView(commit) : { id: sha },
  };
}

function treeEntries(
  tree: Map<string, string>,
  prefix: string,
  recursive: boolean,
): Record<string, unknown>[] {
  const base = prefix === '' ? '' : `${prefix.replace(/\/$/, '')}/`;
  const seen = new Set<string>();
  const out: Record<string, unknown>[] = [];
  for (const path of [...tree.keys()].sort()) {
    if (!path.startsWith(base)) continue;
    const parts = path.slice(base.length).split('/');
    const depth = recursive ? parts.length : 1;
    for (let i = 1; i <= depth; i++) {
      const entryPath = base + parts.slice(0, i).join('/');
      if (seen.has(entryPath)) continue;
      seen.add(entryPath);
      const isFile = i === parts.length;
      out.push({
        id: createHash('sha1').update(entryPath).digest('hex'),
        name: parts[i - 1],
        type: isFile ? 'blob' : 'tree',
        path: entryPath,
        mode: isFile ? '100644' : '040000',
      });
    }
  }
  return out;
}

/** GitLab's offset pagination: per_page (default 20, at most 100), page, and its headers. */
function paginate<T>(
  origin: string,
  pathname: string,
  items: readonly T[],
  params: URLSearchParams,
): { body: T[]; headers: Record<string, string> } {
  const perPage = Math.min(100, Math.max(1, Number(params.get('per_page') ?? 20) || 20));
  const page = Math.max(1, Number(params.get('page') ?? 1) || 1);
  const totalPages = Math.max(1, Math.ceil(items.length / perPage));
  const body = items.slice((page - 1) * perPage, page * perPage);
  const link = (p: number): string => {
    const q = new URLSearchParams(params);
    q.set('page', String(p));
    q.set('per_page', String(perPage));
    return `${origin}${pathname}?${q.toString()}`;
  };
  const links = [`<${link(1)}>; rel="first"`, `<${link(totalPages)}>; rel="last"`];
  if (page > 1) links.unshift(`<${link(page - 1)}>; rel="prev"`);
  if (page < totalPages) links.unshift(`<${link(page + 1)}>; rel="next"`);
  return {
    body,
    headers: {
      'x-page': String(page),
      'x-per-page': String(perPage),
      'x-next-page': page < totalPages ? String(page + 1) : '',
      'x-prev-page': page > 1 ? String(page - 1) : '',
      'x-total': String(items.length),
      'x-total-pages': String(totalPages),
      link: links.join(', '),
    },
  };
}
