import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { corpusDir, hasCorpus, warnSkipped } from './corpus.js';
import { load } from './helpers.js';

warnSkipped('the falco -V validation cases of falcosecurity/testing');

interface Check {
  kind: 'error' | 'warning';
  Code: string;
  ItemType?: string;
  ItemName?: string;
  Message?: string;
}
interface ValidationCases {
  rules_files: Record<string, { filename: string; content: string }>;
  validation_tests: { test: string; rules_files: string[]; checks: Check[]; exit_code: number }[];
}

const data: ValidationCases | undefined = hasCorpus
  ? (JSON.parse(
      readFileSync(join(corpusDir, 'falcosecurity_testing_validation_cases.json'), 'utf8'),
    ) as ValidationCases)
  : undefined;

describe.skipIf(!hasCorpus)('falco -V validation cases (falcosecurity/testing)', () => {
  const tests = data?.validation_tests ?? [];
  it('has the 39 cases', () => expect(tests).toHaveLength(39));
  it.each(tests.map((t) => [t.test, t] as const))('%s', (_name, t) => {
    const files = t.rules_files.map((name) => {
      const file = data?.rules_files[name];
      if (!file) throw new Error(`no rules file ${name}`);
      return { path: `${name}/${file.filename}`, text: file.content, baseline: false };
    });
    const { outcomes } = load(files);
    const errors = outcomes.filter((o) => o.kind === 'error' && o.code);
    // falco -V exits 1 when a file has an error.
    expect(errors.length > 0 ? 1 : 0, JSON.stringify(outcomes, null, 1)).toBe(t.exit_code);
    for (const check of t.checks) {
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
