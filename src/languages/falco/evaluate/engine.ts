/**
 * A loaded ruleset, ready to meet events: every enabled rule compiled to a closure and indexed
 * by source and event type, as Falco's engine does, so an event only meets the rules that can
 * match its `evt.type`. Rules keep their load order; under `first` matching (Falco's default)
 * the first rule that matches is the only alert, under `all` every matching rule alerts.
 */
import type { Expr } from '../condition/ast.js';
import { CompileError, compileCondition, compileForType } from './compile.js';
import type { Predicate } from './compile.js';
import { eventTypes, hasType } from './evttypes.js';
import type { TypeSet } from './evttypes.js';
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

/** A rule as it meets the events of one type: its condition specialised for that type. */
export interface TypedRule {
  compiled: CompiledRule;
  test: Predicate;
}

class SourceIndex {
  private readonly byType = new Map<string, TypedRule[]>();
  private readonly untyped: TypedRule[];
  constructor(readonly rules: CompiledRule[]) {
    this.untyped = rules.map((compiled) => ({ compiled, test: compiled.test }));
  }

  /** The rules that can match events of this type, in load order, specialised for it. */
  candidates(type: unknown): readonly TypedRule[] {
    if (typeof type !== 'string') return this.untyped;
    let list = this.byType.get(type);
    if (list === undefined) {
      list = [];
      for (const compiled of this.rules) {
        if (!hasType(compiled.types, type)) continue;
        const test = compileForType(compiled.rule.condition, type, compiled.rule.source);
        if (test === false) continue;
        list.push({ compiled, test: test === true ? () => true : test });
      }
      if (this.byType.size < MAX_CACHED_TYPES) this.byType.set(type, list);
    }
    return list;
  }
}

export class Ruleset {
  readonly compiled: CompiledRule[] = [];
  readonly problems: RuleProblem[] = [];
  /** Names of the rules loaded with `enabled: false`. */
  readonly disabled = new Set<string>();
  private readonly sources = new Map<string, SourceIndex>();

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
    for (const [source, list] of bySource) this.sources.set(source, new SourceIndex(list));
  }

  /**
   * The rules an event meets. An event without `evt.type` (an alert that did not print it) meets
   * every rule of its source: the index only ever narrows, never decides.
   */
  candidates(event: EngineEvent): readonly TypedRule[] {
    const index = this.sources.get(event.source);
    if (index === undefined) return [];
    return index.candidates(event.fields['evt.type']);
  }

  /** The rules that fire for the event, in load order: at most one under `first`. */
  evaluate(event: EngineEvent): CompiledRule[] {
    const out: CompiledRule[] = [];
    for (const { compiled, test } of this.candidates(event)) {
      if (test(event.fields)) {
        out.push(compiled);
        if (this.matching === 'first') break;
      }
    }
    return out;
  }

  /** The first rule that fires, without allocating: the hot path of `first` matching. */
  first(event: EngineEvent): CompiledRule | undefined {
    const candidates = this.candidates(event);
    const fields = event.fields;
    for (let i = 0; i < candidates.length; i++) {
      const candidate = candidates[i] as TypedRule;
      if (candidate.test(fields)) return candidate.compiled;
    }
    return undefined;
  }
}
