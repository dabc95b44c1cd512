/**
 * A loaded ruleset, ready to meet events: every enabled rule compiled to a closure and indexed
 * by source and event type, as Falco's engine does, so an event only meets the rules that can
 * match its `evt.type`. Rules keep their load order; under `first` matching (Falco's default)
 * the first rule that matches is the only alert, under `all` every matching rule alerts.
 */
import type { Expr } from '../condition/ast.js';
import { compileChain } from './chain.js';
import type { RuleChain } from './chain.js';
import { CompileError, compileCondition } from './compile.js';
import type { Predicate } from './compile.js';
import { eventTypes, hasType } from '../condition/evttypes.js';
import type { TypeSet } from '../condition/evttypes.js';
import type { Fields } from './fields.js';
import { compileOutput } from './output.js';
import type { OutputFormat } from './output.js';

/** What the evaluator needs of a loaded rule (the loader's compiled rule has all of it). */
export interface EvaluableRule {
  name: string;
  /** The condition with macros, lists and exceptions expanded. */
  condition: Expr;
  output: string;
  priority: string;
  source: string;
  tags: readonly string[];
  enabled: boolean;
}

export interface CompiledRule {
  rule: EvaluableRule;
  /** Position in load order. */
  index: number;
  test: Predicate;
  types: TypeSet;
  output: OutputFormat;
}

export interface RuleProblem {
  rule: string;
  message: string;
  start: number;
  end: number;
}

export type RuleMatching = 'first' | 'all';

/** An event as the engine sees it. */
export interface EngineEvent {
  source: string;
  fields: Fields;
}

const MAX_CACHED_TYPES = 4096;

/** A rule as it meets the events of one type. */
export interface TypedRule {
  compiled: CompiledRule;
}

/** The rules that can match events of one type, in load order, and their compiled chain. */
interface TypeEntry {
  candidates: readonly TypedRule[];
  /** `candidates`' rules, by the positions the chain answers with. */
  rules: readonly CompiledRule[];
  chain: RuleChain;
}

class SourceIndex {
  private readonly byType = new Map<string, TypeEntry>();
  private untypedEntry: TypeEntry | undefined;
  constructor(
    readonly source: string,
    readonly rules: readonly CompiledRule[],
  ) {}

  /**
   * The entry for events of this type, built on first sight. An event without a string type
   * meets every rule of the source, unfolded; so does one of a type seen after MAX_CACHED_TYPES
   * others (the index only ever narrows, never decides, so that is slower but the same answer).
   */
  entry(type: unknown): TypeEntry {
    if (typeof type !== 'string') return this.untyped();
    let entry = this.byType.get(type);
    if (entry === undefined) {
      if (this.byType.size >= MAX_CACHED_TYPES) return this.untyped();
      entry = this.build(type);
      this.byType.set(type, entry);
    }
    return entry;
  }

  private untyped(): TypeEntry {
    this.untypedEntry ??= this.build(undefined);
    return this.untypedEntry;
  }

  private build(type: string | undefined): TypeEntry {
    const possible = type === undefined ? this.rules : this.rules.filter((c) => hasType(c.types, type));
    const chain = compileChain(
      possible.map((c) => c.rule.condition),
      type,
      this.source,
    );
    const rules = chain.kept.map((i) => possible[i] as CompiledRule);
    return { candidates: rules.map((compiled) => ({ compiled })), rules, chain };
  }
}

export class Ruleset {
  readonly compiled: CompiledRule[] = [];
  readonly problems: RuleProblem[] = [];
  /** Names of the rules loaded with `enabled: false`. */
  readonly disabled = new Set<string>();
  private readonly sources = new Map<string, SourceIndex>();
  /** `fire`'s positions of the rules that fired, reused from one event to the next. */
  private readonly fired: number[] = [];

  constructor(
    rules: readonly EvaluableRule[],
    readonly matching: RuleMatching = 'first',
  ) {
    const bySource = new Map<string, CompiledRule[]>();
    rules.forEach((rule, index) => {
      if (!rule.enabled) {
        this.disabled.add(rule.name);
        return;
      }
      let test: Predicate;
      try {
        test = compileCondition(rule.condition, rule.source);
      } catch (error) {
        if (!(error instanceof CompileError)) throw error;
        this.problems.push({ rule: rule.name, message: error.message, start: error.start, end: error.end });
        return;
      }
      const compiled: CompiledRule = {
        rule,
        index,
        test,
        types: eventTypes(rule.condition),
        output: compileOutput(rule.output),
      };
      this.compiled.push(compiled);
      const list = bySource.get(rule.source) ?? [];
      list.push(compiled);
      bySource.set(rule.source, list);
    });
    for (const [source, list] of bySource) this.sources.set(source, new SourceIndex(source, list));
  }

  /**
   * The rules an event meets, in load order. An event without `evt.type` (an alert that did not
   * print it) meets every rule of its source: the index only ever narrows, never decides.
   */
  candidates(event: EngineEvent): readonly TypedRule[] {
    const index = this.sources.get(event.source);
    if (index === undefined) return [];
    return index.entry(event.fields['evt.type']).candidates;
  }

  /** The rules that fire for the event, in load order: at most one under `first`. */
  evaluate(event: EngineEvent): CompiledRule[] {
    if (this.matching === 'first') {
      const rule = this.first(event);
      return rule === undefined ? [] : [rule];
    }
    const index = this.sources.get(event.source);
    if (index === undefined) return [];
    const entry = index.entry(event.fields['evt.type']);
    const fired: number[] = [];
    entry.chain.all(event.fields, fired);
    return fired.map((at) => entry.rules[at] as CompiledRule);
  }

  /**
   * Calls `onRule` with each rule that fires for the event, in load order (at most one under
   * `first`): `evaluate` without a list built per event.
   */
  fire(event: EngineEvent, onRule: (rule: CompiledRule) => void): void {
    if (this.matching === 'first') {
      const rule = this.first(event);
      if (rule !== undefined) onRule(rule);
      return;
    }
    const index = this.sources.get(event.source);
    if (index === undefined) return;
    const entry = index.entry(event.fields['evt.type']);
    const fired = this.fired;
    // Emptied only when it holds something: setting the length is a call of its own.
    if (fired.length !== 0) fired.length = 0;
    entry.chain.all(event.fields, fired);
    for (let i = 0; i < fired.length; i++) onRule(entry.rules[fired[i] as number] as CompiledRule);
  }

  /** The first rule that fires, whatever the matching mode: the hot path of `first` matching. */
  first(event: EngineEvent): CompiledRule | undefined {
    const index = this.sources.get(event.source);
    if (index === undefined) return undefined;
    const entry = index.entry(event.fields['evt.type']);
    const at = entry.chain.first(event.fields);
    return at < 0 ? undefined : entry.rules[at];
  }
}
