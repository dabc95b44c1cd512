/**
 * Loads Falco rules files in order, as Falco 0.42-0.44 does: read every item into the collector,
 * then compile lists, macros and rules (list substitution, macro expansion, exceptions, field
 * and operator checks, outputs) and report what Falco reports, where it happens; then chs's own
 * checks over the compiled rules. Never throws for bad input.
 *
 * The compiled rules (`CompiledRule`, in ./types.ts) are what an evaluator consumes.
 */
import type { LoadOptions } from './types.js';
import type { YamlResult } from '../../../core/yaml.js';
import type { Expr, Node } from '../condition/ast.js';
import { parse } from '../condition/parser.js';
import { printCondition } from '../condition/print.js';
import { catalogOf, DEPRECATED_FIELDS, fieldMeant, resolveField, SYSCALL_SOURCE } from '../fields/index.js';
import { Collector, normalizeComp } from './collector.js';
import { ConditionCompiler } from './compile.js';
import { codeCount, eventTypes } from '../condition/evttypes.js';
import { addExceptions, expandMacros, listUsedAsValue, substituteLists } from './expand.js';
import type { CompiledList } from './expand.js';
import { outputTokens } from './output.js';
import { readRulesFile } from './read.js';
import { findingMessage, ruleMessage } from '../../../core/rule.js';
import type { RuleMessage } from '../../../core/rule.js';
import { conditionSyntax } from '../rules/condition-syntax.js';
import { deprecatedField } from '../rules/deprecated-field.js';
import { deprecatedItem } from '../rules/deprecated-item.js';
import { flowIndentation } from '../rules/flow-indentation.js';
import { outputFieldRunOn } from '../rules/output-field-run-on.js';
import { invalidOutput } from '../rules/invalid-output.js';
import { noEvttype } from '../rules/no-evttype.js';
import { undefinedMacro } from '../rules/undefined-macro.js';
import { unknownFilter } from '../rules/unknown-filter.js';
import { unusedList } from '../rules/unused-list.js';
import { unusedMacro } from '../rules/unused-macro.js';
import { atNode, LoadError, Results } from './results.js';
import type { Where } from './results.js';
import { hostRange } from './text.js';
import { undefinedNameHint } from './undefined-names.js';
import type { NameKind } from './undefined-names.js';
import type { SourcedText } from './text.js';
import type { LoadedFile } from './text.js';
import type { CompiledRule, ItemType, LoadMessage, MacroInfo, RuleInfo } from './types.js';
import { chsChecks } from './chs-checks.js';
import { parseRulesYaml } from './yaml-compat.js';
import { PLUGIN_SOURCES } from './plugins.js';

export type { CompiledRule } from './types.js';
export type { LoadedFile } from './text.js';

export type { LoadOptions };

export interface LoadResult {
  messages: LoadMessage[];
  /** Compiled rules in Falco's order (rules of unknown sources and rules that failed are left out). */
  rules: CompiledRule[];
  /** Expanded macro conditions by name. */
  macros: Map<string, Expr>;
  /** Compiled list items by name. */
  lists: Map<string, string[]>;
}

const CONTAINER_INFO = '%container.info';
const PARSE_DEPTH = 1000;

function requiredPlugins(parsed: YamlResult): string[] {
  if (!parsed.ok) return [];
  const names: string[] = [];
  for (const doc of parsed.documents) {
    if (doc.root?.kind !== 'seq') continue;
    for (const item of doc.root.items) {
      if (item.kind !== 'map') continue;
      const req = item.pairs.find((p) => p.key === 'required_plugin_versions')?.value;
      if (req?.kind !== 'seq') continue;
      for (const entry of req.items) {
        if (entry.kind !== 'map') continue;
        const collect = (m: typeof entry): void => {
          const n = m.pairs.find((p) => p.key === 'name')?.value;
          if (n?.kind === 'scalar' && typeof n.value === 'string') names.push(n.value);
        };
        collect(entry);
        const alts = entry.pairs.find((p) => p.key === 'alternatives')?.value;
        if (alts?.kind === 'seq') for (const alt of alts.items) if (alt.kind === 'map') collect(alt);
      }
    }
  }
  return names;
}

