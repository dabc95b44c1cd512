import { describe, expect, it } from 'vitest';
import { registry } from '../../src/languages/index.js';

describe('every rule', () => {
  const rules = registry.all();
  it('is registered', () => {
    expect(rules.length).toBeGreaterThan(0);
  });
  it.each(rules.map((rule) => [rule.meta.id, rule] as const))(
    '%s has an id, a description, documentation and messages',
    (id, rule) => {
      expect(id).toMatch(/^[a-z0-9-]+\/[a-z0-9-]+$/);
      expect(rule.meta.description.length).toBeGreaterThan(10);
      expect(rule.meta.docs.rationale.length).toBeGreaterThan(20);
      expect(Object.keys(rule.messages).length).toBeGreaterThan(0);
      expect(['error', 'warning', 'info']).toContain(rule.meta.severity);
      if (rule.meta.falcoCode) expect(rule.meta.falcoCode).toMatch(/^LOAD_[A-Z_]+$/);
    },
  );
});
