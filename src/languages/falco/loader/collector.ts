/**
 * Definitions accumulated across rules files in load order, as Falco's rule_loader::collector
 * keeps them: a redefinition keeps the first definition's place but becomes visible from its own
 * position; appends and overrides edit the earlier definition.
 */
import { catalogOf } from '../fields/index.js';
import { append } from '../../../core/arrays.js';
import { parse } from '../condition/parser.js';
import { ruleMessage } from '../../../core/rule.js';
import { invalidDefinition } from '../rules/invalid-definition.js';
import { unknownSource } from '../rules/unknown-source.js';
import { LoadError, atNode } from './results.js';
import type { Results } from './results.js';
import type {
  ExceptionEntry,
  ExceptionInfo,
  ListInfo,
  Location,
  MacroInfo,
  Priority,
  RuleInfo,
} from './types.js';
import type { SourcedText } from './text.js';
import { pluginOf } from './plugins.js';
import {
  ALL_OPERATORS,
  LIST_OPERATORS,
  STR_SYMBOL_OPERATORS,
  STR_WORD_OPERATORS,
} from '../condition/lexer.js';

interface Named {
  name: string;
  index: number;
  visibility: number;
}

class Indexed<T extends Named> {
  readonly byName = new Map<string, T>();
  readonly order: T[] = [];

  get(name: string): T | undefined {
    return this.byName.get(name);
  }

  define(info: T, id: number): void {
    const prev = this.byName.get(name(info));
    if (prev) {
      info.index = prev.index;
      info.visibility = id;
      this.order[this.order.indexOf(prev)] = info;
    } else {
      info.index = id;
      info.visibility = id;
      this.order.push(info);
    }
    this.byName.set(info.name, info);
  }
}

const name = (info: Named): string => info.name;

export interface RuleUpdate {
  name: string;
  /** The `source` the appending or overriding item names, if it names one. */
  source?: string;
  location: Location;
  condition?: SourcedText;
  output?: SourcedText;
  description?: string;
  tags?: string[];
  exceptions?: ExceptionInfo[];
  priority?: Priority;
  enabled?: boolean;
  warnEvttypes?: boolean;
  skipIfUnknownFilter?: boolean;
  capture?: boolean;
  captureDuration?: number;
}

const MODIFIERS = new Set(['oneof', 'anyof', 'allof']);
const STR_OPS = new Set<string>([...STR_SYMBOL_OPERATORS, ...STR_WORD_OPERATORS]);
const LIST_OPS = new Set<string>(LIST_OPERATORS);

/** An exception comparison: an operator, or a string operator with a modifier (`startswith oneof`). */
export function normalizeComp(comp: string): { op: string; valid: boolean; list: boolean } {
  const words = comp.trim().split(/\s+/);
  const op = words.join(' ');
  if (words.length === 1) return { op, valid: ALL_OPERATORS.includes(op), list: LIST_OPS.has(op) };
  const valid = words.length === 2 && STR_OPS.has(words[0] as string) && MODIFIERS.has(words[1] as string);
  return { op, valid, list: valid };
}

/** Whether an exception's field (`proc.name`, `tolower(proc.name)`) exists in a source. */
function isFieldDefined(source: string, field: string): boolean {
  const catalog = catalogOf(source);
  if (!catalog) return true;
  const parsed = parse(`${field} exists`);
  if (!('ast' in parsed) || parsed.ast.kind !== 'unary') return false;
  let left = parsed.ast.left;
  while (left.kind === 'transformer') {
    const inner = left.args[0];
    if (!inner || inner.kind === 'value') return false;
    left = inner;
  }
  const known = catalog.fields.get(left.name);
  if (known) return left.arg === undefined || known.argAllowed;
  for (let dot = left.name.lastIndexOf('.'); dot > 0; dot = left.name.lastIndexOf('.', dot - 1)) {
    if (catalog.fields.get(left.name.slice(0, dot))?.argAllowed) return true;
  }
  return false;
}

function entryItems(entry: ExceptionEntry | undefined): ExceptionEntry[] {
  return entry?.items ?? [];
}

export class Collector {
  readonly lists = new Indexed<ListInfo>();
  readonly macros = new Indexed<MacroInfo>();
  readonly rules = new Indexed<RuleInfo>();
  /** Names whose definition failed: later references to them are not reported again. */
  readonly broken = new Set<string>();
  /**
   * The words of the conditions and items of items dropped for an error: a list or macro they
   * name is not reported unused (a follow-on of the error that Falco, stopping there, never shows).
   */
  readonly namedByBroken = new Set<string>();
  private id = 0;

