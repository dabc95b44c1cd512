import { describe, expect, it } from 'vitest';
import { registry } from '../../src/languages/index.js';

describe('every rule', () => {
  const rules = registry.all();
  it('is registered', () => {
    expect(rules.length).toBeGreaterThan(0);
  });
  it.each(rules.map((rule) => [rule.id, rule] as const))(
    '%s has an id, a description, documentation and messages',
    (id, rule) => {
      expect(id).toMatch(/^[a-z0-9-]+\/[a-z0-9-]+$/);
      expect(rule.description.length).toBeGreaterThan(10);
      expect(rule.docs.length).toBeGreaterThan(20);
      expect(Object.keys(rule.messages).length).toBeGreaterThan(0);
      expect(['error', 'warning', 'info']).toContain(rule.defaultSeverity);
      if (rule.falcoCode) expect(rule.falcoCode).toMatch(/^LOAD_[A-Z_]+$/);
    },
  );
});