interface ParsedCondition {
  ast: Expr;
  text: SourcedText;
}

/**
 * `spawned_process and A or B`: the rule's own top-level 'or' where one alternative restricts the
 * event type and another does not, the usual sign of a missing pair of parentheses. The
 * alternatives are those of the written condition; their event types, of the expanded one.
 */
function broadAlternative(written: Expr, expanded: Expr): Expr | undefined {
  if (written.kind !== 'or' || expanded.kind !== 'or') return undefined;
  if (written.children.length !== expanded.children.length) return undefined;
  const counts = expanded.children.map((child) => codeCount(eventTypes(child)));
  if (!counts.some((n) => n <= 100)) return undefined;
  return broadest(written, expanded, counts);
}

/** The innermost alternative that matches every event type: `A or (B and C or D)` names D. */
function broadest(written: Expr, expanded: Expr, counts?: number[]): Expr | undefined {
  if (written.kind !== 'or' || expanded.kind !== 'or') return written;
  if (written.children.length !== expanded.children.length) return written;
  const index = (counts ?? expanded.children.map((child) => codeCount(eventTypes(child)))).findIndex(
    (n) => n > 100,
  );
  const w = written.children[index];
  const e = expanded.children[index];
  return w && e ? broadest(w, e) : undefined;
}

export function loadRules(files: readonly LoadedFile[], options: LoadOptions = {}): LoadResult {
  const results = new Results();
  const read = files.map((file) => parseRulesYaml(file.text));
  const parsed = read.map((r) => r.result);
  const known = new Set<string>([SYSCALL_SOURCE]);
  const plugins = [...(options.plugins ?? []), ...parsed.flatMap(requiredPlugins)];
  for (const plugin of plugins) {
    for (const p of PLUGIN_SOURCES) if (p.plugin.test(plugin)) known.add(p.source);
  }
  const collector = new Collector(results, known);
  files.forEach((file, i) => {
    for (const join of read[i]?.joins ?? []) {
      results.add(
        join.value === undefined
          ? ruleMessage(flowIndentation, 'continued')
          : ruleMessage(flowIndentation, 'folded', { value: join.value }),
        { file, range: { start: join.start, end: join.end } },
        'rules content',
      );
    }
    readRulesFile(file, parsed[i] as YamlResult, collector, results);
  });
  return new Compiler(collector, results, options).run();
}

class Compiler {
  private readonly lists: CompiledList[] = [];
  private readonly listByName = new Map<string, CompiledList>();
  private readonly macroAst = new Map<string, Expr | 'broken'>();
  private readonly macroUsed = new Set<string>();
  /** The text each macro's and rule's expanded condition was parsed from. */
  private readonly rootText = new WeakMap<Expr, SourcedText>();

  constructor(
    private readonly collector: Collector,
    private readonly results: Results,
    private readonly options: LoadOptions,
  ) {}

  run(): LoadResult {
    this.compileLists();
    this.compileMacros();
    const rules = this.compileRules();
    const followOn = this.collector.namedByBroken;
    for (const macro of this.collector.macros.order) {
      if (!this.macroUsed.has(macro.name) && !followOn.has(macro.name)) {
        this.add(
          ruleMessage(unusedMacro, 'unused'),
          atNode(macro.location.file, macro.location.node),
          'macro',
          macro.name,
        );
      }
    }
    for (const list of this.collector.lists.order) {
      if (!this.listByName.get(list.name)?.used && !followOn.has(list.name)) {
        this.add(
          ruleMessage(unusedList, 'unused'),
          atNode(list.location.file, list.location.node),
          'list',
          list.name,
        );
      }
    }
    chsChecks(rules, this.collector, this.options, (message, where, name) =>
      this.add(message, where, 'rule', name),
    );
    const macros = new Map<string, Expr>();
    for (const [name, ast] of this.macroAst) if (ast !== 'broken') macros.set(name, ast);
    return {
      messages: this.results.messages,
      rules,
      macros,
      lists: new Map(this.lists.map((l) => [l.name, l.items])),
    };
  }

