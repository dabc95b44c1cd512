import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { marked } from 'marked';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { previewCommand } from '../../src/cli/preview.js';
import type { PreviewFlags } from '../../src/cli/preview.js';
import { UserError } from '../../src/core/errors.js';
import { PREVIEW_MARKER } from '../../src/gitlab/sticky-note.js';
import { MR_IID, PROJECT_ID, TOKEN, startFixture } from '../gitlab-server/fixture.js';
import type { GitLabServer } from '../gitlab-server/server.js';
import { capture } from '../helpers/capture.js';

const EXAMPLE = resolve('examples');

/** A copy of the example merge request: examples/ in <tmp>/head, examples/base in <tmp>/base. */
function exampleCopy(): { head: string; base: string } {
  const dir = mkdtempSync(join(tmpdir(), 'chs-preview-'));
  cpSync(EXAMPLE, join(dir, 'head'), { recursive: true });
  renameSync(join(dir, 'head', 'base'), join(dir, 'base'));
  return { head: join(dir, 'head'), base: join(dir, 'base') };
}

/** Just enough reading of marked's HTML for structure checks. */
class JSDOMLike {
  constructor(readonly html: string) {}
  count(tag: string): number {
    return this.html.split(tag).length - 1;
  }
  summaries(): string[] {
    return [...this.html.matchAll(/<summary>(.*?)<\/summary>/g)].map((m) => m[1] as string);
  }
  firstTableRows(): string[][] {
    const table = /<table>([\s\S]*?)<\/table>/.exec(this.html)?.[1] ?? '';
    const body = /<tbody>([\s\S]*?)<\/tbody>/.exec(table)?.[1] ?? '';
    return [...body.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((row) =>
      [...(row[1] as string).matchAll(/<td>([\s\S]*?)<\/td>/g)].map((cell) => cell[1] as string),
    );
  }
}

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 't',
      GIT_AUTHOR_EMAIL: 't@x',
      GIT_COMMITTER_NAME: 't',
      GIT_COMMITTER_EMAIL: 't@x',
    },
  }).trim();
}

