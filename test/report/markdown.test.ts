import { marked } from 'marked';
import { describe, expect, it } from 'vitest';
import type { ImpactReport } from '../../src/impact/model.js';
import { codeSpan, escapeText, renderBlocks } from '../../src/report/markdown-blocks.js';
import type { MdBlock } from '../../src/report/markdown-blocks.js';
import { GITLAB_NOTE_LIMIT, impactMarkdown } from '../../src/report/markdown.js';

const html = (markdown: string): string => marked.parse(markdown, { async: false, gfm: true });

/** The text a reader sees: tags removed, entities decoded, zero-width spaces dropped. */
function visible(fragment: string): string {
  return fragment
    .replace(/<[^>]+>/g, '')
    .replace(/&#(\d+);/g, (_m, n: string) => String.fromCodePoint(Number(n)))
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\u200b/g, '');
}

const HOSTILE = [
  '<img src=x onerror=alert(1)>',
  '[x](http://evil)',
  'a|b|c',
  '`rm -rf`',
  '@alice and @group/team',
  'fixes #123 and !45 ~security %"v1" $7 &9',
  '**bold** _em_ <script>alert(1)</script>',
  'see https://evil.example/x and www.evil.example',
];

describe('escapeText', () => {
  it.each(HOSTILE)('renders %j as the same text, with no tag, link or emphasis', (name) => {
    const rendered = html(escapeText(name));
    expect(rendered).not.toMatch(/<(img|a|script|strong|em|code)\b/);
    expect(visible(rendered).trim()).toBe(name);
  });
  it('keeps table cells whole', () => {
    const rendered = html(`| a | b |\n| --- | --- |\n| ${escapeText('x|y')} | ${codeSpan('p|q', true)} |\n`);
    expect(rendered.match(/<td>/g)).toHaveLength(2);
    expect(visible(rendered)).toContain('x|y');
    expect(visible(rendered)).toContain('p|q');
  });
  it('breaks GitLab references and mentions with a zero-width space', () => {
    expect(escapeText('@alice')).toBe('@&#8203;alice');
    expect(escapeText('#12')).toBe('#&#8203;12');
    expect(escapeText('see #12')).toBe('see #&#8203;12');
    expect(escapeText('!3')).toBe('!&#8203;3');
    expect(escapeText('&9')).toBe('&amp;&#8203;9');
    expect(escapeText('a # b')).toBe('a # b');
    expect(escapeText('# b')).toBe('\\# b');
  });
  it.each([
    ['priority-changed', 'priority-changed'],
    ['alert(s)', 'alert(s)'],
    ['SCMP_ACT_ALLOW', 'SCMP_ACT_ALLOW'],
    ['k8s-nginx: deny /etc/** wl', 'k8s-nginx: deny /etc/\\*\\* wl'],
    ['_em_ and *strong*', '\\_em\\_ and \\*strong\\*'],
    ['- item', '\\- item'],
    ['1. item', '1\\. item'],
    ['v1.2 and 0.1.0', 'v1.2 and 0.1.0'],
    ['a\\b and a\\*', 'a\\b and a\\\\\\*'],
    ['{+added+} [-removed-]', '{&#8203;+added+} \\[&#8203;-removed-\\]'],
    [':smile: at 09:12:01', ':&#8203;smile: at 09:12:01'],
    // An emoji name holds a letter; `:+1:` and `:12:` are left alone.
    [':+1: and :a_b-c: and :12:', ':+1: and :&#8203;a_b-c: and :12:'],
    ['ports 80:8080 and :x', 'ports 80:8080 and :x'],
    ['host:port://x', 'host:&#8203;port:&#8203;//x'],
    ['$x$ ~~y~~', '\\$x\\$ \\~\\~&#8203;y\\~\\~'],
  ])('escapes %j only where Markdown or GitLab would act: %j', (text, escaped) => {
    expect(escapeText(text)).toBe(escaped);
    expect(visible(html(escaped)).trim()).toBe(text);
  });
  it('flattens newlines and removes control and bidirectional characters', () => {
    expect(escapeText('a\nb\r\nc')).toBe('a b c');
    expect(escapeText('x\u202ey\u0007')).toBe('xy');
  });
});

describe('codeSpan', () => {
  it.each(['plain', 'with `tick`', '``double``', '`edge', '<b>bold</b>', '@mention #1'])(
    'shows %j verbatim in code',
    (name) => {
      const rendered = html(codeSpan(name));
      expect(rendered).toMatch(/<code>/);
      expect(visible(rendered).trim()).toBe(name);
    },
  );
});