  private add(message: RuleMessage, where: Where, itemType: ItemType, name?: string): void {
    this.results.add(message, where, itemType, name);
  }

  private compileLists(): void {
    const used = new Set<string>();
    for (const list of this.collector.lists.order) {
      const items: string[] = [];
      for (const item of list.items) {
        const ref = this.collector.lists.get(item.value);
        if (ref && ref.index < list.visibility) {
          used.add(ref.name);
          for (const v of ref.items) items.push(v.value);
        } else items.push(item.value);
      }
      const compiled = { name: list.name, items, used: false };
      this.lists.push(compiled);
      this.listByName.set(list.name, compiled);
    }
    for (const name of used) {
      const compiled = this.listByName.get(name);
      if (compiled) compiled.used = true;
    }
  }

  /** List substitution and parsing; a syntax error is reported at its token. */
  private parseCondition(
    source: SourcedText,
    fallback: Where,
    itemType: ItemType,
    name: string,
  ): ParsedCondition | undefined {
    const text = source.clone();
    substituteLists(text, this.lists);
    const result = parse(text.text, { maxDepth: PARSE_DEPTH });
    if (!('ast' in result)) {
      const misuse = listUsedAsValue(source.text, (word) => this.listByName.has(word), PARSE_DEPTH);
      const at = misuse && source.locate(misuse.start, misuse.end);
      if (misuse && at) {
        const { list, instead, field, op } = misuse;
        this.add(
          ruleMessage(conditionSyntax, 'listAsValue', { list, instead, field, op }),
          at,
          itemType,
          name,
        );
        return undefined;
      }
      const end = tokenEnd(text.text, result.offset);
      this.add(
        ruleMessage(conditionSyntax, 'syntax', { error: result.error }),
        text.locate(result.offset, end) ?? fallback,
        itemType,
        name,
      );
      return undefined;
    }
    return { ast: result.ast, text };
  }

  private where(node: Node, text: SourcedText | undefined, fallback: Where): Where {
    return text?.locate(node.start, node.end) ?? fallback;
  }

  private compileMacros(): void {
    const parsed = new Map<string, ParsedCondition | undefined>();
    const macros = this.collector.macros.order;
    for (const macro of macros) {
      const fallback = atNode(macro.location.file, macro.location.node);
      parsed.set(macro.name, this.parseCondition(macro.condition, fallback, 'macro', macro.name));
    }
    for (const macro of macros) {
      const p = parsed.get(macro.name);
      if (!p) {
        this.macroAst.set(macro.name, 'broken');
        continue;
      }
      const expanded = this.expand(p, macro, (m) => m.index < macro.visibility, 'macro', macro.name);
      this.rootText.set(expanded, p.text);
      this.macroAst.set(macro.name, expanded);
    }
  }

  /** Set by expand when a macro reference could not be resolved. */
  private unresolved = false;

  private expand(
    { ast, text }: ParsedCondition,
    owner: MacroInfo | RuleInfo,
    visible: (m: MacroInfo) => boolean,
    itemType: ItemType,
    name: string,
  ): Expr {
    const fallback = atNode(owner.location.file, owner.location.node);
    this.unresolved = false;
    return expandMacros(
      ast,
      (macroName) => {
        const info = this.collector.macros.get(macroName);
        const found =
          !info || !visible(info)
            ? this.collector.broken.has(macroName)
              ? 'broken'
              : undefined
            : (this.macroAst.get(macroName) ?? 'broken');
        if (found === 'broken') this.unresolved = true;
        return found;
      },
      (node) => {
        this.unresolved = true;
        const info = this.collector.macros.get(node.name);
        const hint = info
          ? ` It is defined further on (${info.location.file.path}): Falco sees a macro only from its definition onwards, so move the definition above this ${itemType}.`
          : this.undefinedHint('macro', node.name);
        this.add(
          ruleMessage(undefinedMacro, 'undefined', { name: node.name, hint }),
          this.where(node, text, fallback),
          itemType,
          name,
        );
      },
      (macroName) => this.macroUsed.add(macroName),
    );
  }

