/**
 * The example's preview note as GitLab renders it: what the first screen says, the order of the
 * folds, tables that hold together, no backslash a reader sees, and in the Markdown a backslash
 * only before a character that Markdown or GitLab would act on.
 */
import { cpSync, mkdtempSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import { previewCommand } from '../../src/cli/preview.js';
import { readFileSync } from 'node:fs';
import { renderGitLab } from '../../scripts/gitlab-markdown.mjs';

const sink = (append: (s: string) => void): NodeJS.WriteStream =>
  new Writable({
    write(chunk: Buffer, _enc, done) {
      append(chunk.toString());
      done();
    },
  }) as unknown as NodeJS.WriteStream;

/** The text a reader sees: tags out, entities decoded, zero-width spaces dropped. */
function visible(fragment: string): string {
  return fragment
    .replace(/<pre>[\s\S]*?<\/pre>/g, '')
    .replace(/<[^>]+>/g, '')
    .replace(/&#(\d+);/g, (_m, n: string) => String.fromCodePoint(Number(n)))
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\u200b/g, '');
}

/** Markdown outside code blocks and code spans (where a backslash is shown as it is). */
function prose(markdown: string): string {
  return markdown.replace(/^(`{3,})[^\n]*\n[\s\S]*?\n\1$/gm, '').replace(/(`+)(?:(?!\1)[\s\S])*?\1/g, '');
}

const EXAMPLE = resolve('examples');
const CI = {
  CI_PROJECT_URL: 'https://gitlab.example.com/shop/policies',
  CI_COMMIT_SHA: '4f1c2d3e4b5a69788796a5b4c3d2e1f001122334',
  CI_JOB_URL: 'https://gitlab.example.com/shop/policies/-/jobs/5001',
};

let markdown = '';
let html = '';
let log = '';

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'chs-note-'));
  cpSync(EXAMPLE, join(dir, 'head'), { recursive: true });
  renameSync(join(dir, 'head', 'base'), join(dir, 'base'));
  const head = join(dir, 'head');
  const code = await previewCommand(
    { cwd: head, root: head, stdout: sink((s) => (log += s)), stderr: sink(() => undefined) },
    {
      baseDir: '../base',
      events: ['events/shop.jsonl', 'events/shop-2026-11-23.jsonl'],
      snapshot: 'cluster/snapshot.yaml',
    },
    { env: CI },
  );
  expect(code).toBe(1);
  markdown = readFileSync(join(head, 'chs-preview.md'), 'utf8');
  html = renderGitLab(markdown);
}, 120_000);