describe('chs preview: the report', () => {
  it('compares with --base-dir, writes the Markdown artifact and prints plain text to the log', async () => {
    const { head } = exampleCopy();
    const run = capture(head);
    const code = await previewCommand(
      run.ctx,
      { baseDir: '../base', events: ['events/shop.jsonl'], snapshot: 'cluster/snapshot.yaml' },
      { env: {} },
    );
    // The example blocks workloads in production: exit 1, as a lint error would.
    expect(code).toBe(1);
    const markdown = readFileSync(join(head, 'chs-preview.md'), 'utf8');
    expect(markdown.split('\n')[0]).toBe(
      '**⛔ Not safe to merge: blocks 6 workloads in production; switches 2 policies from monitor to block; adds alerts to 1 Falco rule**',
    );
    expect(run.out().split('\n')[0]).toBe(
      'NOT SAFE TO MERGE: Blocks 6 workloads in production; switches 2 policies from monitor to block; adds alerts to 1 Falco rule',
    );
    const html = marked.parse(markdown, { async: false });
    const document = new JSDOMLike(html);
    expect(document.count('<details>')).toBe(document.count('</details>'));
    // Names from the cluster read as text: no element, no link.
    expect(html).not.toMatch(/<img\b/);
    // The only links outside CI are the lint rules' pages (package.json's homepage).
    for (const [, href] of html.matchAll(/<a\b[^>]*href="([^"]*)"/g))
      expect(href).toMatch(/^https:\/\/gitlab\.com\/container-host-security\/container-host-security\/-\/blob\/main\/docs\/rules\/[a-z-]+\/[a-z-]+\.md$/);
    expect(html).toContain('<code>Pod/&lt;img src=x onerror=alert(1)&gt;</code>');
    expect(html).not.toContain('&amp;#39;');
    expect(html).not.toMatch(/&amp;\\?#/);
    // --format markdown prints the note itself.
    const md = capture(head);
    await previewCommand(
      md.ctx,
      {
        baseDir: '../base',
        events: ['events/shop.jsonl'],
        snapshot: 'cluster/snapshot.yaml',
        format: 'markdown',
      },
      { env: {} },
    );
    expect(md.out()).toBe(markdown);
    expect(document.summaries().length).toBeGreaterThan(5);
    expect(document.firstTableRows()).toHaveLength(6);
  });
  it('prints the report as JSON', async () => {
    const { head } = exampleCopy();
    const run = capture(head);
    await previewCommand(run.ctx, { baseDir: '../base', format: 'json', out: 'out/report.md' }, { env: {} });
    const report = JSON.parse(run.out()) as {
      version: number;
      files: { path: string; change: string }[];
      base: unknown;
    };
    expect(report.version).toBe(1);
    expect(report.base).toEqual({ dir: '../base' });
    expect(report.files.map((f) => `${f.change} ${f.path}`)).toEqual([
      'modified policies/falco/shop.yaml',
      'modified policies/apparmor/k8s-nginx',
      'modified policies/seccomp/shop-api.json',
      'modified policies/pod-security/no-root.yaml',
      'added policies/tests/apparmor-nginx.yaml',
    ]);
    expect(existsSync(join(head, 'out/report.md'))).toBe(true);
  });
  it('refuses missing inputs with one clear line (exit 2)', async () => {
    const { head } = exampleCopy();
    const run = capture(head);
    const attempt = (flags: PreviewFlags) => previewCommand(run.ctx, flags, { env: {} });
    await expect(attempt({})).rejects.toThrow(/no base to compare with: give --base REF or --base-dir DIR/);
    await expect(attempt({ baseDir: 'nope' })).rejects.toThrow('--base-dir nope: no such directory');
    await expect(attempt({ baseDir: '../base', events: ['missing.jsonl'] })).rejects.toThrow(
      '--events missing.jsonl: no such file',
    );
    await expect(attempt({ base: 'x', baseDir: '../base' })).rejects.toThrow(
      /either --base REF or --base-dir DIR/,
    );
    const error = await attempt({ base: '--upload-pack=evil' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).exitCode).toBe(2);
  });
});

describe('chs preview: the base from git', () => {
  function repository(): { origin: string; baseSha: string } {
    const { head, base } = exampleCopy();
    const origin = join(head, '..', 'origin');
    cpSync(base, origin, { recursive: true });
    git(origin, 'init', '-q', '-b', 'main');
    git(origin, 'add', '-A');
    git(origin, 'commit', '-qm', 'base');
    const baseSha = git(origin, 'rev-parse', 'HEAD');
    cpSync(head, origin, { recursive: true });
    git(origin, 'add', '-A');
    git(origin, 'commit', '-qm', 'head');
    return { origin, baseSha };
  }
  it('reads the base commit from the clone, leaving the index and working tree alone', async () => {
    const { origin, baseSha } = repository();
    const status = git(origin, 'status', '--porcelain');
    const run = capture(origin);
    await previewCommand(run.ctx, { base: baseSha, out: '../artifact.md' }, { env: {} });
    expect(run.out()).toContain('Switches 2 policies from monitor to block');
    expect(git(origin, 'status', '--porcelain')).toBe(status);
  });
  it('takes $CI_MERGE_REQUEST_DIFF_BASE_SHA and fetches it in a shallow clone', async () => {
    const { origin, baseSha } = repository();
    const clone = join(origin, '..', 'clone');
    git(join(origin, '..'), 'clone', '-q', '--depth=1', `file://${origin}`, clone);
    expect(() => git(clone, 'cat-file', '-e', `${baseSha}^{commit}`)).toThrow();
    const run = capture(clone);
    await previewCommand(
      run.ctx,
      { out: '../artifact.md' },
      { env: { CI_MERGE_REQUEST_DIFF_BASE_SHA: baseSha } },
    );
    expect(run.out()).toContain('Switches 2 policies from monitor to block');
    expect(readFileSync(join(clone, '..', 'artifact.md'), 'utf8')).toContain(
      '<code>policies/falco/shop.yaml</code> modified (+9 −2)',
    );
  });
  it('says what to do when the base cannot be found', async () => {
    const { origin } = repository();
    const run = capture(origin);
    await expect(previewCommand(run.ctx, { base: 'f'.repeat(40) }, { env: {} })).rejects.toThrow(
      /cannot find the base f{40} in this clone .*GIT_DEPTH to 0 .*--base-dir/,
    );
  });
});

describe('chs preview --post against the GitLab API server', () => {
  let server: GitLabServer;
  beforeEach(async () => {
    server = await startFixture();
  });
  afterEach(async () => {
    await server.close();
  });
  const env = (token: string = TOKEN) => ({
    CI_SERVER_URL: server.url,
    CI_PROJECT_ID: String(PROJECT_ID),
    CI_MERGE_REQUEST_IID: String(MR_IID),
    CHS_GITLAB_TOKEN: token,
    CI_JOB_URL: 'https://gitlab.example.com/group/policies/-/jobs/99',
  });
  const fast = { retry: { baseDelayMs: 10, maxAttempts: 4 } };
  const post = async (head: string, token?: string) => {
    const run = capture(head);
    const code = await previewCommand(
      run.ctx,
      { baseDir: '../base', post: true },
      { env: env(token), clientOptions: fast },
    );
    return { code, err: run.err() };
  };

  it('creates one note, writes nothing when the result is the same, edits it when the result changes', async () => {
    const { head } = exampleCopy();
    expect((await post(head)).err).toMatch(/note created/);
    const notes = server.notesOf(PROJECT_ID, MR_IID);
    expect(notes).toHaveLength(1);
    expect(notes[0]?.body.startsWith(`${PREVIEW_MARKER}\n**`)).toBe(true);
    const writes = server.writes().length;
    expect((await post(head)).err).toMatch(/note unchanged/);
    expect(server.writes()).toHaveLength(writes);
    writeFileSync(join(head, 'policies/falco/shop.yaml'), '- list: shop_shells\n  items: [bash]\n');
    expect((await post(head)).err).toMatch(/note updated/);
    expect(
      server
        .writes()
        .slice(writes)
        .map((r) => r.method),
    ).toEqual(['PUT']);
    expect(server.notesOf(PROJECT_ID, MR_IID)).toHaveLength(1);
    expect(server.notesOf(PROJECT_ID, MR_IID)[0]?.body).toContain('items: [bash]');
  });
  it('waits out a 429 with Retry-After, then posts', async () => {
    const { head } = exampleCopy();
    server.faults.push({ method: 'GET', path: '/notes', status: 429, retryAfter: 1 });
    const started = Date.now();
    const { err } = await post(head);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(err).toMatch(/GitLab answered 429 to GET projects\/42\/merge_requests\/7\/notes; retrying in 1 s/);
    expect(server.log.filter((r) => r.path.endsWith('/notes')).map((r) => `${r.method} ${r.status}`)).toEqual(
      ['GET 429', 'GET 200', 'POST 201'],
    );
    expect(server.notesOf(PROJECT_ID, MR_IID)).toHaveLength(1);
  });
  it('ends a storm of 500s in a clear error and leaves no duplicate note', async () => {
    const { head } = exampleCopy();
    await post(head);
    writeFileSync(join(head, 'policies/falco/shop.yaml'), '- list: shop_shells\n  items: [sh]\n');
    server.faults.push({ status: 500, times: 1_000 });
    const failure = await post(head).catch((e: unknown) => e as Error);
    expect(failure).toBeInstanceOf(UserError);
    expect((failure as Error).message).toMatch(/^GitLab kept failing while .*500.*gave up after 4 attempts/);
    server.faults.length = 0;
    expect(server.notesOf(PROJECT_ID, MR_IID)).toHaveLength(1);
    expect((await post(head)).err).toMatch(/note updated/);
    expect(server.notesOf(PROJECT_ID, MR_IID)).toHaveLength(1);
  });
  it("posts a report larger than GitLab's limit cut to fit, with the whole report in the artifact", async () => {
    const { head } = exampleCopy();
    const line = `# ${'padding '.repeat(12)}`;
    for (let i = 0; i < 40; i++)
      writeFileSync(
        join(head, `policies/falco/big-${String(i).padStart(2, '0')}.yaml`),
        `${Array.from({ length: 500 }, () => line).join('\n')}\n`,
      );
    const { err } = await post(head);
    expect(err).toMatch(/note created/);
    const body = server.notesOf(PROJECT_ID, MR_IID)[0]?.body ?? '';
    expect(body.length).toBeLessThanOrEqual(1_000_000);
    expect(body).toContain(
      "cut to fit GitLab's 1,000,000-character limit.** The whole report is in the job artifact [chs-preview.md](https://gitlab.example.com/group/policies/-/jobs/99/artifacts/file/chs-preview.md)",
    );
    expect(readFileSync(join(head, 'chs-preview.md'), 'utf8').length).toBeGreaterThan(1_000_000);
    expect(server.log.filter((r) => r.status === 400)).toHaveLength(0);
  });
  it('explains a 401 with the variable and the scope, without the token', async () => {
    const { head } = exampleCopy();
    const failure = (await post(head, 'glpat-revoked-token-12345').catch((e: unknown) => e)) as Error;
    expect(failure.message).toMatch(/GitLab rejected the token in CHS_GITLAB_TOKEN .*401.*"api" scope/);
    expect(failure.message).not.toContain('glpat-revoked');
    expect(server.notesOf(PROJECT_ID, MR_IID)).toHaveLength(0);
  });
  it('needs the merge request and the token', async () => {
    const { head } = exampleCopy();
    const run = capture(head);
    await expect(
      previewCommand(
        run.ctx,
        { baseDir: '../base', post: true },
        { env: { ...env(), CI_MERGE_REQUEST_IID: undefined } },
      ),
    ).rejects.toThrow(/CI_MERGE_REQUEST_IID is not set/);
    await expect(
      previewCommand(
        run.ctx,
        { baseDir: '../base', post: true },
        { env: { ...env(), CHS_GITLAB_TOKEN: '' } },
      ),
    ).rejects.toThrow(/CHS_GITLAB_TOKEN is not set/);
    expect(existsSync(join(head, 'chs-preview.md'))).toBe(false);
  });
});
