import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openGitLab } from '../../src/gitlab/client.js';
import type { ClientOptions } from '../../src/gitlab/client.js';
import { directoryActions, syncDirectory } from '../../src/gitlab/commit.js';
import { driftMarker, upsertDriftIssue } from '../../src/gitlab/drift-issue.js';
import { mergeRequestOfCommit } from '../../src/gitlab/merge-request.js';
import { backoffMs, isRetryable, parseRetryAfter } from '../../src/gitlab/request.js';
import { mask } from '../../src/gitlab/secrets.js';
import { TOKEN_USES, gitLabSettings, mergeRequestIid } from '../../src/gitlab/settings.js';
import { PREVIEW_MARKER, upsertStickyNote } from '../../src/gitlab/sticky-note.js';
import {
  MR_IID,
  OTHER_TOKEN,
  PROJECT_ID,
  READ_TOKEN,
  TOKEN,
  startFixture,
} from '../gitlab-server/fixture.js';
import type { GitLabServer } from '../gitlab-server/server.js';

let server: GitLabServer;
const slept: number[] = [];
beforeEach(async () => {
  server = await startFixture();
  slept.length = 0;
});
afterEach(async () => {
  await server.close();
});

const fast: ClientOptions = {
  retry: { maxAttempts: 4, baseDelayMs: 5, maxDelayMs: 50, maxTotalMs: 5_000 },
  sleep: async (ms) => {
    slept.push(ms);
  },
};

function env(token: string = TOKEN): Record<string, string> {
  return { CI_SERVER_URL: server.url, CI_PROJECT_ID: String(PROJECT_ID), CHS_GITLAB_TOKEN: token };
}

async function platform(token: string = TOKEN, options: ClientOptions = fast) {
  return openGitLab(gitLabSettings(env(token), TOKEN_USES.note), options);
}

describe('settings', () => {
  it('names the variables that are missing', () => {
    expect(() => gitLabSettings({}, TOKEN_USES.note)).toThrow(/CI_SERVER_URL and CI_PROJECT_ID are not set/);
    expect(() =>
      gitLabSettings(
        { CI_SERVER_URL: 'https://g', CI_PROJECT_ID: '1', MY_TOKEN: 'x' },
        TOKEN_USES.note,
        'MY_TOKEN',
      ),
    ).not.toThrow();
    expect(() => mergeRequestIid({})).toThrow(/CI_MERGE_REQUEST_IID is not set/);
    expect(() => mergeRequestIid({ CI_MERGE_REQUEST_IID: '7a' })).toThrow(/must be a number/);
  });
  const missing: [keyof typeof TOKEN_USES, string][] = [
    [
      'note',
      'CHS_GITLAB_TOKEN is not set: chs preview --post writes the merge request note with it; add a masked CI/CD variable CHS_GITLAB_TOKEN holding a project access token with the "api" scope and the Reporter role (CI_JOB_TOKEN cannot write merge request notes)',
    ],
    [
      'driftIssue',
      'CHS_GITLAB_TOKEN is not set: chs drift --issue opens, updates and closes the drift issue with it; add a masked CI/CD variable CHS_GITLAB_TOKEN holding a project access token with the "api" scope and the Reporter role (CI_JOB_TOKEN cannot write issues)',
    ],
    [
      'approvals',
      'CHS_GITLAB_TOKEN is not set: chs deploy\'s approval gate reads with it who approved the merge request that brought this commit (--require-approval=false deploys without the gate); add a masked CI/CD variable CHS_GITLAB_TOKEN holding a project access token with the "read_api" scope and the Reporter role (CI_JOB_TOKEN cannot read merge request approvals)',
    ],
    [
      'clusterManagement',
      'CHS_GITLAB_TOKEN is not set: chs deploy commits the rendered policies to the cluster management project with it; add a masked CI/CD variable CHS_GITLAB_TOKEN holding a project access token with the "api" scope and the Developer role in the cluster management project (CI_JOB_TOKEN cannot commit through the API)',
    ],
  ];
  for (const [use, message] of missing) {
    it(`says what the token is for when it is missing: ${use}`, () => {
      expect(() =>
        gitLabSettings({ CI_SERVER_URL: 'https://g', CI_PROJECT_ID: '1' }, TOKEN_USES[use]),
      ).toThrow(message);
    });
  }
  it('masks secrets', () => {
    expect(mask(`token ${TOKEN} in ${TOKEN}`, [TOKEN])).toBe('token [MASKED] in [MASKED]');
  });
});

