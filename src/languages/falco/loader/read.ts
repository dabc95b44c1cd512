/**
 * Reads a rules file's YAML into the collector as Falco's rule_loader::reader does, with its
 * messages: required keys, value types, overrides, the deprecated `append` and standalone
 * `enabled`, exceptions. One bad item is reported and skipped; the next items are still read.
 */
import { didYouMean } from '../../../core/did-you-mean.js';
import type { YamlMap, YamlNode, YamlPair, YamlResult, YamlScalar } from '../../../core/yaml.js';
import { SYSCALL_SOURCE } from '../fields/index.js';
import type { Collector, RuleUpdate } from './collector.js';
import { ruleMessage } from '../../../core/rule.js';
import type { RuleMessage } from '../../../core/rule.js';
import { appendNoValues } from '../rules/append-no-values.js';
import { deprecatedItem } from '../rules/deprecated-item.js';
import { engineVersion } from '../rules/engine-version.js';
import { exceptionNameNotUnique } from '../rules/exception-name-not-unique.js';
import { invalidDefinition } from '../rules/invalid-definition.js';
import { invalidItem } from '../rules/invalid-item.js';
import { invalidListName } from '../rules/invalid-list-name.js';
import { invalidMacroName } from '../rules/invalid-macro-name.js';
import { unknownItem } from '../rules/unknown-item.js';
import { unknownKey } from '../rules/unknown-key.js';
import { yamlSyntax } from '../rules/yaml-syntax.js';
import { atNode, LoadError } from './results.js';
import type { Results } from './results.js';
import { SourcedText } from './text.js';
import type { LoadedFile } from './text.js';
import type { ExceptionEntry, ExceptionInfo, ItemType, Location, Priority, RuleInfo } from './types.js';

/** The engine version chs checks `required_engine_version` against (Falco 0.44's, as assumed). */
const ENGINE_VERSION = [0, 59, 0] as const;