  constructor(
    private readonly results: Results,
    /** Event sources Falco would know: syscall and those of the plugins the files require. */
    readonly knownSources: ReadonlySet<string>,
  ) {}

  /** A LOAD_ERR_VALIDATE of Falco's: the item is abandoned. */
  private fail(
    message: ReturnType<typeof ruleMessage>,
    location: Location,
    itemType: 'list' | 'macro' | 'rule' | 'exception',
    item: string,
  ): never {
    throw new LoadError(message, atNode(location.file, location.node), itemType, item);
  }

  defineList(info: ListInfo): void {
    this.lists.define(info, this.id++);
  }

  appendList(info: ListInfo): void {
    const prev = this.lists.get(info.name);
    if (!prev) {
      this.fail(ruleMessage(invalidDefinition, 'listAppendUndefined'), info.location, 'list', info.name);
    }
    append(prev.items, info.items);
    prev.visibility = this.id++;
  }

  defineMacro(info: MacroInfo): void {
    this.macros.define(info, this.id++);
  }

  appendMacro(info: MacroInfo): void {
    const prev = this.macros.get(info.name);
    if (!prev) {
      this.fail(ruleMessage(invalidDefinition, 'macroAppendUndefined'), info.location, 'macro', info.name);
    }
    prev.condition.append(' ').appendText(info.condition);
    prev.visibility = this.id++;
  }

  defineRule(info: RuleInfo): void {
    const prev = this.rules.get(info.name);
    if (prev && prev.source !== info.source) {
      this.fail(ruleMessage(invalidDefinition, 'otherSource'), info.location, 'rule', info.name);
    }
    if (!this.knownSources.has(info.source) || !catalogOf(info.source)) {
      info.unknownSource = true;
      const plugin = pluginOf(info.source);
      this.results.add(
        plugin
          ? ruleMessage(unknownSource, 'pluginSource', { source: info.source, plugin })
          : ruleMessage(unknownSource, 'unknown', { source: info.source }),
        atNode(info.location.file, info.location.node),
        'rule',
        info.name,
      );
    }
    for (const ex of info.exceptions) {
      if (!ex.fields) {
        this.fail(ruleMessage(invalidDefinition, 'exceptionNoFields'), ex.location, 'exception', ex.name);
      }
      this.validateException(info.unknownSource ? undefined : info.source, ex);
    }
    this.rules.define(info, this.id++);
  }

  /** Falco's validate_exception_info: default comps, equal lengths, known operators and fields. */
  validateException(source: string | undefined, ex: ExceptionInfo): void {
    const fields = ex.fields as ExceptionEntry;
    if (fields.items) {
      if (!ex.comps) {
        ex.comps = { items: fields.items.map(() => ({ item: '=', node: fields.node })), node: fields.node };
      }
      const comps = entryItems(ex.comps);
      if (!ex.comps.items || comps.length !== fields.items.length) {
        this.fail(ruleMessage(invalidDefinition, 'fieldsCompsLength'), ex.location, 'exception', ex.name);
      }
      for (const comp of comps) {
        const normalized = normalizeComp(comp.item ?? '');
        if (!normalized.valid) {
          this.fail(
            ruleMessage(invalidDefinition, 'unsupportedOperator', { operator: normalized.op }),
            ex.location,
            'exception',
            ex.name,
          );
        }
        comp.item = normalized.op;
      }
      if (source) {
        for (const field of fields.items) {
          if (!isFieldDefined(source, field.item ?? '')) {
            this.fail(
              ruleMessage(invalidDefinition, 'unsupportedField', { field: field.item ?? '' }),
              ex.location,
              'exception',
              ex.name,
            );
          }
        }
      }
    } else {
      ex.comps ??= { item: 'in', node: fields.node };
      if (ex.comps.items)
        this.fail(ruleMessage(invalidDefinition, 'fieldsCompsStrings'), ex.location, 'exception', ex.name);
      const comp = (ex.comps.item ?? '').trim();
      if (comp !== 'in' && comp !== 'pmatch' && comp !== 'intersects') {
        this.fail(ruleMessage(invalidDefinition, 'singleFieldComp'), ex.location, 'exception', ex.name);
      }
      ex.comps.item = comp;
      if (source && !isFieldDefined(source, fields.item ?? '')) {
        this.fail(
          ruleMessage(invalidDefinition, 'unsupportedField', { field: fields.item ?? '' }),
          ex.location,
          'exception',
          ex.name,
        );
      }
    }
  }