describe('retry policy', () => {
  it('retries 429 for every method and 5xx only for idempotent ones', () => {
    expect(isRetryable('POST', 429)).toBe(true);
    expect(isRetryable('GET', 503)).toBe(true);
    expect(isRetryable('PUT', 500)).toBe(true);
    expect(isRetryable('POST', 500)).toBe(false);
    expect(isRetryable('GET', 404)).toBe(false);
  });
  it('reads Retry-After as seconds or a date, and backs off exponentially within bounds', () => {
    expect(parseRetryAfter('3', 0)).toBe(3000);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4_000)).toBe(6000);
    expect(parseRetryAfter('soon', 0)).toBeUndefined();
    const policy = { maxAttempts: 5, maxTotalMs: 1e6, baseDelayMs: 100, maxDelayMs: 300 };
    expect([1, 2, 3, 4].map((n) => backoffMs(policy, n, () => 0))).toEqual([100, 200, 300, 300]);
  });
});

describe('the client through @gitbeaker/rest', () => {
  it('reads every page of notes (Link / x-next-page pagination)', async () => {
    const gitlab = await platform();
    for (let i = 0; i < 130; i++) await gitlab.createNote(MR_IID, `n${i}`);
    const notes = await gitlab.mergeRequestNotes(MR_IID);
    expect(notes).toHaveLength(130);
    expect(notes[129]?.body).toBe('n129');
    expect(server.log.filter((r) => r.method === 'GET' && r.path.endsWith('/notes'))).toHaveLength(2);
  });
  it('waits what Retry-After says on 429, then succeeds', async () => {
    server.faults.push({ path: '/user', status: 429, retryAfter: 2 });
    const gitlab = await platform(TOKEN, { ...fast, retry: { ...fast.retry, maxDelayMs: 10_000 } });
    expect((await gitlab.currentUser()).username).toBe('chs-bot');
    expect(slept).toEqual([2000]);
    expect(server.log.map((r) => r.status)).toEqual([429, 200]);
  });
  it('really sleeps for Retry-After with the default sleep', async () => {
    server.faults.push({ path: '/user', status: 429, retryAfter: 1 });
    const gitlab = await platform(TOKEN, { retry: { baseDelayMs: 5 } });
    const started = Date.now();
    await gitlab.currentUser();
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });
  it('gives up after the bounded attempts on a storm of 500s, with a clear message', async () => {
    server.faults.push({ status: 500, times: 100 });
    const gitlab = await platform();
    await expect(gitlab.mergeRequestNotes(MR_IID)).rejects.toThrow(
      /GitLab kept failing while listing the notes of merge request !7: 500: 500 Internal Server Error; gave up after 4 attempts/,
    );
    expect(server.log).toHaveLength(4);
    expect(slept).toHaveLength(3);
  });
  it('gives up rather than retry before a Retry-After longer than the longest wait', async () => {
    server.faults.push({ path: '/user', status: 429, retryAfter: 120, times: 10 });
    const gitlab = await platform();
    await expect(gitlab.currentUser()).rejects.toThrow(
      /GitLab is rate limiting the bot \(429: Retry later\) while reading the token's user; gave up after 1 attempt/,
    );
    expect(slept).toEqual([]);
  });
  it('stops retrying when the total time budget would be exceeded', async () => {
    server.faults.push({ path: '/user', status: 429, retryAfter: 40, times: 10 });
    const gitlab = await platform(TOKEN, {
      ...fast,
      retry: { ...fast.retry, maxDelayMs: 60_000, maxTotalMs: 30_000 },
    });
    await expect(gitlab.currentUser()).rejects.toThrow(/gave up after 1 attempts|429/);
    expect(slept).toEqual([]);
  });
  it('does not repeat a POST that failed with 500', async () => {
    server.faults.push({ method: 'POST', status: 500, times: 5 });
    const gitlab = await platform();
    await expect(gitlab.createNote(MR_IID, 'x')).rejects.toThrow(/GitLab answered 500/);
    expect(server.writes()).toHaveLength(1);
  });
  it('does not repeat a POST whose connection broke after it was sent', async () => {
    server.faults.push({ method: 'POST', path: '/notes', status: 0, drop: true, afterApply: true });
    const gitlab = await platform();
    await expect(gitlab.createNote(MR_IID, 'x')).rejects.toThrow(/GitLab/);
    expect(server.writes().filter((r) => r.method === 'POST')).toHaveLength(1);
    expect(server.notesOf(PROJECT_ID, MR_IID)).toHaveLength(1);
  });
  it('repeats a GET whose connection broke', async () => {
    server.faults.push({ method: 'GET', path: '/user', status: 0, drop: true });
    const gitlab = await platform();
    await expect(gitlab.currentUser()).resolves.toBeDefined();
    expect(server.log.filter((r) => r.path === '/user').length).toBeGreaterThanOrEqual(2);
  });
  it('explains 401 and 403 with the scope and the variable, never the token', async () => {
    const bad = await platform('glpat-wrong-token-999999');
    const unauthorized = (await bad.currentUser().catch((e: unknown) => e)) as Error;
    expect(unauthorized.message).toMatch(
      /GitLab rejected the token in CHS_GITLAB_TOKEN .*401 Unauthorized.*"api" scope/,
    );
    expect(unauthorized.message).not.toContain('glpat-wrong');
    const reader = await platform(READ_TOKEN);
    const forbidden = (await reader.createNote(MR_IID, 'x').catch((e: unknown) => e)) as Error;
    expect(forbidden.message).toMatch(/not allowed .*403 Forbidden.*needs the "api" scope/);
    expect(forbidden.message).not.toContain(READ_TOKEN);
  });
  it('names what was not found on 404', async () => {
    const gitlab = await platform();
    await expect(gitlab.mergeRequest(99)).rejects.toThrow(
      /GitLab found nothing while reading merge request !99 \(404/,
    );
  });
  it('reports an unreachable server after bounded attempts', async () => {
    const url = server.url;
    await server.close();
    const gitlab = await openGitLab(gitLabSettings({ ...env(), CI_SERVER_URL: url }, TOKEN_USES.note), fast);
    await expect(gitlab.currentUser()).rejects.toThrow(
      /cannot reach GitLab at http:\/\/127\.0\.0\.1:\d+ .*after 4 attempts/,
    );
  });
});

describe('the sticky note', () => {
  it('creates one note, leaves it alone when unchanged, edits it when changed', async () => {
    const gitlab = await platform();
    expect((await upsertStickyNote(gitlab, MR_IID, 'report 1')).action).toBe('created');
    const writes = server.writes().length;
    expect((await upsertStickyNote(gitlab, MR_IID, 'report 1')).action).toBe('unchanged');
    expect(server.writes()).toHaveLength(writes);
    expect((await upsertStickyNote(gitlab, MR_IID, 'report 2')).action).toBe('updated');
    const notes = server.notesOf(PROJECT_ID, MR_IID);
    expect(notes).toHaveLength(1);
    expect(notes[0]?.body).toBe(`${PREVIEW_MARKER}\nreport 2`);
  });
  it("removes duplicates from earlier runs and leaves other people's notes alone", async () => {
    const bot = await platform();
    const alice = await platform(OTHER_TOKEN);
    await bot.createNote(MR_IID, `${PREVIEW_MARKER}\nold 1`);
    await alice.createNote(MR_IID, `quoting: ${PREVIEW_MARKER}`);
    await alice.createNote(MR_IID, `${PREVIEW_MARKER}\nalice copied it`);
    await bot.createNote(MR_IID, `${PREVIEW_MARKER}\nold 2`);
    const result = await upsertStickyNote(bot, MR_IID, 'new');
    expect(result.action).toBe('updated');
    expect(result.removed).toHaveLength(1);
    const bodies = server.notesOf(PROJECT_ID, MR_IID).map((n) => `${n.author.username}: ${n.body}`);
    expect(bodies).toEqual([
      `chs-bot: ${PREVIEW_MARKER}\nnew`,
      `alice: quoting: ${PREVIEW_MARKER}`,
      `alice: ${PREVIEW_MARKER}\nalice copied it`,
    ]);
  });
  it('finds a note that landed although its POST answered 500, instead of posting it twice', async () => {
    server.faults.push({ method: 'POST', path: '/notes', status: 500, afterApply: true });
    const gitlab = await platform();
    expect((await upsertStickyNote(gitlab, MR_IID, 'report')).action).toBe('created');
    expect(server.notesOf(PROJECT_ID, MR_IID)).toHaveLength(1);
  });
  it('ends a storm of 500s in a clear error and no note', async () => {
    server.faults.push({ status: 500, times: 1000 });
    const gitlab = await platform();
    await expect(upsertStickyNote(gitlab, MR_IID, 'report')).rejects.toThrow(/GitLab kept failing/);
    expect(server.notesOf(PROJECT_ID, MR_IID)).toHaveLength(0);
  });
});

describe('calls for deploy and drift', () => {
  it('finds the merged merge request of a commit and its approvals', async () => {
    const sha = 'c'.repeat(40);
    server.addMergeRequest(PROJECT_ID, { iid: 10, state: 'opened', commits: [sha] });
    server.addMergeRequest(PROJECT_ID, {
      iid: 11,
      state: 'merged',
      squash_commit_sha: sha,
      approvals_required: 1,
      approved_by: [{ id: 3, username: 'alice', name: 'Alice' }],
    });
    const gitlab = await platform();
    const origin = await mergeRequestOfCommit(gitlab, sha, 'main');
    expect(origin).toMatchObject({ merged: true, approved: true, mergeRequest: { iid: 11 } });
    expect(origin.approvals?.approvedBy).toEqual(['alice']);
    server.addMergeRequest(PROJECT_ID, {
      iid: 12,
      state: 'merged',
      merge_commit_sha: 'd'.repeat(40),
      approvals_required: 2,
    });
    expect(await mergeRequestOfCommit(gitlab, 'd'.repeat(40), 'main')).toMatchObject({
      merged: true,
      approved: false,
    });
    server.addMergeRequest(PROJECT_ID, { iid: 13, state: 'opened', commits: ['e'.repeat(40)] });
    expect(await mergeRequestOfCommit(gitlab, 'e'.repeat(40), 'main')).toEqual({
      merged: false,
      approved: false,
    });
  });
  it('plans and commits a directory in one commit, and does nothing when it already matches', async () => {
    expect(
      directoryActions(
        'd',
        new Map([
          ['a', '1'],
          ['b', '2'],
        ]),
        new Map([
          ['a', '1'],
          ['b', '3'],
          ['c', '4'],
        ]),
      ).map((a) => `${a.action} ${a.filePath}`),
    ).toEqual(['update d/b', 'create d/c']);
    const gitlab = await platform();
    const files = new Map([
      ['falco/rules.yaml', 'rules: 1\n'],
      ['values.yaml', 'x: 1\n'],
    ]);
    const first = await syncDirectory(gitlab, {
      branch: 'chs-deploy',
      startBranch: 'main',
      directory: 'applications/chs',
      files,
      message: 'chs: deploy',
    });
    expect(first.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(first.actions.map((a) => a.action)).toEqual(['create', 'create']);
    const again = await syncDirectory(gitlab, {
      branch: 'chs-deploy',
      directory: 'applications/chs',
      files,
      message: 'x',
    });
    expect(again).toEqual({ actions: [] });
    const third = await syncDirectory(gitlab, {
      branch: 'chs-deploy',
      directory: 'applications/chs',
      files: new Map([['values.yaml', 'x: 2\n']]),
      message: 'chs: deploy 2',
    });
    expect(third.actions.map((a) => `${a.action} ${a.filePath}`)).toEqual([
      'update applications/chs/values.yaml',
      'delete applications/chs/falco/rules.yaml',
    ]);
    expect(await gitlab.readFile('chs-deploy', 'applications/chs/values.yaml')).toBe('x: 2\n');
    expect(await gitlab.readFile('chs-deploy', 'applications/chs/falco/rules.yaml')).toBeUndefined();
    expect(await gitlab.branchHead('nope')).toBeUndefined();
  });
  it('finds a drift issue that landed although its POST answered 500', async () => {
    server.faults.push({ method: 'POST', path: '/issues', status: 500, afterApply: true });
    const gitlab = await platform();
    const result = await upsertDriftIssue(gitlab, {
      target: 'production',
      title: 'Drift',
      body: 'x',
      drifted: true,
    });
    expect(result).toMatchObject({ action: 'created', iid: 1 });
    expect(server.projects.get(PROJECT_ID)?.issues.size).toBe(1);
    expect(server.writes().filter((r) => r.method === 'POST')).toHaveLength(1);
  });
  it('keeps one drift issue per target: create, unchanged, update, close, reopen', async () => {
    const gitlab = await platform();
    const upsert = (body: string, drifted = true) =>
      upsertDriftIssue(gitlab, { target: 'production', title: 'Drift in production', body, drifted });
    expect((await upsert('2 objects differ')).action).toBe('created');
    expect((await upsert('2 objects differ')).action).toBe('unchanged');
    expect((await upsert('3 objects differ')).action).toBe('updated');
    expect((await upsert('', false)).action).toBe('closed');
    expect((await upsert('', false)).action).toBe('none');
    expect((await upsert('1 object differs')).action).toBe('reopened');
    const issues = [...server.projects.get(PROJECT_ID)!.issues.values()];
    expect(issues).toHaveLength(1);
    expect(issues[0]?.description).toBe(`${driftMarker('production')}\n1 object differs`);
    expect(
      (
        await upsertDriftIssue(gitlab, {
          target: 'staging',
          title: 'Drift in staging',
          body: 'x',
          drifted: true,
        })
      ).iid,
    ).toBe(2);
  });
});
