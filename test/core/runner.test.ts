import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RuleRegistry } from '../../src/core/registry.js';
import { coreRules } from '../../src/core/rules.js';
import { lint } from '../../src/core/runner.js';
import { fakeLanguage } from '../helpers/fake-language.js';
import { writeFiles } from '../helpers/tree.js';

const registry = new RuleRegistry([...coreRules, ...fakeLanguage.rules]);

function repo(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'chs-runner-'));
  writeFiles(dir, files);
  return dir;
}

async function run(files: Record<string, string>, paths: string[] = []) {
  const cwd = repo(files);
  const result = await lint({ cwd, paths, languages: [fakeLanguage], registry });
  return result.diagnostics.map(
    (d) => `${d.file}@${d.range?.start ?? '-'} ${d.severity} ${d.ruleId}: ${d.message}`,
  );
}

describe('lint runner', () => {
  it('discovers the conventional layout and reports findings in order', async () => {
    expect(
      await run({
        'policies/falco/b.yaml': 'ok\nBAD\n',
        'policies/falco/a.yaml': 'MEH\n',
        'elsewhere/c.yaml': 'BAD',
      }),
    ).toEqual([
      'policies/falco/a.yaml@0 warning test/meh-word: MEH is weak',
      'policies/falco/b.yaml@3 error test/bad-word: the word BAD is not allowed',
    ]);
  });

  it('applies severity overrides from chs.yaml', async () => {
    expect(
      await run({
        'chs.yaml': 'rules:\n  test/bad-word: warning\n  test/meh-word: "off"\n',
        'policies/falco/a.yaml': 'BAD MEH\n',
      }),
    ).toEqual(['policies/falco/a.yaml@0 warning test/bad-word: the word BAD is not allowed']);
  });

  it('reports unknown rule ids in chs.yaml with a suggestion', async () => {
    expect(await run({ 'chs.yaml': 'rules:\n  test/bad-wrod: "off"\n' })).toEqual([
      'chs.yaml@9 warning chs/unknown-rule: unknown rule "test/bad-wrod"; did you mean "test/bad-word"?',
    ]);
  });

  it('honours chs-disable-next-line and reports suppressions that suppress nothing', async () => {
    const text = [
      '# chs-disable-next-line test/bad-word',
      'BAD',
      '# chs-disable-next-line',
      'BAD MEH',
      '# chs-disable-next-line test/meh-word',
      'BAD',
      '# chs-disable-next-line test/nope',
    ].join('\n');
    expect(await run({ 'policies/falco/a.yaml': text })).toEqual([
      'policies/falco/a.yaml@76 warning chs/unused-suppression: chs-disable-next-line suppresses nothing (test/meh-word); remove it',
      'policies/falco/a.yaml@112 error test/bad-word: the word BAD is not allowed',
      'policies/falco/a.yaml@118 warning chs/unknown-rule: unknown rule "test/nope"',
    ]);
  });

  it('classifies files named on the command line by content, else says it cannot', async () => {
    expect(await run({ 'x/one.txt': 'FAKE BAD', 'x/two.txt': 'nothing' }, ['x'])).toEqual([
      'x/one.txt@5 error test/bad-word: the word BAD is not allowed',
      'x/two.txt@- warning chs/unknown-kind: cannot tell what kind of policy this is; pass --kind falco|apparmor|seccomp|pod-security',
    ]);
  });

  it('turns unreadable files into findings and goes on', async () => {
    const lines = await run({ 'policies/falco/bin.yaml': 'a\u0000b', 'policies/falco/ok.yaml': 'BAD' });
    expect(lines).toEqual([
      'policies/falco/bin.yaml@1 error chs/unreadable-file: binary file (a NUL byte), not a policy file',
      'policies/falco/ok.yaml@0 error test/bad-word: the word BAD is not allowed',
    ]);
  });

  it('uses chs.yaml paths in their order', async () => {
    const cwd = repo({
      'chs.yaml': 'paths: {falco: [z/*.yaml, a/*.yaml]}\n',
      'a/1.yaml': 'x',
      'z/2.yaml': 'y',
    });
    const result = await lint({ cwd, paths: [], languages: [fakeLanguage], registry });
    expect(result.filesByKind.get('falco')?.map((f) => f.path)).toEqual(['z/2.yaml', 'a/1.yaml']);
  });
});
