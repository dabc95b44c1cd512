/**
 * The rules of the base and of the head replayed together. Whether a rule's condition holds on an
 * event depends only on the condition (macros, lists and exceptions already expanded into it) and
 * its source, so a condition both sides share (every rule the change leaves alone, and every rule
 * whose macros and lists it leaves alone) is tested once per event; the other side, and the
 * evidence about changed conditions, reuse the answer. Each side keeps its own rule order and
 * matching mode, so the alerts are exactly those of two separate replays.
 */
import type { Expr } from '../languages/falco/index.js';
import type {
  EngineRule as CompiledRule,
  EngineEvent,
  Ruleset,
  TypedRule,
} from '../languages/falco/index.js';
import type { Fields } from '../languages/falco/index.js';

/** Offsets into the rules file: where a condition was written, not what it tests. */
const SPAN_KEYS = new Set(['start', 'end', 'opStart', 'opEnd']);

/** A key equal for two rules exactly when their expanded conditions and sources are the same. */
function conditionKey(source: string, condition: Expr): string {
  return `${source}\u0000${JSON.stringify(condition, (key, value: unknown) => (SPAN_KEYS.has(key) ? undefined : value))}`;
}

/** Candidate lists are cached by the engine per event type; their condition ids are cached here. */
const MAX_CACHED_LISTS = 8192;

export class PairedReplay {
  /** How many distinct conditions the two sides have (shared ones counted once). */
  readonly conditions: number;
  private readonly idOf = new Map<CompiledRule, number>();
  private readonly listIds = new Map<readonly TypedRule[], Int32Array>();
  /** `stamp[id] === serial` when condition `id` was tested on the current event; `value[id]` says how. */
  private readonly stamp: Uint32Array;
  private readonly value: Uint8Array;
  private serial = 0;
  private fields: Fields | undefined;

  constructor(
    readonly base: Ruleset,
    readonly head: Ruleset,
  ) {
    const ids = new Map<string, number>();
    for (const compiled of [...base.compiled, ...head.compiled]) {
      const key = conditionKey(compiled.rule.source, compiled.rule.condition);
      let id = ids.get(key);
      if (id === undefined) ids.set(key, (id = ids.size));
      this.idOf.set(compiled, id);
    }
    this.conditions = ids.size;
    this.stamp = new Uint32Array(ids.size);
    this.value = new Uint8Array(ids.size);
  }

  /** Starts an event: every condition is untested on it. */
  begin(event: EngineEvent): void {
    this.fields = event.fields;
    if (this.serial === 0xffffffff) {
      this.stamp.fill(0);
      this.serial = 0;
    }
    this.serial++;
  }

  /** The rules of one side that fire on the current event, in load order (at most one under `first`). */
  fire(side: Ruleset, event: EngineEvent, onRule: (rule: CompiledRule) => void): void {
    const candidates = side.candidates(event);
    if (candidates.length === 0) return;
    const ids = this.idsOf(candidates);
    const first = side.matching === 'first';
    const fields = event.fields;
    for (let i = 0; i < candidates.length; i++) {
      const candidate = candidates[i] as TypedRule;
      if (this.holds(ids[i] as number, candidate.compiled.test, fields)) {
        onRule(candidate.compiled);
        if (first) return;
      }
    }
  }

  /** Whether a rule's condition holds on the current event (tested at most once per event). */
  test(rule: CompiledRule): boolean {
    const id = this.idOf.get(rule);
    const fields = this.fields as Fields;
    return id === undefined ? rule.test(fields) : this.holds(id, rule.test, fields);
  }

  private holds(id: number, test: (fields: Fields) => boolean, fields: Fields): boolean {
    if (this.stamp[id] === this.serial) return this.value[id] === 1;
    const holds = test(fields);
    this.stamp[id] = this.serial;
    this.value[id] = holds ? 1 : 0;
    return holds;
  }

  private idsOf(candidates: readonly TypedRule[]): Int32Array {
    let ids = this.listIds.get(candidates);
    if (ids === undefined) {
      ids = Int32Array.from(candidates, (c) => this.idOf.get(c.compiled) ?? -1);
      if (this.listIds.size < MAX_CACHED_LISTS) this.listIds.set(candidates, ids);
    }
    return ids;
  }
}
