import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { corpusDir, hasCorpus, warnSkipped } from './corpus.js';
import { completeFragment, load } from './helpers.js';

warnSkipped("the compiled conditions of Falco's rule loader unit tests");

interface UnitCase {
  name: string;
  rules_yaml: string[];
  expect_load_success: boolean;
  expected_errors_substr: string[];
  expected_warnings_substr: string[];
  expected_absent_warnings_substr: string[];
  expected_compiled_conditions: { rule: string; condition: string }[];
}

const cases: UnitCase[] = hasCorpus
  ? (JSON.parse(
      readFileSync(join(corpusDir, 'falco_unit_tests_test_rule_loader.json'), 'utf8'),
    ) as UnitCase[])
  : [];
const squash = (s: string): string => s.replace(/\s+/g, ' ').replace(/\( /g, '(').replace(/ \)/g, ')').trim();

describe.skipIf(!hasCorpus)("Falco's rule loader unit tests", () => {
  it('has the 103 cases, 33 with compiled conditions', () => {
    expect(cases).toHaveLength(103);
    expect(cases.filter((c) => c.expected_compiled_conditions.length > 0)).toHaveLength(33);
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const files = c.rules_yaml.map((yaml, i) => ({
      path: `${c.name}-${i}.yaml`,
      text: completeFragment(yaml),
      baseline: false,
    }));
    // The unit tests run with the k8s_audit source registered besides syscall.
    const { result, outcomes } = load(files, { plugins: ['k8saudit'] });
    const errors = outcomes.filter((o) => o.kind === 'error' && o.code);
    const warnings = outcomes.filter((o) => o.kind === 'warning' && o.code);
    if (c.expect_load_success) expect(errors, JSON.stringify(errors)).toEqual([]);
    else expect(errors.length + c.expected_errors_substr.length).toBeGreaterThan(0);
    for (const s of c.expected_errors_substr) expect(errors.map((e) => e.message).join('\n')).toContain(s);
    for (const s of c.expected_warnings_substr)
      expect(warnings.map((w) => w.message).join('\n')).toContain(s);
    for (const s of c.expected_absent_warnings_substr)
      expect(warnings.map((w) => w.message).join('\n')).not.toContain(s);
    for (const { rule, condition } of c.expected_compiled_conditions) {
      const compiled = result.rules.find((r) => r.name === rule);
      expect(compiled, `rule ${rule}`).toBeDefined();
      expect(squash(compiled?.conditionText ?? '')).toBe(squash(condition));
    }
  });
});