const RE_IDENTIFIER = /^[a-zA-Z]+[a-zA-Z0-9_]*$/;
const RE_BARESTR = /^[^()"'\s=,]+$/;

const KNOWN_KEYS: Record<'list' | 'macro' | 'rule', ReadonlySet<string>> = {
  list: new Set(['list', 'items', 'append', 'override']),
  macro: new Set(['macro', 'condition', 'append', 'override']),
  rule: new Set([
    'rule',
    'desc',
    'condition',
    'output',
    'priority',
    'source',
    'enabled',
    'tags',
    'exceptions',
    'append',
    'override',
    'warn_evttypes',
    'skip-if-unknown-filter',
    'capture',
    'capture_duration',
  ]),
};

const RULE_APPENDABLE = ['condition', 'output', 'desc', 'tags', 'exceptions'];
const RULE_REPLACEABLE = [
  'condition',
  'output',
  'desc',
  'priority',
  'tags',
  'exceptions',
  'enabled',
  'warn_evttypes',
  'skip-if-unknown-filter',
  'capture',
  'capture_duration',
];

const PRIORITIES: readonly Priority[] = [
  'Emergency',
  'Alert',
  'Critical',
  'Error',
  'Warning',
  'Notice',
  'Informational',
  'Debug',
];

/** Falco's parse_priority: any case, and `info` for Informational. */
function parsePriority(text: string): Priority | undefined {
  const lower = text.toLowerCase();
  if (lower === 'info') return 'Informational';
  return PRIORITIES.find((p) => p.toLowerCase() === lower);
}

/**
 * What Falco's "Invalid priority" is told: the priority meant (a prefix such as `WARN` or a near
 * miss such as `WARNNG`) and the valid ones, in the case the user writes them in.
 */
function invalidPriority(text: string): { priority: string; hint: string; priorities: string } {
  const upper = text.length > 0 && text === text.toUpperCase();
  const shown = (p: string): string => (upper ? p.toUpperCase() : p);
  const names = [...PRIORITIES, 'Info'];
  const lower = text.toLowerCase();
  const prefixed = lower.length >= 3 ? PRIORITIES.filter((p) => p.toLowerCase().startsWith(lower)) : [];
  const guess = prefixed.length === 1 ? prefixed[0] : didYouMean(text, names);
  const hint = guess === undefined || text.trim() === '' ? '' : `; did you mean "${shown(guess)}"?`;
  const list = PRIORITIES.map((p) =>
    p === 'Informational' ? `${shown(p)} (or ${shown('Info')})` : shown(p),
  );
  return { priority: text, hint, priorities: list.join(', ') };
}

const TRUE = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON']);
const FALSE = new Set(['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF']);

class ItemReader {
  /** The item's pairs, made once: a YAML node makes them each time it is asked. */
  readonly pairs: readonly YamlPair[];

  constructor(
    readonly file: LoadedFile,
    readonly item: YamlMap,
    readonly itemType: ItemType,
    public itemName: string | undefined,
  ) {
    this.pairs = item.kind === 'map' ? item.pairs : [];
  }

  node(key: string): YamlNode | undefined {
    return this.pairs.find((p) => p.key === key)?.value;
  }

  has(key: string): boolean {
    return this.pairs.some((p) => p.key === key);
  }

  fail(result: RuleMessage, node: YamlNode | undefined = this.pairs[0]?.value ?? this.item): never {
    throw new LoadError(result, atNode(this.file, node), this.itemType, this.itemName);
  }

  /** A non-empty scalar (Falco's decode_val); undefined when optional and absent. */
  scalar(key: string, optional = false): YamlScalar | undefined {
    const pair = this.pairs.find((p) => p.key === key);
    if (!pair) {
      if (optional) return undefined;
      this.fail(ruleMessage(invalidItem, 'noKey', { key }));
    }
    const value = pair.value;
    if (value.kind === 'scalar' && value.value === null && value.style === 'plain') {
      this.fail(ruleMessage(invalidItem, 'emptyKey', { key }), pair.keyNode);
    }
    if (value.kind !== 'scalar') this.fail(ruleMessage(invalidItem, 'notScalar'), value);
    if (scalarText(value).length === 0) this.fail(ruleMessage(invalidItem, 'empty'), value);
    return value;
  }

  string(key: string, optional = false): string | undefined {
    const node = this.scalar(key, optional);
    return node ? scalarText(node) : undefined;
  }

  bool(key: string, optional = false): boolean | undefined {
    const node = this.scalar(key, optional);
    if (!node) return undefined;
    const text = scalarText(node);
    if (TRUE.has(text)) return true;
    if (FALSE.has(text)) return false;
    return this.fail(ruleMessage(invalidItem, 'undecodable'), node);
  }

  uint(key: string, optional = false): number | undefined {
    const node = this.scalar(key, optional);
    if (!node) return undefined;
    const text = scalarText(node);
    if (!/^\+?\d+$/.test(text)) this.fail(ruleMessage(invalidItem, 'undecodable'), node);
    return Number(text);
  }

  /** A sequence of scalars (items, tags). */
  sequence(key: string, optional: boolean): { values: string[]; nodes: YamlNode[] } | undefined {
    const value = this.node(key);
    if (value === undefined) {
      if (optional) return undefined;
      this.fail(ruleMessage(invalidItem, 'noKey', { key }));
    }
    if (value.kind !== 'seq') this.fail(ruleMessage(invalidItem, 'notSequence'), value);
    const values: string[] = [];
    for (const v of value.items) {
      if (v.kind !== 'scalar') this.fail(ruleMessage(invalidItem, 'sequenceValueNotScalar'), v);
      values.push(scalarText(v));
    }
    return { values, nodes: value.items };
  }

  text(key: string): SourcedText {
    const node = this.scalar(key) as YamlScalar;
    return SourcedText.of(scalarText(node), { file: this.file, node });
  }

  location(): Location {
    const nameNode = this.pairs[0]?.value ?? this.item;
    return { file: this.file, node: nameNode };
  }
}

/** A scalar's text as Falco reads it (numbers and booleans as written, strings decoded). */
function scalarText(node: YamlScalar): string {
  if (node.value === null && node.style === 'plain') return '';
  return typeof node.value === 'string' ? node.value : node.text;
}

/** A Helm (`{{ }}`), Jinja (`{% %}`) or Terraform (`%{ }`) directive on the line YAML stopped at. */
function templateDirective(text: string, at: number): string | undefined {
  const start = text.lastIndexOf('\n', at - 1) + 1;
  const end = text.indexOf('\n', at);
  const line = text.slice(start, end === -1 ? undefined : end);
  return /(?:\{\{|\{%|%\{).*?(?:\}\}|%\}|\})/.exec(line)?.[0];
}

export function readRulesFile(
  file: LoadedFile,
  parsed: YamlResult,
  collector: Collector,
  results: Results,
): void {
  if (!parsed.ok) {
    const at = Math.min(parsed.error.offset, file.text.length);
    const directive = templateDirective(file.text, at);
    results.add(
      directive
        ? ruleMessage(yamlSyntax, 'template', { detail: parsed.error.message, directive })
        : ruleMessage(yamlSyntax, 'parse', { detail: parsed.error.message }),
      { file, range: { start: at, end: at } },
      'rules content',
    );
    return;
  }
  for (const doc of parsed.documents) {
    const root = doc.root;
    if (!root || (root.kind === 'scalar' && root.value === null)) continue;
    if (root.kind === 'scalar') {
      results.add(ruleMessage(invalidItem, 'notYaml'), atNode(file, root), 'rules content');
      continue;
    }
    if (root.kind !== 'seq') {
      results.add(ruleMessage(invalidItem, 'notArray'), atNode(file, root), 'rules content');
      continue;
    }
    for (const item of root.items) {
      if (item.kind === 'scalar' && item.value === null) continue;
      try {
        readItem(file, item, collector, results);
      } catch (error) {
        if (!(error instanceof LoadError)) throw error;
        results.add(error.result, error.where, error.itemType, error.itemName);
        if (error.itemName !== undefined && error.itemType !== 'exception')
          collector.broken.add(error.itemName);
        const named = item.kind === 'map' ? item.pairs[0] : undefined;
        if (named && typeof named.value.value === 'string') collector.broken.add(named.value.value);
        if (item.kind === 'map') {
          for (const pair of item.pairs)
            if (pair.key === 'condition' || pair.key === 'items')
              for (const word of JSON.stringify(pair.value.value ?? '').split(/[\s(),"[\]]+/))
                if (word) collector.namedByBroken.add(word);
        }
      }
    }
  }
}

function unknownKeys(reader: ItemReader, kind: 'list' | 'macro' | 'rule', results: Results): void {
  const known = KNOWN_KEYS[kind];
  for (const pair of reader.pairs) {
    if (!known.has(pair.key)) {
      const meant = didYouMean(pair.key, known);
      results.add(
        meant === undefined
          ? ruleMessage(unknownKey, 'unknown', { key: pair.key, kind, keys: [...known].join(', ') })
          : ruleMessage(unknownKey, 'meant', { key: pair.key, meant }),
        atNode(reader.file, pair.keyNode),
        kind,
        reader.itemName,
      );
    }
  }
}

function readItem(file: LoadedFile, item: YamlNode, collector: Collector, results: Results): void {
  if (item.kind !== 'map') {
    throw new LoadError(
      ruleMessage(invalidItem, 'elementNotMapping'),
      atNode(file, item),
      'rules content item',
    );
  }
  const pairs = item.pairs;
  const has = (key: string): boolean => pairs.some((p) => p.key === key);
  if (has('required_engine_version'))
    return readEngineVersion(new ItemReader(file, item, 'required_engine_version', undefined));
  if (has('required_plugin_versions'))
    return readPluginVersions(new ItemReader(file, item, 'required_plugin_versions', undefined));
  if (has('list')) return readList(new ItemReader(file, item, 'list', undefined), collector, results);
  if (has('macro')) return readMacro(new ItemReader(file, item, 'macro', undefined), collector, results);
  if (has('rule')) return readRule(new ItemReader(file, item, 'rule', undefined), collector, results);
  results.add(
    ruleMessage(unknownItem, 'unknown'),
    atNode(file, item.pairs[0]?.keyNode ?? item),
    'rules content item',
  );
}

function readEngineVersion(r: ItemReader): void {
  const node = r.scalar('required_engine_version') as YamlScalar;
  const text = scalarText(node);
  let version: number[];
  if (/^\+?\d+$/.test(text) && Number(text) <= 0xffffffff) version = [0, Number(text), 0];
  else {
    const match = /^(\d+)\.(\d+)\.(\d+)$/.exec(text);
    if (!match) {
      r.fail(ruleMessage(invalidItem, 'badEngineVersion', { version: text }), node);
    }
    version = [Number(match[1]), Number(match[2]), Number(match[3])];
  }
  const [major, minor, patch] = version as [number, number, number];
  const [eMajor, eMinor, ePatch] = ENGINE_VERSION;
  const compatible = major === eMajor && (minor < eMinor || (minor === eMinor && patch <= ePatch));
  if (!compatible) {
    r.fail(
      ruleMessage(engineVersion, 'tooOld', {
        required: `${major}.${minor}.${patch}`,
        engine: ENGINE_VERSION.join('.'),
      }),
      node,
    );
  }
}

function readPluginVersions(r: ItemReader): void {
  const list = r.node('required_plugin_versions') as YamlNode;
  if (list.kind !== 'seq') return r.fail(ruleMessage(invalidItem, 'pluginsNotSequence'), list);
  for (const plugin of list.items) {
    if (plugin.kind !== 'map') r.fail(ruleMessage(invalidItem, 'pluginNotMapping'), plugin);
    const entry: ItemReader = new ItemReader(r.file, plugin, 'required_plugin_versions', undefined);
    const names = new Set<string>();
    const check = (req: ItemReader): void => {
      const pluginName = req.string('name') as string;
      req.itemName = pluginName;
      const version = req.scalar('version') as YamlScalar;
      if (!/^\d+\.\d+\.\d+$/.test(scalarText(version))) {
        req.fail(
          ruleMessage(invalidDefinition, 'pluginVersion', {
            version: scalarText(version),
            plugin: pluginName,
          }),
          version,
        );
      }
      if (names.has(pluginName)) {
        req.fail(ruleMessage(invalidDefinition, 'pluginAlternatives', { plugin: pluginName }), req.item);
      }
      names.add(pluginName);
    };
    check(entry);
    const alternatives = entry.node('alternatives');
    if (alternatives !== undefined) {
      if (alternatives.kind !== 'seq')
        entry.fail(ruleMessage(invalidItem, 'alternativesNotSequence'), alternatives);
      for (const alt of alternatives.items) {
        if (alt.kind !== 'map') entry.fail(ruleMessage(invalidItem, 'alternativeNotMapping'), alt);
        check(new ItemReader(r.file, alt, 'required_plugin_versions', undefined));
      }
    }
  }
}

/** The `override` mapping: which keys are appended and which replaced. */
function readOverrides(
  r: ItemReader,
  appendable: readonly string[],
  replaceable: readonly string[],
): { append: Set<string>; replace: Set<string> } {
  const out = { append: new Set<string>(), replace: new Set<string>() };
  const node = r.node('override');
  if (node === undefined) return out;
  if (node.kind !== 'map') r.fail(ruleMessage(invalidItem, 'notMapping'), node);
  for (const pair of node.pairs) {
    const op = pair.value.kind === 'scalar' ? scalarText(pair.value) : '';
    const canAppend = appendable.includes(pair.key);
    const canReplace = replaceable.includes(pair.key);
    if (op === 'append') {
      if (!canAppend) r.fail(ruleMessage(invalidItem, 'cannotAppend', { key: pair.key }), pair.keyNode);
      out.append.add(pair.key);
    } else if (op === 'replace') {
      if (!canReplace) r.fail(ruleMessage(invalidItem, 'cannotReplace', { key: pair.key }), pair.keyNode);
      out.replace.add(pair.key);
    } else {
      const allowed = `${canAppend ? 'append ' : ''}${canReplace ? 'replace ' : ''}`;
      r.fail(ruleMessage(invalidItem, 'invalidOverride', { key: pair.key, op, allowed }), pair.value);
    }
  }
  return out;
}

function readList(r: ItemReader, collector: Collector, results: Results): void {
  const name = r.string('list') as string;
  r.itemName = name;
  if (!RE_BARESTR.test(name)) {
    results.add(ruleMessage(invalidListName, 'invalid'), atNode(r.file, r.node('list')), 'list', name);
  }
  unknownKeys(r, 'list', results);
  const items = r.sequence('items', false) as { values: string[]; nodes: YamlNode[] };
  let append = r.bool('append', true) ?? false;
  if (append)
    results.add(ruleMessage(deprecatedItem, 'append'), atNode(r.file, r.node('append')), 'list', name);
  const overrides = readOverrides(r, ['items'], ['items']);
  const hasOverrides = overrides.append.size > 0 || overrides.replace.size > 0;
  if (append && hasOverrides) r.fail(ruleMessage(invalidItem, 'overrideWithAppend'), r.node('override'));
  append ||= overrides.append.has('items');
  const info = {
    name,
    items: items.values.map((value, i) => ({
      value,
      site: { file: r.file, node: items.nodes[i] as YamlNode },
    })),
    index: 0,
    visibility: 0,
    location: r.location(),
  };
  if (append) collector.appendList(info);
  else collector.defineList(info);
}

function readMacro(r: ItemReader, collector: Collector, results: Results): void {
  const name = r.string('macro') as string;
  r.itemName = name;
  if (!RE_IDENTIFIER.test(name)) {
    results.add(ruleMessage(invalidMacroName, 'invalid'), atNode(r.file, r.node('macro')), 'macro', name);
  }
  unknownKeys(r, 'macro', results);
  const condition = r.text('condition');
  let append = r.bool('append', true) ?? false;
  if (append)
    results.add(ruleMessage(deprecatedItem, 'append'), atNode(r.file, r.node('append')), 'macro', name);
  const overrides = readOverrides(r, ['condition'], ['condition']);
  const hasOverrides = overrides.append.size > 0 || overrides.replace.size > 0;
  if (append && hasOverrides) r.fail(ruleMessage(invalidItem, 'overrideWithAppend'), r.node('override'));
  append ||= overrides.append.has('condition');
  const info = { name, condition, index: 0, visibility: 0, location: r.location() };
  if (append) collector.appendMacro(info);
  else collector.defineMacro(info);
}

function readEntry(r: ItemReader, node: YamlNode): ExceptionEntry {
  if (node.kind === 'scalar') {
    const text = scalarText(node);
    if (text.length === 0) r.fail(ruleMessage(invalidItem, 'empty'), node);
    return { item: text, node };
  }
  if (node.kind === 'seq') return { items: node.items.map((v) => readEntry(r, v)), node };
  return r.fail(ruleMessage(invalidItem, 'notScalarOrSequence'), node);
}

function readExceptions(r: ItemReader, append: boolean, results: Results): ExceptionInfo[] | undefined {
  const node = r.node('exceptions');
  if (node === undefined || (node.kind === 'scalar' && node.value === null)) return undefined;
  if (node.kind !== 'seq') r.fail(ruleMessage(invalidItem, 'exceptionsNotSequence'), node);
  const out: ExceptionInfo[] = [];
  const ruleName = r.itemName;
  for (const ex of node.items) {
    const er = new ItemReader(r.file, ex as YamlMap, 'exception', undefined);
    if (ex.kind !== 'map') er.fail(ruleMessage(invalidItem, 'exceptionNotMapping'), ex);
    const name = er.string('name') as string;
    er.itemName = name;
    if (out.some((e) => e.name === name)) {
      results.add(
        ruleMessage(exceptionNameNotUnique, 'duplicate', { name }),
        atNode(r.file, er.node('name')),
        'exception',
        name,
      );
    }
    const info: ExceptionInfo = { name, values: [], location: { file: r.file, node: ex } };
    const fields = er.node('fields');
    if (fields === undefined) {
      if (!append) er.fail(ruleMessage(invalidItem, 'noKey', { key: 'fields' }));
    } else info.fields = readEntry(er, fields);
    const comps = er.node('comps');
    if (comps !== undefined) info.comps = readEntry(er, comps);
    const values = er.node('values');
    if (values !== undefined) {
      if (values.kind !== 'seq')
        return er.fail(ruleMessage(invalidItem, 'exceptionValuesNotSequence'), values);
      info.values = values.items.map((v) => readEntry(er, v));
    } else if (append) {
      results.add(ruleMessage(appendNoValues, 'noValues'), atNode(r.file, ex), 'exception', name);
    }
    out.push(info);
  }
  r.itemName = ruleName;
  return out;
}

function readRule(r: ItemReader, collector: Collector, results: Results): void {
  const name = r.string('rule') as string;
  r.itemName = name;
  unknownKeys(r, 'rule', results);
  const appendFlag = r.bool('append', true) ?? false;
  if (appendFlag)
    results.add(ruleMessage(deprecatedItem, 'append'), atNode(r.file, r.node('append')), 'rule', name);
  const overrides = readOverrides(r, RULE_APPENDABLE, RULE_REPLACEABLE);
  const hasOverrides = overrides.append.size > 0 || overrides.replace.size > 0;
  if (appendFlag && hasOverrides) r.fail(ruleMessage(invalidItem, 'overrideWithAppend'), r.node('override'));
  const location = r.location();
  const sourceNode = r.node('source');
  const updateSource =
    sourceNode?.kind === 'scalar' && scalarText(sourceNode).length > 0 ? scalarText(sourceNode) : undefined;

  if (hasOverrides) {
    const expected = new Set([...RULE_APPENDABLE, ...RULE_REPLACEABLE].filter((k) => r.has(k)));
    const take = (set: Set<string>, kind: string, key: string): boolean => {
      if (!set.has(key)) return false;
      if (!expected.has(key)) {
        r.fail(ruleMessage(invalidItem, 'overrideUndefined', { operation: kind, key }), r.node('override'));
      }
      expected.delete(key);
      return true;
    };
    const update = (set: Set<string>, kind: 'append' | 'replace'): RuleUpdate => {
      const u: RuleUpdate = { name, location };
      if (updateSource !== undefined) u.source = updateSource;
      if (take(set, kind, 'condition')) u.condition = r.text('condition');
      if (take(set, kind, 'exceptions')) u.exceptions = readExceptions(r, kind === 'append', results) ?? [];
      if (take(set, kind, 'output')) u.output = r.text('output');
      if (take(set, kind, 'desc')) u.description = r.string('desc') as string;
      if (take(set, kind, 'tags')) u.tags = r.sequence('tags', false)?.values ?? [];
      if (kind === 'replace') {
        if (take(set, kind, 'priority')) u.priority = priority(r);
        if (take(set, kind, 'enabled')) u.enabled = r.bool('enabled') as boolean;
        if (take(set, kind, 'warn_evttypes')) u.warnEvttypes = r.bool('warn_evttypes') as boolean;
        if (take(set, kind, 'skip-if-unknown-filter'))
          u.skipIfUnknownFilter = r.bool('skip-if-unknown-filter') as boolean;
        if (take(set, kind, 'capture')) u.capture = r.bool('capture') as boolean;
        if (take(set, kind, 'capture_duration')) u.captureDuration = r.uint('capture_duration') as number;
      }
      return u;
    };
    const appendUpdate = overrides.append.size > 0 ? update(overrides.append, 'append') : undefined;
    const replaceUpdate = overrides.replace.size > 0 ? update(overrides.replace, 'replace') : undefined;
    for (const key of expected) {
      r.fail(ruleMessage(invalidItem, 'keyWithoutOverride', { key }), r.node(key));
    }
    if (appendUpdate) collector.appendRule(appendUpdate);
    if (replaceUpdate) collector.replaceRule(replaceUpdate);
    return;
  }

  if (appendFlag) {
    const u: RuleUpdate = { name, location };
    if (updateSource !== undefined) u.source = updateSource;
    if (r.has('condition')) u.condition = r.text('condition');
    const exceptions = r.has('exceptions') ? readExceptions(r, true, results) : undefined;
    if (exceptions) u.exceptions = exceptions;
    collector.appendRule(u);
    return;
  }

  if (!r.has('condition') && !r.has('output') && !r.has('desc') && !r.has('priority')) {
    const enabled = r.bool('enabled') as boolean;
    results.add(ruleMessage(deprecatedItem, 'enabled'), atNode(r.file, r.node('enabled')), 'rule', name);
    collector.enableRule(name, enabled, location);
    return;
  }

  const condition = r.text('condition');
  const output = r.text('output');
  const description = r.string('desc') as string;
  const prio = priority(r);
  const info: RuleInfo = {
    name,
    condition,
    output: trimText(output),
    description,
    priority: prio,
    source: r.string('source', true) ?? SYSCALL_SOURCE,
    enabled: r.bool('enabled', true) ?? true,
    warnEvttypes: r.bool('warn_evttypes', true) ?? true,
    skipIfUnknownFilter: r.bool('skip-if-unknown-filter', true) ?? false,
    tags: r.sequence('tags', true)?.values ?? [],
    exceptions: readExceptions(r, false, results) ?? [],
    capture: r.bool('capture', true) ?? false,
    unknownSource: false,
    index: 0,
    visibility: 0,
    location,
    conditionLocation: location,
    outputLocation: location,
  };
  const duration = r.uint('capture_duration', true);
  if (duration !== undefined) info.captureDuration = duration;
  collector.defineRule(info);
}

function priority(r: ItemReader): Priority {
  const node = r.scalar('priority') as YamlScalar;
  const parsed = parsePriority(scalarText(node));
  if (!parsed) r.fail(ruleMessage(invalidItem, 'invalidPriority', invalidPriority(scalarText(node))), node);
  return parsed;
}

/** Falco trims the output; the positions of what remains are kept. */
function trimText(text: SourcedText): SourcedText {
  const value = text.text;
  const start = value.length - value.trimStart().length;
  const end = value.trimEnd().length;
  if (start === 0 && end === value.length) return text;
  if (end < value.length) text.replace(end, value.length, '');
  if (start > 0) text.replace(0, start, '');
  return text;
}
