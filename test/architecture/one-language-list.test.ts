/**
 * A kind is one entry in the languages list: a language that only tests know, added to the list
 * and nowhere else, is offered by `--kind`, listed by `chs rules`, linted, shown in the preview's
 * file diff (in the list's order, and as not analysed: it has no impact section) and tested by
 * `chs test`. The CLI runs in this process, so that the list it reads is the one extended here.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type * as ListModule from '../../src/languages/list.js';
import { tempTrees } from '../helpers/tree.js';

vi.mock('../../src/languages/list.js', async (importOriginal) => {
  const original = await importOriginal<typeof ListModule>();
  const { noteLanguage } = await import('./note-language.js');
  return { languages: [...original.languages, noteLanguage] };
});

const tree = tempTrees('chs-note-');

let out = '';
let err = '';
beforeEach(() => {
  out = '';
  err = '';
  process.exitCode = undefined;
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((out += String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((err += String(chunk)), true));
});
afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

/** `chs ARGS` in this process; the program is built afresh for each run. */
async function chs(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  vi.resetModules();
  const { runCli } = await import('../../src/cli/main.js');
  await runCli(['node', 'chs', ...args]);
  const code = Number(process.exitCode ?? 0);
  return { code, out, err };
}

describe('a language added to the list, and nowhere else', () => {
  it('is one of the choices of --kind', async () => {
    const dir = tree({ 'a.txt': 'hello\n' });
    const run = await chs('-C', dir, 'lint', '--kind', 'nope', 'a.txt');
    expect(run.code).toBe(2);
    expect(run.err).toContain('Allowed choices are falco, apparmor, seccomp, pod-security, note.');
  });

  it('is linted: found by its default paths, and forced on any file by --kind', async () => {
    const dir = tree({ 'policies/note/a.note': 'quiet\nLOUD\n', 'elsewhere.txt': 'ALSO LOUD\n' });
    const found = await chs('-C', dir, 'lint', '--format', 'json');
    expect(found.code).toBe(1);
    const { diagnostics } = JSON.parse(found.out) as { diagnostics: unknown[] };
    expect(diagnostics).toEqual([
      {
        file: 'policies/note/a.note',
        line: 2,
        column: 1,
        endLine: 2,
        endColumn: 5,
        severity: 'error',
        ruleId: 'note/shout',
        message: 'line "LOUD" shouts: write it in sentence case',
      },
    ]);
    const forced = await chs('-C', dir, 'lint', '--kind', 'note', 'elsewhere.txt');
    expect(forced.code).toBe(1);
    expect(forced.out).toContain('note/shout');
  });

  it('has its rules listed by chs rules', async () => {
    const run = await chs('rules', '--format', 'json');
    expect(run.code).toBe(0);
    const rules = JSON.parse(run.out) as { id: string; severity: string }[];
    expect(rules).toContainEqual(expect.objectContaining({ id: 'note/shout', severity: 'error' }));
  });

  it('is in the preview: its files diffed in the list order, the kind reported as not analysed', async () => {
    const base = tree({ 'policies/note/a.note': 'quiet\n', 'policies/tests/t.yaml': 'tests: []\n' });
    const head = tree({
      'policies/note/a.note': 'quieter\n',
      'policies/tests/t.yaml': 'tests: [] # changed\n',
      'policies/seccomp/p.json': '{"defaultAction": "SCMP_ACT_ALLOW"}\n',
    });
    const artifact = join(head, 'preview.md');
    const run = await chs('-C', head, 'preview', '--base-dir', base, '--format', 'json', '--out', artifact);
    const report = JSON.parse(run.out) as { files: { path: string; kind: string }[]; notAnalysed: string[] };
    expect(report.files.map((f) => [f.kind, f.path])).toEqual([
      ['seccomp', 'policies/seccomp/p.json'],
      ['note', 'policies/note/a.note'],
      ['tests', 'policies/tests/t.yaml'],
    ]);
    expect(report.notAnalysed).toEqual(['note']);
    expect(readFileSync(artifact, 'utf8')).toContain('policies/note/a.note');
  });

  it('brings its test case kind to chs test', async () => {
    const dir = tree({
      'policies/tests/notes.yaml': [
        'tests:',
        '  - name: calm',
        '    note: {text: calm, shouts: false}',
        '  - name: wrong on purpose',
        '    note: {text: CALM, shouts: false}',
        '',
      ].join('\n'),
    });
    const run = await chs('-C', dir, 'test', '--format', 'json');
    expect(run.code).toBe(1);
    const { results } = JSON.parse(run.out) as {
      results: { name: string; kind: string; passed: boolean; message: string }[];
    };
    expect(results.map((r) => [r.name, r.kind, r.passed, r.message])).toEqual([
      ['calm', 'note', true, ''],
      ['wrong on purpose', 'note', false, '"CALM" shouts'],
    ]);
  });
});