/** Rows of the first table: cells as visible text. */
function firstTable(fragment: string): { header: string[]; rows: string[][] } {
  const table = /<table>([\s\S]*?)<\/table>/.exec(fragment)?.[1] ?? '';
  const cells = (row: string, tag: string): string[] =>
    [...row.matchAll(new RegExp(`<${tag}[^>]*>([\\s\\S]*?)</${tag}>`, 'g'))].map((c) =>
      visible(c[1] as string).trim(),
    );
  const header = cells(/<thead>([\s\S]*?)<\/thead>/.exec(table)?.[1] ?? '', 'th');
  const body = /<tbody>([\s\S]*?)<\/tbody>/.exec(table)?.[1] ?? '';
  return {
    header,
    rows: [...body.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((r) => cells(r[1] as string, 'td')),
  };
}

describe('the example note, as GitLab renders it', () => {
  it('says on the first screen that it is not safe, and why, in one line', () => {
    const first = visible(/<p>([\s\S]*?)<\/p>/.exec(html)?.[1] ?? '');
    expect(first).toBe(
      '⛔ Not safe to merge: blocks 6 workloads in production; switches 2 policies from monitor to block; adds alerts to 1 Falco rule',
    );
  });

  it('names each of the six workloads once, with what blocks it and how to fix it; the totals add up', () => {
    const screen = html.slice(0, html.indexOf('<details>'));
    const { header, rows } = firstTable(screen);
    expect(header).toEqual([
      'Workload',
      'Where',
      'Blocked or warned by',
      'What would break',
      'How to fix it',
    ]);
    const names = rows.map((r) => (r[0] as string).replace(/^⛔ /, ''));
    expect(names.sort()).toEqual([
      'Deployment/cart',
      'Deployment/storefront',
      'Job/migrate',
      'Pod/<img src=x onerror=alert(1)>',
      'Pod/debug-shell',
      'StatefulSet/ledger',
    ]);
    expect(new Set(names).size).toBe(rows.length);
    // The verdict's count, the table's count and its rows agree.
    expect(visible(screen)).toContain('6 workloads blocked:');
    const row = (name: string): string[] => rows.find((r) => r[0]?.endsWith(name)) as string[];
    expect(row('Deployment/cart')[2]).toBe('seccomp policies/seccomp/shop-api.jsonpod security no-root');
    expect(row('Deployment/storefront')[2]).toBe('AppArmor k8s-nginx');
    expect(row('Deployment/storefront')[3]).toBe('denied exec /bin/sh (3×), w /etc/passwd');
    expect(row('Deployment/storefront')[4]).toBe('keep k8s-nginx in monitor, or allow these accesses in it');
    expect(row('StatefulSet/ledger')[0]).toMatch(/^⛔/);
    expect(row('StatefulSet/ledger')[1]).toBe('production · payments');
    expect(row('StatefulSet/ledger')[4]).toBe(
      'set runAsNonRoot=true, allowPrivilegeEscalation=false, readOnlyRootFilesystem=true, capabilities.drop=["ALL"] in securityContext; or keep no-root in monitor',
    );
    for (const r of rows) expect(r[4], r[0]).not.toBe('');
  });

  it('names the mode switches and the policy tests run on the head', () => {
    const screen = visible(html.slice(0, html.indexOf('<details>')));
    expect(screen).toContain(
      'Mode switches: AppArmor k8s-nginx monitor → block · pod security no-root monitor → block',
    );
    expect(screen).toMatch(/Policy tests on the head: ✅ \d+ passed, 0 failed/);
    expect(screen).toContain('Falco: Shell in a shop container 5 → 6 alerts');
  });

  it('sorts the folds by severity, each with its icon and a one-line impact', () => {
    const summaries = [...html.matchAll(/<details>\s*<summary>([\s\S]*?)<\/summary>/g)]
      .map((m) => visible(m[1] as string))
      .filter((s) => /^(⛔|⚠️|ℹ️|📝|📥)/u.test(s));
    expect(summaries).toEqual([
      '⛔ AppArmor profiles: k8s-nginx monitor → block; denies accesses of 1 workload; 32 items changed',
      '⛔ seccomp profiles: refuses system calls of 1 workload; 2 items changed',
      '⛔ Pod security policies: no-root monitor → block; rejects 5 workloads; 1 item changed',
      '⚠️ Falco rules: 1 rule alerts more; 4 items changed',
      expect.stringMatching(/^ℹ️ Lint: /u),
      '📝 Policy diff: 5 files changed (+101 −13)',
      '📥 Inputs',
    ]);
  });

  it('shows pod security as a workload × control matrix with one fix per control and the messages folded', () => {
    const fold = html.slice(html.indexOf('Pod security policies:'));
    const { header, rows } = firstTable(fold);
    expect(header.slice(-5)).toEqual([
      'runAsNonRoot',
      'allowPrivilegeEscalation',
      'readOnlyRootFilesystem',
      'capabilities',
      'privileged',
    ]);
    expect(rows).toHaveLength(5);
    const fixes = [
      ...(/How to pass each control[\s\S]*?<\/ul>/.exec(fold)?.[0] ?? '').matchAll(/<li>([\s\S]*?)<\/li>/g),
    ].map((m) => visible(m[1] as string));
    expect(fixes).toEqual([
      'runAsNonRoot (no-root): set securityContext.runAsNonRoot=true',
      'allowPrivilegeEscalation (no-root): set securityContext.allowPrivilegeEscalation=false',
      'readOnlyRootFilesystem (no-root): set securityContext.readOnlyRootFilesystem=true',
      'capabilities (no-root): set securityContext.capabilities.drop=["ALL"]',
      'privileged (no-root): do not set securityContext.privileged=true',
    ]);
    expect(fold).toMatch(/<details>\s*<summary>Admission messages[^<]*<\/summary>\s*<pre>/);
    // The long admission message is only in the nested fold.
    expect(fold.split('is forbidden').length - 1).toBe(5);
  });

  it('sums up each profile in one line and folds the full list, without constant columns', () => {
    expect(visible(html)).toContain(
      'k8s-nginx (policies/apparmor/k8s-nginx:8): mode monitor → block; 14 × allow rule added, 13 × deny rule added, 3 × allow rule removed, 1 × deny rule removed',
    );
    // Type and file are the same on every row: said once above the table; each rule links its line.
    const list = html.slice(html.indexOf('All 31 changes of'));
    expect(visible(list.slice(0, list.indexOf('<table>')))).toContain(
      'Type: profile rule · File: policies/apparmor/k8s-nginx',
    );
    const { header, rows } = firstTable(list);
    expect(header).toEqual(['Item', 'Change', 'Line']);
    expect(rows.find((r) => r[0] === 'deny network raw')).toEqual([
      'deny network raw',
      'deny rule added',
      'L16',
    ]);
    expect(list).toContain(
      `<a href="${CI.CI_PROJECT_URL}/-/blob/${CI.CI_COMMIT_SHA}/policies/apparmor/k8s-nginx#L16">L16</a>`,
    );
  });

  it('draws the Falco alerts before and after as bars of block characters, with short examples', () => {
    const { header, rows } = firstTable(html.slice(html.indexOf('Falco rules:')));
    expect(header).toEqual(['', 'Rule', 'Alerts before', 'after', 'Examples']);
    expect(rows[0]?.slice(1, 4)).toEqual([
      'Shell in a shop container',
      '░░░░░░░░░░··\u00a05',
      '████████████\u00a06',
    ]);
    expect(rows[0]?.[4]).toMatch(/^09:12:01 user=root pod=cart-7d9f8-abcde/);
  });

  it('links files at the head commit with line anchors, the job, the artifact and the commit', () => {
    expect(html).toContain(
      `<a href="${CI.CI_PROJECT_URL}/-/blob/${CI.CI_COMMIT_SHA}/policies/apparmor/k8s-nginx#L3"><code>policies/apparmor/k8s-nginx:3</code></a>`,
    );
    expect(html).toContain(`<a href="${CI.CI_JOB_URL}">job</a>`);
    expect(html).toContain(`<a href="${CI.CI_JOB_URL}/artifacts/file/chs-preview.md">full report</a>`);
    expect(html).toContain(`${CI.CI_PROJECT_URL}/-/commit/${CI.CI_COMMIT_SHA}`);
    expect(visible(html)).toMatch(/chs \d+\.\d+\.\d+ · head 4f1c2d3e4b5a/);
    // Names from the cluster stay text: the only links are ours.
    for (const href of html.matchAll(/<a href="([^"]*)"/g))
      expect(href[1]).toMatch(
        /^https:\/\/gitlab\.example\.com\/shop\/policies\/|^https:\/\/gitlab\.com\/container-host-security\/container-host-security\/-\/blob\/main\/docs\/rules\//,
      );
    expect(html).not.toMatch(/<img\b/);
  });

  it('shows no backslash escape to a reader, and no table that fell apart', () => {
    expect(visible(html)).not.toMatch(/\\[-()!_+.#`*[\]|~$]/);
    for (const table of html.matchAll(/<table>([\s\S]*?)<\/table>/g)) {
      const head = (/<thead>([\s\S]*?)<\/thead>/.exec(table[1] as string)?.[1] ?? '').split('<th').length - 1;
      for (const row of (table[1] as string).matchAll(/<tbody>[\s\S]*?<\/tbody>/g))
        for (const tr of (row[0]).matchAll(/<tr>([\s\S]*?)<\/tr>/g))
          expect((tr[1] as string).split('<td').length - 1).toBe(head);
    }
    // No Markdown table left as text (a row that did not parse).
    expect(visible(html)).not.toMatch(/^\|.*\|$/m);
  });

  it('has a backslash in the Markdown only before a character Markdown or GitLab would act on', () => {
    const escapes = [...prose(markdown).matchAll(/\\(.)/g)].map((m) => m[1] as string);
    for (const c of escapes) expect('\\`*_[]|<>#$~-+=.'.includes(c), `\\${c}`).toBe(true);
    expect(markdown).not.toMatch(/priority\\-|alert\\\(|SCMP\\_/);
  });

  it('writes plain text to the job log, not Markdown', () => {
    expect(log.split('\n')[0]).toBe(
      'NOT SAFE TO MERGE: Blocks 6 workloads in production; switches 2 policies from monitor to block; adds alerts to 1 Falco rule',
    );
    expect(log).not.toMatch(/\*\*|<details>|\| --- \||\\[-()_]/);
    expect(log).toContain('blocked  Deployment/storefront (production, namespace shop)');
    expect(log).toContain('The whole report (Markdown, as the merge request note shows it): chs-preview.md');
  });
});
