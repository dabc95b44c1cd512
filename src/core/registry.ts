import type { AnyRule } from './rule.js';

/** The one table of every rule of every language, keyed by id. */
export class RuleRegistry {
  private readonly byId = new Map<string, AnyRule>();

  constructor(rules: Iterable<AnyRule>) {
    for (const rule of rules) {
      if (this.byId.has(rule.meta.id)) throw new Error(`rule ${rule.meta.id} is defined twice`);
      this.byId.set(rule.meta.id, rule);
    }
  }

  get(id: string): AnyRule | undefined {
    return this.byId.get(id);
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  /** Every rule, sorted by id. */
  all(): AnyRule[] {
    return [...this.byId.values()].sort((a, b) =>
      a.meta.id < b.meta.id ? -1 : a.meta.id > b.meta.id ? 1 : 0,
    );
  }

  ids(): string[] {
    return this.all().map((r) => r.meta.id);
  }
}
