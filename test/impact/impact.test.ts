import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { marked } from 'marked';
import { describe, expect, it } from 'vitest';
import { diffFile, diffTrees } from '../../src/impact/file-diff.js';
import { lintDelta } from '../../src/impact/lint-delta.js';
import type { LintFinding, SectionResult } from '../../src/impact/model.js';
import { buildImpactReport } from '../../src/impact/preview.js';
import { fileSource } from '../../src/impact/sources/index.js';
import type { ImpactSection } from '../../src/impact/section.js';
import { loadTree } from '../../src/impact/tree.js';
import { verdictOf } from '../../src/impact/verdict.js';
import { impactMarkdown } from '../../src/report/markdown.js';
import { testRegistry, todoLanguage, writeTree } from './helpers.js';

const noLint = {
  introduced: [],
  fixed: [],
  head: { errors: 0, warnings: 0 },
  base: { errors: 0, warnings: 0 },
};

describe('the per-file policy diff', () => {
  it('finds added, removed and modified files of every kind with compact hunks', () => {
    const base = writeTree({
      'chs.yaml': 'version: 1\n',
      'policies/falco/a.yaml': Array.from({ length: 20 }, (_, i) => `# line ${i}`).join('\n') + '\n',
      'policies/seccomp/old.json': '{}\n',
      'policies/apparmor/same': 'profile same {}\n',
      'README.md': 'not a policy\n',
    });
    const head = writeTree({
      'chs.yaml': 'version: 1\n',
      'policies/falco/a.yaml':
        Array.from({ length: 20 }, (_, i) => (i === 10 ? '# changed' : `# line ${i}`)).join('\n') + '\n',
      'policies/pod-security/new.yaml': 'kind: x\n',
      'policies/apparmor/same': 'profile same {}\n',
      'README.md': 'changed, but not a policy\n',
    });
    const files = diffTrees(loadTree(base), loadTree(head));
    expect(files.map((f) => `${f.kind} ${f.change} ${f.path} +${f.additions} -${f.deletions}`)).toEqual([
      'falco modified policies/falco/a.yaml +1 -1',
      'seccomp removed policies/seccomp/old.json +0 -1',
      'pod-security added policies/pod-security/new.yaml +1 -0',
    ]);
    expect(files[0]?.diff).toBe(
      [
        '@@ -8,7 +8,7 @@',
        ' # line 7',
        ' # line 8',
        ' # line 9',
        '-# line 10',
        '+# changed',
        ' # line 11',
        ' # line 12',
        ' # line 13',
      ].join('\n'),
    );
  });
  it('reports a file it cannot read as text instead of diffing it', () => {
    const base = writeTree({ 'policies/seccomp/p.json': '{}\n' });
    const head = writeTree({});
    writeFileSync(join(head, 'x'), '');
    writeTree({ 'policies/seccomp/p.json': '' }, head);
    writeFileSync(join(head, 'policies/seccomp/p.json'), Buffer.from([0x7b, 0x00, 0xff, 0x7d]));
    const [file] = diffTrees(loadTree(base), loadTree(head));
    expect(file).toMatchObject({ path: 'policies/seccomp/p.json', change: 'modified', diff: '' });
    expect(file?.note).toMatch(/^not compared: /);
  });
  it('returns nothing for identical text', () => {
    expect(diffFile('a', 'falco', 'x\n', 'x\n')).toBeUndefined();
  });
  it('cuts a line of megabytes (a minified profile), saying how long it was', () => {
    const names = (extra: string): string => `{"names":[${extra}${'"x",'.repeat(500_000)}"y"]}`;
    const change = diffFile('p.json', 'seccomp', `a\n${names('')}\n`, `a\n${names('"getpid",')}\n`);
    expect(change).toMatchObject({ additions: 1, deletions: 1 });
    const lines = change?.diff.split('\n') ?? [];
    expect(lines[0]).toBe('@@ -1,2 +1,2 @@');
    expect(lines[1]).toBe(' a');
    expect(lines[2]).toBe(
      `-{"names":[${'"x",'.repeat(47)}"x … (a line of 2,000,015 characters, cut here: compare the files themselves)`,
    );
    expect(lines[3]).toMatch(/^\+\{"names":\["getpid",.* … \(a line of 2,000,024 characters, cut here/);
    expect(change?.diff.length).toBeLessThan(1000);
  });
});

describe('the lint delta', () => {
  const f = (file: string, line: number, message: string): LintFinding => ({
    file,
    line,
    column: 1,
    severity: 'error',
    ruleId: 'falco/x',
    message,
  });
  it('matches findings on file, rule and message, whatever their line', () => {
    const base = [f('a', 1, 'one'), f('a', 5, 'two'), f('a', 6, 'two')];
    const head = [f('a', 3, 'one'), f('a', 9, 'two'), f('b', 1, 'three')];
    const delta = lintDelta(base, head);
    expect(delta.introduced.map((x) => `${x.file}:${x.line} ${x.message}`)).toEqual(['b:1 three']);
    expect(delta.fixed.map((x) => `${x.file}:${x.line} ${x.message}`)).toEqual(['a:6 two']);
  });
});

describe('the verdict', () => {
  const file = {
    path: 'policies/falco/a.yaml',
    kind: 'falco' as const,
    change: 'modified' as const,
    additions: 1,
    deletions: 1,
    diff: '',
  };
  const section = (impacts: SectionResult['impacts'], items: SectionResult['items'] = []): SectionResult => ({
    kind: 'pod-security',
    title: 'Pod security',
    items,
    impacts,
    notes: [],
  });
  it.each([
    [[], [], [], noLint, 'none', 'No policy change'],
    [
      [file],
      [],
      ['falco'],
      noLint,
      'info',
      '1 policy file changed; impact not analysed for falco in this version',
    ],
    [[file], [section([])], [], noLint, 'none', 'No workload affected'],
  ] as const)('%#: %s', (files, sections, notAnalysed, lint, level, headline) => {
    expect(verdictOf(files, sections, notAnalysed, lint)).toEqual({ level, headline });
  });
  it('counts blocked workloads per target, deduplicated, and names mode switches', () => {
    const block = (target: string, subject: string) => ({
      kind: 'pod-security' as const,
      severity: 'block' as const,
      category: 'rejected',
      target,
      namespace: 'shop',
      subject,
      reason: 'r',
    });
    const verdict = verdictOf(
      [file],
      [
        section(
          [
            block('production', 'deploy/a'),
            block('production', 'deploy/a'),
            block('production', 'deploy/b'),
            block('staging', 'deploy/a'),
          ],
          [
            {
              kind: 'pod-security',
              file: 'p',
              itemType: 'policy',
              name: 'n',
              change: 'mode-changed',
              from: 'monitor',
              to: 'block',
            },
          ],
        ),
      ],
      [],
      {
        ...noLint,
        introduced: [{ file: 'a', line: 1, column: 1, severity: 'error', ruleId: 'x', message: 'm' }],
      },
    );
    expect(verdict).toEqual({
      level: 'blocking',
      headline:
        'Blocks 2 workloads in production, 1 workload in staging; introduces 1 lint error; switches 1 policy from monitor to block',
    });
  });
});

describe('buildImpactReport', () => {
  it('runs the lint of base and head and the section of each changed kind that has one', async () => {
    const base = writeTree({
      'policies/falco/a.yaml': '- rule: a # TODO old\n',
      'policies/apparmor/p': 'profile p {}\n',
    });
    const head = writeTree({
      'policies/falco/a.yaml': '- rule: a # TODO new\n',
      'policies/apparmor/p': 'profile p { deny /x w, }\n',
    });
    const seen: string[] = [];
    const falcoSection: ImpactSection = {
      kind: 'falco',
      title: 'Falco rules',
      analyse: async (inputs) => {
        seen.push(...inputs.changed.map((c) => c.path), ...inputs.events);
        return { kind: 'falco', title: 'Falco rules', items: [], impacts: [], notes: ['analysed'] };
      },
    };
    const report = await buildImpactReport({
      baseDir: base,
      headDir: head,
      base: { dir: 'base' },
      events: [fileSource('/abs/e.jsonl', 'e.jsonl')],
      // AppArmor's files are found and diffed, but it has no impact section here.
      languages: [
        { ...todoLanguage, impact: async () => falcoSection },
        {
          kind: 'apparmor',
          defaultPaths: ['policies/apparmor/**'],
          rules: [],
          sniff: () => false,
          lint() {},
        },
      ],
      registry: testRegistry,
    });
    expect(seen).toEqual(['policies/falco/a.yaml', 'e.jsonl']);
    expect(report.sections.map((s) => s.kind)).toEqual(['falco']);
    expect(report.notAnalysed).toEqual(['apparmor']);
    expect(report.lint.introduced.map((f) => f.message)).toEqual(['TODO left: new']);
    expect(report.lint.fixed.map((f) => f.message)).toEqual(['TODO left: old']);
    expect(report.verdict).toEqual({ level: 'blocking', headline: 'Introduces 1 lint error' });
    const rendered = marked.parse(impactMarkdown(report), { async: false });
    expect(rendered).toContain('TODO left: new');
  });
});
