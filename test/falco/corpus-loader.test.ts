import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { corpusDir, hasCorpus, warnSkipped } from './corpus.js';
import { corpusFiles, load } from './helpers.js';

warnSkipped('the invalid/ and warnings/ rules files of the Falco corpus');

interface Expectation {
  success: boolean | undefined;
  errors: string[];
  warnings: string[];
  checks: { kind: string; Code: string; ItemType?: string; ItemName?: string; Message?: string }[];
}

function expectationOf(relative: string): Expectation {
  const text = readFileSync(join(corpusDir, relative), 'utf8');
  const header = (re: RegExp): string[] => [...text.matchAll(re)].map((m) => (m[1] ?? '').trim());
  const success = header(/^# expect_load_success: (\w+)/gm)[0];
  return {
    success: success === undefined ? undefined : success === 'true',
    errors: header(/^# expected_error_substring: (.*)$/gm),
    warnings: header(/^# expected_warning_substring: (.*)$/gm),
    checks: header(/^# expected (\{.*\})$/gm).map(
      (json) => JSON.parse(json) as Expectation['checks'][number],
    ),
  };
}

const list = (dir: string): string[] =>
  hasCorpus
    ? readdirSync(join(corpusDir, dir))
        .filter((f) => f.endsWith('.yaml'))
        .map((f) => `${dir}/${f}`)
    : [];

describe.skipIf(!hasCorpus)('Falco corpus: invalid rules files', () => {
  const files = list('invalid');
  it('has the 57 files', () => expect(files).toHaveLength(57));
  it.each(files)('%s', (relative) => {
    const expected = expectationOf(relative);
    const { outcomes } = load(corpusFiles(relative));
    const errors = outcomes.filter((o) => o.kind === 'error' && o.code);
    expect(errors.length, JSON.stringify(outcomes, null, 1)).toBeGreaterThan(0);
    for (const substring of expected.errors) {
      expect(errors.map((e) => e.message).join('\n')).toContain(substring);
    }
    for (const substring of expected.warnings) {
      expect(
        outcomes
          .filter((o) => o.kind === 'warning')
          .map((e) => e.message)
          .join('\n'),
      ).toContain(substring);
    }
    for (const check of expected.checks) {
      const match = outcomes.find(
        (o) =>
          o.code === check.Code &&
          o.kind === check.kind &&
          (check.ItemType === undefined || o.itemType === check.ItemType) &&
          (check.ItemName === undefined || o.itemName === check.ItemName) &&
          (check.Message === undefined ||
            check.Code === 'LOAD_ERR_YAML_PARSE' ||
            o.message.includes(check.Message)),
      );
      expect(match, `${JSON.stringify(check)} in ${JSON.stringify(outcomes, null, 1)}`).toBeDefined();
    }
  });
});

describe.skipIf(!hasCorpus)('Falco corpus: rules files that load with warnings', () => {
  const files = list('warnings');
  it('has the 22 files', () => expect(files).toHaveLength(22));
  it.each(files)('%s', (relative) => {
    const expected = expectationOf(relative);
    const { outcomes } = load(corpusFiles(relative));
    expect(outcomes.filter((o) => o.kind === 'error' && o.code)).toEqual([]);
    for (const substring of expected.warnings) {
      expect(
        outcomes
          .filter((o) => o.kind === 'warning')
          .map((e) => e.message)
          .join('\n'),
      ).toContain(substring);
    }
    for (const check of expected.checks) {
      const match = outcomes.find(
        (o) =>
          o.code === check.Code &&
          o.kind === check.kind &&
          (check.ItemType === undefined || o.itemType === check.ItemType) &&
          (check.ItemName === undefined || o.itemName === check.ItemName) &&
          (check.Message === undefined || o.message.includes(check.Message)),
      );
      expect(match, `${JSON.stringify(check)} in ${JSON.stringify(outcomes, null, 1)}`).toBeDefined();
    }
  });
});
