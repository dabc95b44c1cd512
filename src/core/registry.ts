import type { RuleDefinition } from './rule.js';

/** The one table of every rule of every language, keyed by id. */
export class RuleRegistry {
  private readonly byId = new Map<string, RuleDefinition>();

  constructor(rules: Iterable<RuleDefinition>) {
    for (const rule of rules) {
      if (this.byId.has(rule.id)) throw new Error(`rule ${rule.id} is defined twice`);
      this.byId.set(rule.id, rule);
    }
  }

  get(id: string): RuleDefinition | undefined {
    return this.byId.get(id);
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  /** Every rule, sorted by id. */
  all(): RuleDefinition[] {
    return [...this.byId.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  ids(): string[] {
    return this.all().map((r) => r.id);
  }
}
