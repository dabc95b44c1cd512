import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MR_IID, OTHER_TOKEN, PROJECT_ID, READ_TOKEN, TOKEN, startFixture } from './fixture.js';
import type { GitLabServer } from './server.js';

let server: GitLabServer;
beforeEach(async () => {
  server = await startFixture();
});
afterEach(async () => {
  await server.close();
});

async function call(
  method: string,
  path: string,
  options: { token?: string | null; body?: unknown; bearer?: boolean } = {},
): Promise<{ status: number; body: unknown; headers: Headers }> {
  const token = options.token === undefined ? TOKEN : options.token;
  const headers: Record<string, string> = {};
  if (token !== null) {
    if (options.bearer) headers.authorization = `Bearer ${token}`;
    else headers['private-token'] = token;
  }
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${server.url}/api/v4${path}`, {
    method,
    headers,
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  const text = await response.text();
  const type = response.headers.get('content-type') ?? '';
  return {
    status: response.status,
    body: type.includes('json') && text ? (JSON.parse(text) as unknown) : text,
    headers: response.headers,
  };
}

const notes = `/projects/${PROJECT_ID}/merge_requests/${MR_IID}/notes`;

describe('GitLab test server: authentication', () => {
  it('answers 401 without a token or with an unknown one', async () => {
    expect((await call('GET', '/user', { token: null })).status).toBe(401);
    const bad = await call('GET', '/user', { token: 'nope' });
    expect(bad).toMatchObject({ status: 401, body: { message: '401 Unauthorized' } });
  });
  it('accepts PRIVATE-TOKEN and Authorization: Bearer', async () => {
    expect((await call('GET', '/user')).body).toMatchObject({ username: 'chs-bot' });
    expect((await call('GET', '/user', { bearer: true })).body).toMatchObject({ username: 'chs-bot' });
  });
  it('answers 403 insufficient_scope to a read_api token that writes', async () => {
    expect((await call('GET', notes, { token: READ_TOKEN })).status).toBe(200);
    const write = await call('POST', notes, { token: READ_TOKEN, body: { body: 'hi' } });
    expect(write).toMatchObject({ status: 403, body: { error: 'insufficient_scope', scope: 'api' } });
  });
  it('answers 404 for unknown projects, merge requests and routes', async () => {
    expect(await call('GET', '/projects/999/merge_requests/7')).toMatchObject({
      status: 404,
      body: { message: '404 Project Not Found' },
    });
    expect((await call('GET', `/projects/${PROJECT_ID}/merge_requests/99`)).status).toBe(404);
    expect((await call('GET', `/projects/group%2Fpolicies/merge_requests/${MR_IID}`)).status).toBe(200);
    expect((await call('GET', '/nowhere')).status).toBe(404);
  });
});

describe('GitLab test server: notes', () => {
  it('creates, edits and deletes notes; only the author may edit', async () => {
    const created = await call('POST', notes, { body: { body: 'first' } });
    expect(created.status).toBe(201);
    const id = (created.body as { id: number }).id;
    expect((await call('PUT', `${notes}/${id}`, { body: { body: 'second' } })).body).toMatchObject({
      body: 'second',
    });
    expect((await call('PUT', `${notes}/${id}`, { token: OTHER_TOKEN, body: { body: 'x' } })).status).toBe(
      403,
    );
    expect((await call('DELETE', `${notes}/${id}`)).status).toBe(204);
    expect((await call('DELETE', `${notes}/${id}`)).status).toBe(404);
  });
  it('refuses an empty note and one over 1,000,000 characters as GitLab does', async () => {
    expect((await call('POST', notes, { body: { body: '' } })).status).toBe(400);
    const ok = await call('POST', notes, { body: { body: 'é'.repeat(1_000_000) } });
    expect(ok.status).toBe(201);
    const tooLong = await call('POST', notes, { body: { body: 'x'.repeat(1_000_001) } });
    expect(tooLong.status).toBe(400);
    expect(JSON.stringify(tooLong.body)).toContain('is too long (maximum is 1000000 characters)');
  });
  it('paginates with x-page, x-next-page, x-total and Link', async () => {
    for (let i = 0; i < 45; i++) await call('POST', notes, { body: { body: `note ${i}` } });
    const first = await call('GET', `${notes}?per_page=20&sort=asc`);
    expect((first.body as unknown[]).length).toBe(20);
    expect(first.headers.get('x-page')).toBe('1');
    expect(first.headers.get('x-next-page')).toBe('2');
    expect(first.headers.get('x-total')).toBe('45');
    expect(first.headers.get('x-total-pages')).toBe('3');
    expect(first.headers.get('link')).toMatch(/<[^>]+page=2[^>]*>; rel="next"/);
    const last = await call('GET', `${notes}?per_page=20&page=3&sort=asc`);
    expect((last.body as { body: string }[]).map((n) => n.body)).toEqual([
      'note 40',
      'note 41',
      'note 42',
      'note 43',
      'note 44',
    ]);
    expect(last.headers.get('x-next-page')).toBe('');
    expect(last.headers.get('link')).not.toContain('rel="next"');
  });
});

describe('GitLab test server: faults and the request log', () => {
  it('answers planned faults once each, with Retry-After, then serves normally', async () => {
    server.faults.push({ method: 'GET', path: '/user', status: 429, retryAfter: 3 });
    server.faults.push({ path: /notes$/, status: 502, times: 2 });
    const limited = await call('GET', '/user');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('3');
    expect((await call('GET', '/user')).status).toBe(200);
    expect((await call('GET', notes)).status).toBe(502);
    expect((await call('GET', notes)).status).toBe(502);
    expect((await call('GET', notes)).status).toBe(200);
    expect(server.log.map((r) => r.status)).toEqual([429, 200, 502, 502, 200]);
  });
  it('applies a write before answering an afterApply fault', async () => {
    server.faults.push({ method: 'POST', path: '/notes', status: 500, afterApply: true });
    expect((await call('POST', notes, { body: { body: 'landed' } })).status).toBe(500);
    expect(server.notesOf(PROJECT_ID, MR_IID).map((n) => n.body)).toEqual(['landed']);
  });
});

describe('GitLab test server: repository, merge requests and issues', () => {
  it('commits create, update, move and delete actions and serves tree and files', async () => {
    const commit = await call('POST', `/projects/${PROJECT_ID}/repository/commits`, {
      body: {
        branch: 'deploy',
        start_branch: 'main',
        commit_message: 'chs: deploy',
        actions: [
          { action: 'create', file_path: 'apps/chs/a.yaml', content: 'a: 1\n' },
          { action: 'create', file_path: 'apps/chs/b.yaml', content: 'b: 1\n' },
          { action: 'update', file_path: 'README.md', content: '# changed\n' },
        ],
      },
    });
    expect(commit.status).toBe(201);
    const second = await call('POST', `/projects/${PROJECT_ID}/repository/commits`, {
      body: {
        branch: 'deploy',
        commit_message: 'chs: again',
        actions: [
          { action: 'move', previous_path: 'apps/chs/a.yaml', file_path: 'apps/chs/c.yaml' },
          { action: 'delete', file_path: 'apps/chs/b.yaml' },
        ],
      },
    });
    expect((second.body as { parent_ids: string[] }).parent_ids).toEqual([
      (commit.body as { id: string }).id,
    ]);
    const tree = await call(
      'GET',
      `/projects/${PROJECT_ID}/repository/tree?ref=deploy&path=apps&recursive=true`,
    );
    expect((tree.body as { path: string; type: string }[]).map((e) => `${e.type} ${e.path}`)).toEqual([
      'tree apps/chs',
      'blob apps/chs/c.yaml',
    ]);
    const raw = await call(
      'GET',
      `/projects/${PROJECT_ID}/repository/files/apps%2Fchs%2Fc.yaml/raw?ref=deploy`,
    );
    expect(raw.body).toBe('a: 1\n');
    expect((await call('GET', `/projects/${PROJECT_ID}/repository/files/README.md/raw?ref=main`)).body).toBe(
      '# policies\n',
    );
    const bad = await call('POST', `/projects/${PROJECT_ID}/repository/commits`, {
      body: {
        branch: 'deploy',
        commit_message: 'x',
        actions: [{ action: 'create', file_path: 'apps/chs/c.yaml', content: '' }],
      },
    });
    expect(bad).toMatchObject({ status: 400, body: { message: 'A file with this name already exists' } });
    expect(
      (
        await call('POST', `/projects/${PROJECT_ID}/repository/commits`, {
          body: { branch: 'nope', commit_message: 'x', actions: [] },
        })
      ).status,
    ).toBe(400);
  });
  it('finds the merge requests of a commit and reports approvals', async () => {
    server.addMergeRequest(PROJECT_ID, {
      iid: 8,
      state: 'merged',
      merge_commit_sha: 'a'.repeat(40),
      approvals_required: 2,
      approved_by: [{ id: 3, username: 'alice', name: 'Alice' }],
    });
    const list = await call(
      'GET',
      `/projects/${PROJECT_ID}/repository/commits/${'a'.repeat(40)}/merge_requests`,
    );
    expect((list.body as { iid: number }[]).map((m) => m.iid)).toEqual([8]);
    expect((await call('GET', `/projects/${PROJECT_ID}/merge_requests/8/approvals`)).body).toMatchObject({
      approved: false,
      approvals_left: 1,
      approved_by: [{ user: { username: 'alice' } }],
    });
    expect((await call('GET', `/projects/${PROJECT_ID}/merge_requests/8/approval_state`)).body).toMatchObject(
      {
        rules: [{ approved: false, approvals_required: 2 }],
      },
    );
    expect(
      (await call('GET', `/projects/${PROJECT_ID}/repository/commits/${'b'.repeat(40)}/merge_requests`))
        .status,
    ).toBe(404);
  });
  it('creates, finds by label and search, closes and reopens issues', async () => {
    const created = await call('POST', `/projects/${PROJECT_ID}/issues`, {
      body: { title: 'Drift in production', description: 'marker-x', labels: 'drift,chs' },
    });
    expect(created.body).toMatchObject({ iid: 1, state: 'opened', labels: ['drift', 'chs'] });
    await call('POST', `/projects/${PROJECT_ID}/issues`, { body: { title: 'Other', labels: 'chs' } });
    const byLabel = await call('GET', `/projects/${PROJECT_ID}/issues?labels=drift`);
    expect((byLabel.body as { iid: number }[]).map((i) => i.iid)).toEqual([1]);
    const bySearch = await call('GET', `/projects/${PROJECT_ID}/issues?search=marker-x`);
    expect((bySearch.body as { iid: number }[]).map((i) => i.iid)).toEqual([1]);
    await call('PUT', `/projects/${PROJECT_ID}/issues/1`, { body: { state_event: 'close' } });
    expect((await call('GET', `/projects/${PROJECT_ID}/issues?state=opened`)).body).toHaveLength(1);
    const reopened = await call('PUT', `/projects/${PROJECT_ID}/issues/1`, {
      body: { state_event: 'reopen' },
    });
    expect(reopened.body).toMatchObject({ state: 'opened', closed_at: null });
  });
});

describe('GitLab test server: CI/CD variables', () => {
  it('lists them to a Maintainer only, never showing a hidden value', async () => {
    server.projects.get(PROJECT_ID)?.variables.push(
      { key: 'A_URL', value: 'https://a', masked: true, protected: false },
      { key: 'B', value: 'never-shown', masked: true, hidden: true, protected: true },
    );
    const path = `/projects/${PROJECT_ID}/variables`;
    expect(await call('GET', path)).toMatchObject({ status: 403, body: { message: '403 Forbidden' } });
    const spec = server.tokens.get(TOKEN);
    if (spec) spec.maintainer = true;
    const listed = await call('GET', path);
    expect(listed.status).toBe(200);
    expect(listed.body).toMatchObject([
      { key: 'A_URL', value: 'https://a', masked: true, hidden: false, protected: false },
      { key: 'B', value: null, masked: true, hidden: true, protected: true },
    ]);
    expect(listed.headers.get('x-total')).toBe('2');
  });
});
