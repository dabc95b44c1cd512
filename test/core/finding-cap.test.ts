import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_FINDINGS_PER_RULE } from '../../src/core/finding-cap.js';
import { RuleRegistry } from '../../src/core/registry.js';
import { coreRules } from '../../src/core/rules.js';
import { seccomp } from '../../src/languages/seccomp/index.js';
import { lint } from '../../src/core/runner.js';
import { fakeLanguage } from '../helpers/fake-language.js';
import { writeFiles } from '../helpers/tree.js';

const registry = new RuleRegistry([...coreRules, ...fakeLanguage.rules]);

async function run(files: Record<string, string>) {
  const cwd = mkdtempSync(join(tmpdir(), 'chs-cap-'));
  writeFiles(cwd, files);
  return (await lint({ cwd, paths: [], languages: [fakeLanguage], registry })).diagnostics;
}

/** `n` lines of BAD: the offset of line i (0-based) is 4 * i. */
const bad = (n: number): string => 'BAD\n'.repeat(n);

describe('findings per rule and file', () => {
  it('lists the first 1,000 and counts the rest in one finding at the first one not listed', async () => {
    const found = await run({ 'policies/falco/a.yaml': `${bad(MAX_FINDINGS_PER_RULE + 2500)}MEH\n` });
    expect(found.filter((d) => d.ruleId === 'test/bad-word')).toHaveLength(MAX_FINDINGS_PER_RULE);
    expect(found.filter((d) => d.ruleId === 'test/meh-word')).toHaveLength(1);
    const more = found.filter((d) => d.ruleId === 'chs/more-findings');
    expect(more).toEqual([
      {
        file: 'policies/falco/a.yaml',
        range: { start: 4 * MAX_FINDINGS_PER_RULE, end: 4 * MAX_FINDINGS_PER_RULE + 3 },
        severity: 'error',
        ruleId: 'chs/more-findings',
        message:
          '2,500 more test/bad-word findings in this file are not listed (at most 1,000 per rule and file): fix the ones listed and lint again',
      },
    ]);
  });

  it('counts each file on its own, and adds nothing at the limit', async () => {
    const found = await run({
      'policies/falco/a.yaml': bad(MAX_FINDINGS_PER_RULE),
      'policies/falco/b.yaml': bad(MAX_FINDINGS_PER_RULE + 1),
    });
    expect(found.filter((d) => d.file.endsWith('a.yaml'))).toHaveLength(MAX_FINDINGS_PER_RULE);
    expect(found.filter((d) => d.ruleId === 'chs/more-findings').map((d) => [d.file, d.message])).toEqual([
      [
        'policies/falco/b.yaml',
        '1 more test/bad-word findings in this file are not listed (at most 1,000 per rule and file): fix the ones listed and lint again',
      ],
    ]);
  });

  it('takes the severity chs.yaml gives the rule, and counts nothing of a rule that is off', async () => {
    const warned = await run({
      'chs.yaml': 'rules:\n  test/bad-word: warning\n',
      'policies/falco/a.yaml': bad(MAX_FINDINGS_PER_RULE + 1),
    });
    expect(new Set(warned.map((d) => d.severity))).toEqual(new Set(['warning']));
    expect(warned.filter((d) => d.ruleId === 'chs/more-findings')).toHaveLength(1);
    const off = await run({
      'chs.yaml': 'rules:\n  test/bad-word: "off"\n',
      'policies/falco/a.yaml': bad(MAX_FINDINGS_PER_RULE + 1),
    });
    expect(off).toEqual([]);
  });
});

describe('schema findings of a seccomp profile', () => {
  it('makes only the first 1,000 and counts the rest exactly, with a duplicate key after them', async () => {
    const names = Array.from({ length: MAX_FINDINGS_PER_RULE + 1500 }, (_, i) => i);
    const text = `{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":[${names.join(',')}],"action":"SCMP_ACT_ERRNO"}],"defaultAction":"SCMP_ACT_ALLOW"}`;
    const cwd = mkdtempSync(join(tmpdir(), 'chs-cap-'));
    writeFiles(cwd, { 'policies/seccomp/p.json': text });
    const { diagnostics } = await lint({
      cwd,
      paths: [],
      languages: [seccomp],
      registry: new RuleRegistry([...coreRules, ...seccomp.rules]),
    });
    const schema = diagnostics.filter((d) => d.ruleId === 'seccomp/schema');
    expect(schema).toHaveLength(MAX_FINDINGS_PER_RULE);
    const at = (i: number): number =>
      text.indexOf(`[${names.slice(0, i + 1).join(',')}`) +
      1 +
      names.slice(0, i).join(',').length +
      (i > 0 ? 1 : 0);
    expect(schema[999]?.message).toBe('"syscalls.0.names.999" must be string, not number 999');
    expect(schema[999]?.range?.start).toBe(at(999));
    const more = diagnostics.filter((d) => d.ruleId === 'chs/more-findings');
    expect(more.map((d) => [d.range?.start, d.message])).toEqual([
      [
        at(1000),
        // 1,500 wrong names past the first 1,000, the duplicate defaultAction, and a rule left
        // with no name.
        '1,502 more seccomp/schema findings in this file are not listed (at most 1,000 per rule and file): fix the ones listed and lint again',
      ],
    ]);
  });
});