  private sourceOf(prev: RuleInfo): string | undefined {
    return prev.unknownSource ? undefined : prev.source;
  }

  private checkSource(prev: RuleInfo, update: RuleUpdate): void {
    if (update.source !== undefined && update.source !== prev.source) {
      this.fail(ruleMessage(invalidDefinition, 'otherSource'), update.location, 'rule', update.name);
    }
  }

  appendRule(update: RuleUpdate): void {
    const prev = this.rules.get(update.name);
    if (!prev) {
      this.fail(ruleMessage(invalidDefinition, 'ruleAppendUndefined'), update.location, 'rule', update.name);
    }
    this.checkSource(prev, update);
    const hasAny =
      update.condition !== undefined ||
      update.exceptions !== undefined ||
      update.output !== undefined ||
      update.description !== undefined ||
      update.tags !== undefined;
    if (!hasAny) {
      this.fail(ruleMessage(invalidDefinition, 'appendNothing'), update.location, 'rule', update.name);
    }
    if (update.condition && update.condition.text.length > 0) {
      prev.condition.append(' ').appendText(update.condition);
      prev.conditionLocation ??= update.location;
    }
    if (update.output && update.output.text.length > 0) prev.output.append(' ').appendText(update.output);
    if (update.description) prev.description += ` ${update.description}`;
    if (update.tags) for (const tag of update.tags) if (!prev.tags.includes(tag)) prev.tags.push(tag);
    for (const ex of update.exceptions ?? []) {
      const existing = prev.exceptions.find((e) => e.name === ex.name);
      if (!existing) {
        if (!ex.fields) {
          this.fail(
            ruleMessage(invalidDefinition, 'appendExceptionNoFields'),
            ex.location,
            'exception',
            ex.name,
          );
        }
        if (ex.values.length === 0) {
          this.fail(
            ruleMessage(invalidDefinition, 'appendExceptionNoValues'),
            ex.location,
            'exception',
            ex.name,
          );
        }
        this.validateException(this.sourceOf(prev), ex);
        prev.exceptions.push(ex);
      } else {
        if (ex.fields) {
          this.fail(
            ruleMessage(invalidDefinition, 'appendExceptionFields'),
            ex.location,
            'exception',
            ex.name,
          );
        }
        if (ex.comps) {
          this.fail(
            ruleMessage(invalidDefinition, 'appendExceptionComps'),
            ex.location,
            'exception',
            ex.name,
          );
        }
        append(existing.values, ex.values);
      }
    }
    prev.visibility = this.id++;
  }

  replaceRule(update: RuleUpdate): void {
    const prev = this.rules.get(update.name);
    if (!prev) {
      this.fail(ruleMessage(invalidDefinition, 'replaceUndefined'), update.location, 'rule', update.name);
    }
    this.checkSource(prev, update);
    if (update.condition) {
      prev.condition = update.condition;
      prev.conditionLocation = update.location;
    }
    if (update.output) prev.output = update.output;
    if (update.description !== undefined) prev.description = update.description;
    if (update.tags) prev.tags = update.tags;
    if (update.exceptions) {
      for (const ex of update.exceptions) this.validateException(this.sourceOf(prev), ex);
      prev.exceptions = update.exceptions;
    }
    if (update.priority) prev.priority = update.priority;
    if (update.enabled !== undefined) prev.enabled = update.enabled;
    if (update.warnEvttypes !== undefined) prev.warnEvttypes = update.warnEvttypes;
    if (update.skipIfUnknownFilter !== undefined) prev.skipIfUnknownFilter = update.skipIfUnknownFilter;
    if (update.capture !== undefined) prev.capture = update.capture;
    if (update.captureDuration !== undefined) prev.captureDuration = update.captureDuration;
    prev.visibility = this.id++;
  }

  enableRule(nameOf: string, enabled: boolean, location: Location): void {
    const prev = this.rules.get(nameOf);
    if (!prev) this.fail(ruleMessage(invalidDefinition, 'enabledUndefined'), location, 'rule', nameOf);
    prev.enabled = enabled;
  }
}