  /** What to say about a macro or list name that nothing defines (a close name, the official file). */
  private undefinedHint(kind: NameKind, name: string): string {
    const defined =
      kind === 'macro' ? this.collector.macros.order.map((m) => m.name) : this.lists.map((l) => l.name);
    return undefinedNameHint(kind, name, { defined, noBaseline: this.options.noBaseline === true });
  }

  private compileRules(): CompiledRule[] {
    const compiled: CompiledRule[] = [];
    const listNames = new Set(this.lists.map((l) => l.name));
    for (const rule of this.collector.rules.order) {
      if (rule.unknownSource) continue;
      const catalog = catalogOf(rule.source);
      if (!catalog) continue;
      const ruleWhere = atNode(rule.location.file, rule.location.node);
      try {
        let condition = rule.condition;
        if (rule.exceptions.length > 0)
          condition = addExceptions(rule.condition, rule.exceptions, (c) => normalizeComp(c).list);
        const outputOk = this.checkOutput(rule, catalog);
        const p = this.parseCondition(condition, ruleWhere, 'rule', rule.name);
        if (!p) continue;
        const expanded = this.expand(p, rule, () => true, 'rule', rule.name);
        this.rootText.set(expanded, p.text);
        let failed = !outputOk || this.unresolved;
        let skipped = outputOk === 'skip';
        const compiler: ConditionCompiler = new ConditionCompiler(
          catalog,
          {
            error: (message, node, unknown) => {
              if (unknown && rule.skipIfUnknownFilter) {
                // Falco reports the same text as a warning and skips the rule.
                this.add(
                  ruleMessage(unknownFilter, 'skipped', { detail: findingMessage(message) }),
                  this.where(node, compiler.text, ruleWhere),
                  'rule',
                  rule.name,
                );
                skipped = true;
              } else {
                this.add(message, this.where(node, compiler.text, ruleWhere), 'rule', rule.name);
                failed = true;
              }
            },
            warn: (message, node) =>
              this.add(message, this.where(node, compiler.text, ruleWhere), 'rule', rule.name),
            written: (node) => compiler.text?.isWritten(node.start, node.end) ?? false,
          },
          listNames,
          (name) => this.undefinedHint('list', name),
        );
        compiler.compile(expanded, (e) => this.rootText.get(e));
        if (failed || skipped) continue;
        if (rule.source === SYSCALL_SOURCE && rule.warnEvttypes && codeCount(eventTypes(expanded)) > 100) {
          const broad = broadAlternative(p.ast, expanded);
          const at = broad && p.text.locate(broad.start, broad.end);
          if (broad && at?.range) {
            // As written (the list names, not their substituted items).
            const branch = at.file.text.slice(at.range.start, at.range.end).replace(/\s+/g, ' ');
            this.add(ruleMessage(noEvttype, 'orOnTop', { branch }), at, 'rule', rule.name);
          } else {
            this.add(ruleMessage(noEvttype, 'tooMany'), ruleWhere, 'rule', rule.name);
          }
        }
        compiled.push(this.toCompiled(rule, expanded));
      } catch (error) {
        if (!(error instanceof LoadError)) throw error;
        this.add(error.result, error.where, error.itemType, error.itemName);
      }
    }
    return compiled;
  }