function report(overrides: Partial<ImpactReport> = {}): ImpactReport {
  return {
    version: 1,
    base: { ref: 'abc1234' },
    verdict: { level: 'blocking', headline: 'Blocks 1 workload in production' },
    files: [
      {
        path: 'policies/pod-security/<img src=x onerror=alert(1)>.yaml',
        kind: 'pod-security',
        change: 'modified',
        additions: 1,
        deletions: 1,
        diff: '@@ -1,1 +1,1 @@\n-mode: monitor\n+mode: block\n+```\n+</details>',
      },
    ],
    sections: [
      {
        kind: 'pod-security',
        title: 'Pod security policies',
        items: [
          {
            kind: 'pod-security',
            file: 'policies/pod-security/p.yaml',
            itemType: 'policy',
            name: 'no-root|x',
            change: 'mode-changed',
            from: 'monitor',
            to: 'block',
          },
        ],
        impacts: [
          {
            kind: 'pod-security',
            severity: 'block',
            category: 'rejected by admission',
            target: 'production',
            namespace: 'shop',
            subject: '<img src=x onerror=alert(1)>',
            reason: 'runAsNonRoot != true ([x](http://evil)) @alice #1',
          },
        ],
        notes: [],
      },
    ],
    notAnalysed: [],
    lint: {
      introduced: [
        {
          file: 'policies/falco/a.yaml',
          line: 3,
          column: 5,
          severity: 'error',
          ruleId: 'falco/x',
          message: 'bad `x` | y',
        },
      ],
      fixed: [],
      head: { errors: 1, warnings: 0 },
      base: { errors: 0, warnings: 0 },
    },
    inputs: { events: ['events/a.jsonl'], snapshot: 'cluster/snapshot.yaml' },
    ...overrides,
  };
}

