/**
 * Every rule has a page generated from its metadata, the pages on disk are what `npm run docs`
 * writes, and each page's examples are true: the bad one is reported by the rule, the good one
 * is not (and has no error at all).
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ruleDocsUrl } from '../../src/core/rule-docs.js';
import { ruleDocs } from '../../src/core/rule-page.js';
import { registry } from '../../src/languages/index.js';
import { lintFiles } from '../helpers/rule-tester.js';

const ROOT = join(import.meta.dirname, '..', '..');
const rules = registry.all();
const pages = ruleDocs(rules);

function onDisk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? onDisk(join(dir, entry.name)) : [relative(ROOT, join(dir, entry.name)).split('\\').join('/')],
  );
}

describe('the rules documentation', () => {
  it('has a page for every registered rule, and no page for a rule that does not exist', () => {
    expect(rules.length).toBeGreaterThan(70);
    expect(onDisk(join(ROOT, 'docs/rules')).sort()).toEqual([...pages.keys()].sort());
  });

  it('is what `npm run docs` generates (the pages are not stale)', () => {
    const stale = [...pages].filter(([path, text]) => readFileSync(join(ROOT, path), 'utf8') !== text);
    expect(stale.map(([path]) => path)).toEqual([]);
  });

  it("links every rule's reports (SARIF helpUri, Code Quality, the note) to its page", () => {
    for (const rule of rules) {
      const url = ruleDocsUrl(rule.meta.id);
      const page = url.slice(url.lastIndexOf('/docs/rules/') + 1);
      expect(pages.has(page), url).toBe(true);
    }
  });

  it('would change when a rule changes (the check can fail)', () => {
    const rule = registry.get('falco/shadowed-rule');
    if (!rule) throw new Error('falco/shadowed-rule is not registered');
    const changed = { ...rule, meta: { ...rule.meta, remediation: 'Something else.' } };
    expect(ruleDocs([changed]).get('docs/rules/falco/shadowed-rule.md')).not.toBe(
      pages.get('docs/rules/falco/shadowed-rule.md'),
    );
  });
});

describe.each(rules.map((rule) => [rule.meta.id, rule] as const))('%s', (id, rule) => {
  it('has an id, a description, a remediation, a rationale and messages', () => {
    expect(id).toMatch(/^[a-z0-9-]+\/[a-z0-9-]+$/);
    expect(rule.meta.description.length).toBeGreaterThan(10);
    expect(rule.meta.remediation.length).toBeGreaterThan(10);
    expect(rule.meta.remediation).not.toContain('TODO');
    expect(rule.meta.docs.rationale.length).toBeGreaterThan(20);
    expect(Object.keys(rule.messages).length).toBeGreaterThan(0);
    if (rule.meta.falcoCode) expect(rule.meta.falcoCode).toMatch(/^LOAD_[A-Z_]+$/);
  });

  it('reports its bad example', async () => {
    const found = await lintFiles(rule.meta.docs.bad);
    expect(found.filter((f) => f.ruleId === id).length, JSON.stringify(found)).toBeGreaterThan(0);
  });

  it('does not report its good example, which has no error either', async () => {
    const found = await lintFiles(rule.meta.docs.good);
    expect(found.filter((f) => f.ruleId === id || f.severity === 'error')).toEqual([]);
  });
});
