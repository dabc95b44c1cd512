import { describe, expect, it } from 'vitest';
import { hasCorpus, warnSkipped } from './corpus.js';
import { corpusFiles, load } from './helpers.js';
import type { Outcome } from './helpers.js';

warnSkipped('the official Falco rules files');

const falcoCoded = (outcomes: Outcome[]): Outcome[] => outcomes.filter((o) => o.code !== undefined);
const summary = (outcomes: Outcome[]): string[] =>
  outcomes.map((o) => `${o.code ?? o.ruleId} ${o.itemName ?? ''}: ${o.message}`).sort();

/**
 * The Falco-coded warnings Falco 0.44's own loader gives for these files (so chs must give them
 * too): application_rules.yaml defines macros for rules that it ships commented out
 * (LOAD_UNUSED_MACRO); the older files still use the deprecated evt.dir field and
 * %container.info (LOAD_DEPRECATED_ITEM).
 */
interface Expected {
  unusedMacros?: number;
  deprecatedFields?: number;
  containerInfo?: number;
  noRules?: true;
}
const EXPECTED: Record<string, Expected> = {
  'falco_rules.yaml': {},
  'falco-incubating_rules.yaml': {},
  'falco-sandbox_rules.yaml': {},
  'falco-deprecated_rules.yaml': { deprecatedFields: 3 },
  'application_rules.yaml': { unusedMacros: 12, noRules: true },
  'falco_rules_v1.0.1_legacy_monolith.yaml': { deprecatedFields: 20, containerInfo: 24 },
};

describe.skipIf(!hasCorpus)('the official rules files load as Falco loads them', () => {
  it.each(Object.entries(EXPECTED))(
    '%s: no errors, only the Falco warnings Falco gives',
    (file, expected) => {
      const stable =
        file.startsWith('falco-') && file !== 'falco_rules.yaml' ? corpusFiles('falco_rules.yaml') : [];
      const { result, outcomes } = load([
        ...stable.map((f) => ({ ...f, baseline: true })),
        ...corpusFiles(file),
      ]);
      const own = outcomes.filter((o) => o.file === file);
      expect(summary(own.filter((o) => o.kind === 'error'))).toEqual([]);
      const coded = falcoCoded(own);
      const count = (code: string, re: RegExp): number =>
        coded.filter((o) => o.code === code && re.test(o.message)).length;
      expect(count('LOAD_UNUSED_MACRO', /./)).toBe(expected.unusedMacros ?? 0);
      expect(count('LOAD_DEPRECATED_ITEM', /deprecated field/)).toBe(expected.deprecatedFields ?? 0);
      expect(count('LOAD_DEPRECATED_ITEM', /%container\.info/)).toBe(expected.containerInfo ?? 0);
      const accounted =
        (expected.unusedMacros ?? 0) + (expected.deprecatedFields ?? 0) + (expected.containerInfo ?? 0);
      expect(coded.length, JSON.stringify(summary(coded), null, 1)).toBe(accounted);
      const rules = result.rules.filter((r) => r.file === file).length;
      if (expected.noRules) expect(rules).toBe(0);
      else expect(rules).toBeGreaterThan(0);
    },
  );

  it('loads all of them together (stable, incubating, sandbox, deprecated, application) without errors', () => {
    const files = [
      'falco_rules.yaml',
      'falco-incubating_rules.yaml',
      'falco-sandbox_rules.yaml',
      'falco-deprecated_rules.yaml',
      'application_rules.yaml',
    ].flatMap(corpusFiles);
    const { result, outcomes } = load(files);
    expect(summary(outcomes.filter((o) => o.kind === 'error'))).toEqual([]);
    expect(result.rules.length).toBeGreaterThan(90);
  });

  it.each([
    'plugin_rules/aws_cloudtrail_rules.yaml',
    'plugin_rules/gcp_auditlog_rules.yaml',
    'plugin_rules/github.yaml',
    'plugin_rules/k8s_audit_rules.yaml',
    'plugin_rules/okta_rules.yaml',
  ])('%s loads with its plugin fields: no errors, no Falco warnings', (file) => {
    const { result, outcomes } = load(corpusFiles(file));
    expect(summary(falcoCoded(outcomes))).toEqual([]);
    expect(result.rules.length).toBeGreaterThan(0);
    expect(result.rules.every((r) => r.source !== 'syscall')).toBe(true);
  });
});