/** Code fences closed, <details> opened and closed in order, outside code blocks. */
function balanced(markdown: string): void {
  let fence: string | undefined;
  let depth = 0;
  for (const line of markdown.split('\n')) {
    const run = /^(`{3,})(.*)$/.exec(line);
    if (fence !== undefined) {
      if (run && (run[1] as string).length >= fence.length && (run[2] as string).trim() === '')
        fence = undefined;
      continue;
    }
    if (run) {
      fence = run[1];
      continue;
    }
    depth += (line.match(/<details>/g) ?? []).length;
    depth -= (line.match(/<\/details>/g) ?? []).length;
    expect(depth).toBeGreaterThanOrEqual(0);
  }
  expect(fence).toBeUndefined();
  expect(depth).toBe(0);
}

describe('impactMarkdown', () => {
  it('puts the verdict first, then the workloads, then details; every name escaped', () => {
    const markdown = impactMarkdown(report());
    expect(markdown.split('\n')[0]).toBe('**⛔ Not safe to merge: blocks 1 workload in production**');
    const rendered = html(markdown);
    expect(rendered).not.toMatch(/<img\b/);
    // The only links outside CI are the lint rules' pages (package.json's homepage).
    for (const [, href] of rendered.matchAll(/<a\b[^>]*href="([^"]*)"/g))
      expect(href).toMatch(/^https:\/\/gitlab\.com\/container-host-security\/container-host-security\/-\/blob\/main\/docs\/rules\/[a-z-]+\/[a-z-]+\.md$/);
    // The workloads, the pod security matrix, the new lint findings.
    expect(rendered.match(/<table>/g)?.length).toBe(3);
    expect(rendered.match(/<details>/g)?.length).toBe(rendered.match(/<\/details>/g)?.length);
    expect(rendered.indexOf('<strong>')).toBe(rendered.indexOf('<p>') + 3);
    expect(rendered.indexOf('<table>')).toBeLessThan(rendered.indexOf('<details>'));
    expect(visible(rendered)).toContain('<img src=x onerror=alert(1)>');
    expect(visible(rendered)).toContain('mode monitor → block');
    // The diff's own ``` and </details> stay inside the code block.
    expect(rendered).toMatch(/<pre><code class="language-diff">[^]*\+```\n\+&lt;\/details&gt;/);
    balanced(markdown);
  });
  it('says when nothing changed', () => {
    const markdown = impactMarkdown(
      report({
        files: [],
        sections: [],
        verdict: { level: 'none', headline: 'No policy change' },
        lint: {
          introduced: [],
          fixed: [],
          head: { errors: 0, warnings: 0 },
          base: { errors: 0, warnings: 0 },
        },
      }),
    );
    expect(markdown.startsWith('**✅ Safe to merge: no policy change**')).toBe(true);
    expect(html(markdown)).not.toContain('<table>');
  });
  it("cuts a report past GitLab's limit cleanly and points to the artifact", () => {
    const bigDiff = Array.from({ length: 300 }, (_, i) => `+line ${i} ${'x'.repeat(200)}`).join('\n');
    const files = Array.from({ length: 40 }, (_, i) => ({
      path: `policies/falco/f${i}.yaml`,
      kind: 'falco' as const,
      change: 'added' as const,
      additions: 300,
      deletions: 0,
      diff: `@@ -0,0 +1,300 @@\n${bigDiff}`,
    }));
    const big = report({ files });
    const whole = impactMarkdown(big);
    expect(whole.length).toBeGreaterThan(GITLAB_NOTE_LIMIT);
    const cut = impactMarkdown(big, {
      limit: GITLAB_NOTE_LIMIT,
      artifact: 'chs-preview.md',
      artifactUrl: 'https://gitlab.example.com/g/p/-/jobs/1/artifacts/file/chs-preview.md',
    });
    expect(cut.length).toBeLessThanOrEqual(GITLAB_NOTE_LIMIT);
    expect(cut.length).toBeGreaterThan(GITLAB_NOTE_LIMIT * 0.9);
    expect(cut).toContain("cut to fit GitLab's 1,000,000-character limit");
    expect(cut.startsWith('**⛔ Not safe to merge: blocks 1 workload in production**')).toBe(true);
    balanced(cut);
    const rendered = html(cut);
    expect(rendered).toContain(
      '<a href="https://gitlab.example.com/g/p/-/jobs/1/artifacts/file/chs-preview.md">chs-preview.md</a>',
    );
  });
  it('stays well-formed at any budget', () => {
    const markdown = report();
    for (let limit = 300; limit < 3_000; limit += 97) {
      const cut = impactMarkdown(markdown, { limit });
      expect(cut.length).toBeLessThanOrEqual(limit);
      balanced(cut);
    }
  });
});

describe('renderBlocks', () => {
  it('cuts tables by rows, keeping the header, and code by lines, closing the fence', () => {
    const table: MdBlock = {
      type: 'table',
      header: ['a', 'b'],
      rows: Array.from({ length: 100 }, (_, i) => [`r${i}`, 'v']),
    };
    const cut = renderBlocks([table], 300);
    expect(cut.truncated).toBe(true);
    expect(cut.text.length).toBeLessThanOrEqual(300);
    expect(cut.text.split('\n')[0]).toBe('| a | b |');
    expect(cut.text).toMatch(/more rows in the artifact/);
    const code = renderBlocks([{ type: 'code', lang: 'diff', text: 'x\n'.repeat(500) }], 200);
    expect(code.text.endsWith('\n```')).toBe(true);
    expect(code.text.length).toBeLessThanOrEqual(200);
  });
  it('uses a longer fence than any in the text', () => {
    const out = renderBlocks([{ type: 'code', lang: '', text: '````\ninner\n````' }]).text;
    expect(out.startsWith('`````\n')).toBe(true);
    expect(html(out)).toContain('````\ninner\n````');
  });
});

describe('links in CI', () => {
  it('link a file at the head commit with its line, whatever its name holds', async () => {
    const { fileRef, linksFromEnv } = await import('../../src/report/note-links.js');
    const links = linksFromEnv({
      CI_PROJECT_URL: 'https://gitlab.example.com/g/p/',
      CI_COMMIT_SHA: 'abc1234def',
      CI_JOB_URL: 'https://gitlab.example.com/g/p/-/jobs/9',
    });
    const rendered = html(fileRef(links, 'policies/a (b)/c d)[x].yaml', 12));
    expect(rendered).toBe(
      '<p><a href="https://gitlab.example.com/g/p/-/blob/abc1234def/policies/a%20%28b%29/c%20d%29%5Bx%5D.yaml#L12"><code>policies/a (b)/c d)[x].yaml:12</code></a></p>\n',
    );
    // Outside CI, or with variables that are not a URL and a SHA: code, no link.
    expect(html(fileRef({}, 'p.yaml', 3))).toBe('<p><code>p.yaml:3</code></p>\n');
    expect(linksFromEnv({ CI_PROJECT_URL: 'javascript:alert(1)', CI_COMMIT_SHA: 'main; rm' })).toEqual({});
  });
});