  /** Output placeholders; false when Falco would refuse the output, 'skip' when it skips the rule. */
  private checkOutput(rule: RuleInfo, catalog: NonNullable<ReturnType<typeof catalogOf>>): boolean | 'skip' {
    const output = rule.output;
    const ruleWhere = atNode(rule.location.file, rule.location.node);
    const containerInfo = output.text.indexOf(CONTAINER_INFO);
    if (containerInfo !== -1) {
      this.add(
        ruleMessage(deprecatedItem, 'containerInfo'),
        output.locate(containerInfo, containerInfo + CONTAINER_INFO.length) ?? ruleWhere,
        'rule',
        rule.name,
      );
    }
    let ok: boolean | 'skip' = true;
    for (const token of outputTokens(output.text)) {
      if (token.name === 'container.info') continue;
      const resolved = resolveField(catalog, token.name, token.arg);
      if (resolved.ok) continue;
      const where = output.locate(token.start, token.end) ?? ruleWhere;
      const prefix =
        resolved.unknown && token.arg === undefined ? fieldPrefix(catalog, token.name) : undefined;
      if (prefix) {
        // libsinsp's formatter takes the longest field name the token starts with; the rest is text.
        const rest = token.name.slice(prefix.length);
        this.add(
          ruleMessage(outputFieldRunOn, 'runOn', { token: token.name, field: prefix, rest }),
          where,
          'rule',
          rule.name,
        );
        continue;
      }
      const meant = resolved.unknown ? fieldMeant(catalog, token.name, token.arg) : undefined;
      const message =
        meant === undefined
          ? ruleMessage(invalidOutput, 'token', { token: token.field })
          : ruleMessage(invalidOutput, 'tokenMeant', { token: token.field, meant });
      if (rule.skipIfUnknownFilter) {
        this.add(
          ruleMessage(unknownFilter, 'skipped', { detail: findingMessage(message) }),
          where,
          'rule',
          rule.name,
        );
        ok = 'skip';
      } else {
        this.add(message, where, 'rule', rule.name);
        if (ok !== 'skip') ok = false;
      }
    }
    for (const field of DEPRECATED_FIELDS) {
      const at = output.text.indexOf(field);
      if (at !== -1 && !output.text.startsWith(`${field}.`, at)) {
        this.add(
          ruleMessage(deprecatedField, 'inOutput', { field }),
          output.locate(at, at + field.length) ?? ruleWhere,
          'rule',
          rule.name,
        );
      }
    }
    return ok;
  }

  private toCompiled(rule: RuleInfo, condition: Expr): CompiledRule {
    let text: string | undefined;
    const out: CompiledRule = {
      name: rule.name,
      condition,
      get conditionText(): string {
        text ??= printCondition(condition);
        return text;
      },
      output: rule.output.text.replace(CONTAINER_INFO, '').trim(),
      priority: rule.priority,
      source: rule.source,
      tags: [...rule.tags].sort(),
      enabled: rule.enabled,
      description: rule.description,
      capture: rule.capture,
      exceptionFields: [
        ...new Set(
          rule.exceptions.flatMap((e) =>
            e.fields?.items ? e.fields.items.map((f) => f.item ?? '') : [e.fields?.item ?? ''],
          ),
        ),
      ],
      file: rule.location.file.path,
      range: hostRange(rule.location.file, { start: rule.location.node.start, end: rule.location.node.end }),
      index: rule.index,
    };
    if (rule.captureDuration !== undefined) out.captureDuration = rule.captureDuration;
    return out;
  }
}

/** The longest field name (taking no argument) that `name` starts with, as libsinsp's formatter finds it. */
function fieldPrefix(catalog: NonNullable<ReturnType<typeof catalogOf>>, name: string): string | undefined {
  for (let end = name.length - 1; end > 0; end--) {
    const field = catalog.fields.get(name.slice(0, end));
    if (field && !field.argRequired) return field.name;
  }
  return undefined;
}

function tokenEnd(text: string, offset: number): number {
  let end = offset;
  while (end < text.length && !/\s/.test(text[end] as string)) end++;
  return Math.max(end, offset + 1);
}
