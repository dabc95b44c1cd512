/**
 * YAML with positions. js-yaml's event parser gives the offsets of every node; this module builds
 * a tree of nodes that carry both the value and the source range, so that every language can
 * point at the exact key or value a finding is about. Hostile input is refused early: nesting
 * deeper than MAX_DEPTH and aliases that expand to more than MAX_EXPANDED_NODES ("billion laughs").
 */
import {
  constructFromEvents,
  EVENT_ID,
  getScalarValue,
  parseEvents,
  SCALAR_STYLE,
  YAMLException,
} from 'js-yaml';
import type { Event, ScalarEvent } from 'js-yaml';
import type { Range } from './diagnostic.js';
import { textOf } from './text.js';

export const MAX_DEPTH = 200;
export const MAX_EXPANDED_NODES = 1_000_000;

type ScalarStyle = 'plain' | 'single' | 'double' | 'literal' | 'folded';

interface NodeBase extends Range {
  /** The value as a program sees it (strings, numbers, booleans, null, arrays, plain objects). */
  value: unknown;
  /** True when this node is an alias (`*name`); its range is the alias, its children the anchor's. */
  alias?: boolean;
  /** Number of nodes the value has once aliases are expanded. */
  size: number;
}

export interface YamlScalar extends NodeBase {
  kind: 'scalar';
  style: ScalarStyle;
  /** The decoded text before type resolution (`"0x10"` for 16). */
  text: string;
}

export interface YamlPair {
  key: string;
  keyNode: YamlNode;
  value: YamlNode;
}

export interface YamlMap extends NodeBase {
  kind: 'map';
  /** Made anew at each read: ask once, or use pairNamed for one key. */
  pairs: YamlPair[];
  flow: boolean;
  /** The last pair with this key, without making the others. */
  pairNamed(key: string): YamlPair | undefined;
}

interface YamlSeq extends NodeBase {
  kind: 'seq';
  /** Made anew at each read: ask once, or use item for one index. */
  items: YamlNode[];
  flow: boolean;
  /** One item, without making the others. */
  item(index: number): YamlNode | undefined;
}

export type YamlNode = YamlScalar | YamlMap | YamlSeq;

interface YamlDocument {
  root: YamlNode | null;
  value: unknown;
  /** Keys given twice in one mapping (the later value wins, as in JSON). */
  duplicateKeys: YamlNode[];
}

interface YamlError {
  message: string;
  offset: number;
}

export type YamlResult = { ok: true; documents: YamlDocument[] } | { ok: false; error: YamlError };

const STYLE_NAMES: Record<number, ScalarStyle> = {
  [SCALAR_STYLE.PLAIN]: 'plain',
  [SCALAR_STYLE.SINGLE_QUOTED]: 'single',
  [SCALAR_STYLE.DOUBLE_QUOTED]: 'double',
  [SCALAR_STYLE.LITERAL_BLOCK]: 'literal',
  [SCALAR_STYLE.FOLDED_BLOCK]: 'folded',
};

const NULLS = new Set(['', '~', 'null', 'Null', 'NULL']);
const TRUES = new Set(['true', 'True', 'TRUE']);
const FALSES = new Set(['false', 'False', 'FALSE']);
const DECIMAL = /^[-+]?[0-9]+$/;
const OCTAL = /^0o[0-7]+$/;
const HEX = /^0x[0-9a-fA-F]+$/;
const FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const INF = /^[-+]?\.(inf|Inf|INF)$/;
const NAN = /^\.(nan|NaN|NAN)$/;

/** YAML 1.2 core schema resolution of an untagged plain scalar (what js-yaml's default schema does). */
export function resolvePlainScalar(text: string): unknown {
  const first = text.charCodeAt(0);
  // Fast path: most plain scalars in policy files are words.
  if (
    (first >= 0x61 && first <= 0x7a && first !== 0x66 && first !== 0x6e && first !== 0x74) ||
    first === 0x2f
  ) {
    return text;
  }
  if (NULLS.has(text)) return null;
  if (TRUES.has(text)) return true;
  if (FALSES.has(text)) return false;
  if (DECIMAL.test(text)) return Number.parseInt(text, 10);
  if (OCTAL.test(text)) return Number.parseInt(text.slice(2), 8);
  if (HEX.test(text)) return Number.parseInt(text.slice(2), 16);
  if (FLOAT.test(text)) return Number.parseFloat(text);
  if (INF.test(text)) return text.startsWith('-') ? -Infinity : Infinity;
  if (NAN.test(text)) return NaN;
  return text;
}

const DOCUMENT_EVENT: Event = {
  type: EVENT_ID.DOCUMENT,
  explicitStart: false,
  explicitEnd: false,
  directives: [],
};
const POP_EVENT: Event = { type: EVENT_ID.POP };

// A node's flags: its kind (two bits), its scalar style or collection flow (three bits), alias.
const SCALAR = 0;
const MAP = 1;
const SEQ = 2;
const KIND_MASK = 3;
const STYLE_SHIFT = 2;
const FLOW = 1 << STYLE_SHIFT;
const ALIAS = 1 << 5;
const KINDS = ['scalar', 'map', 'seq'] as const;

/** Collections of at least this many stored children keep their children's list once made. */
const LARGE = 64;

/**
 * The nodes of one parse, numbered in document order, kept compact: four 32-bit numbers (start,
 * end, the nodes stored under it, the nodes its value has once aliases are expanded) and a byte
 * of flags per node, and the value. A scalar's text is kept only where it is not its value (a
 * number, a boolean, a tagged scalar), an alias only its anchor's node. A tree of objects with a
 * range and a list of children per node took 40 times the input (an 8 MB Falco file of 293,000
 * lists: 336 MB live, 1.08 GB peak in `chs lint`); the objects callers see (YamlNode) are made
 * when asked for and hold nothing but their number.
 */
class Store {
  readonly starts: Int32Array;
  readonly ends: Int32Array;
  readonly spans: Int32Array;
  readonly sizes: Int32Array;
  readonly flags: Uint8Array;
  readonly values: unknown[] = [];
  readonly texts = new Map<number, string>();
  /** The anchor's node of each alias node. */
  readonly targets = new Map<number, number>();
  count = 0;

  constructor(
    readonly source: string,
    capacity: number,
  ) {
    this.starts = new Int32Array(capacity);
    this.ends = new Int32Array(capacity);
    this.spans = new Int32Array(capacity);
    this.sizes = new Int32Array(capacity);
    this.flags = new Uint8Array(capacity);
  }

  add(flags: number, start: number): number {
    const n = this.count++;
    this.flags[n] = flags;
    this.starts[n] = start;
    this.spans[n] = 1;
    this.sizes[n] = 1;
    return n;
  }

  /** The node whose content a node has: the anchor's for an alias. */
  resolve(n: number): number {
    return (this.flags[n] as number) & ALIAS ? (this.targets.get(n) as number) : n;
  }

  /**
   * The children of a large collection and the last pair of each key of a large mapping, kept once
   * asked for: a finding per item of a list of 100,000 looks its item up by index or key, which
   * walking the children each time made quadratic. Small collections are walked again.
   */
  private readonly large = new Map<number, number[]>();
  private readonly keys = new Map<number, Map<string, number>>();

  /** The stored children of a collection node, in document order (keys and values alternate). */
  children(n: number): readonly number[] {
    const r = this.resolve(n);
    const kept = this.large.get(r);
    if (kept) return kept;
    const out: number[] = [];
    const end = r + (this.spans[r] as number);
    for (let c = r + 1; c < end; c += this.spans[c] as number) out.push(c);
    if (out.length >= LARGE) this.large.set(r, out);
    return out;
  }

  /** The key node of the last pair with this key in a mapping, or -1. */
  keyNode(n: number, key: string): number {
    const children = this.children(n);
    if (children.length >= LARGE) {
      const r = this.resolve(n);
      let index = this.keys.get(r);
      if (!index) {
        index = new Map();
        for (let i = 0; i + 1 < children.length; i += 2) index.set(this.keyOf(children[i] as number), i);
        this.keys.set(r, index);
      }
      const at = index.get(key);
      return at === undefined ? -1 : (children[at] as number);
    }
    for (let i = children.length - 2 - (children.length % 2); i >= 0; i -= 2)
      if (this.keyOf(children[i] as number) === key) return children[i] as number;
    return -1;
  }

  keyOf(k: number): string {
    return keyString(this.values[this.resolve(k)]);
  }

  pair(k: number): YamlPair {
    return { key: this.keyOf(k), keyNode: this.node(k), value: this.node(k + (this.spans[k] as number)) };
  }

  node(n: number): YamlNode {
    return new TreeNode(this, n) as unknown as YamlNode;
  }
}

/** A node of a Store, as the YamlNode interfaces describe it; made on demand, cheap to drop. */
class TreeNode {
  constructor(
    private readonly store: Store,
    readonly index: number,
  ) {}

  private get own(): number {
    return this.store.resolve(this.index);
  }

  get kind(): YamlNode['kind'] {
    return KINDS[(this.store.flags[this.own] as number) & KIND_MASK] as YamlNode['kind'];
  }

  get start(): number {
    return this.store.starts[this.index] as number;
  }

  get end(): number {
    return this.store.ends[this.index] as number;
  }

  get alias(): boolean | undefined {
    return (this.store.flags[this.index] as number) & ALIAS ? true : undefined;
  }

  get size(): number {
    return this.store.sizes[this.own] as number;
  }

  get value(): unknown {
    return this.store.values[this.own];
  }

  set value(value: unknown) {
    this.store.values[this.own] = value;
  }

  get text(): string {
    const own = this.own;
    return this.store.texts.get(own) ?? (this.store.values[own] as string);
  }

  set text(text: string) {
    const own = this.own;
    if (this.store.values[own] === text) this.store.texts.delete(own);
    else this.store.texts.set(own, text);
  }

  get style(): ScalarStyle {
    return STYLE_NAMES[((this.store.flags[this.own] as number) >> STYLE_SHIFT) & 7] ?? 'plain';
  }

  get flow(): boolean {
    return ((this.store.flags[this.own] as number) & FLOW) !== 0;
  }

  get items(): YamlNode[] {
    return this.store.children(this.index).map((c) => this.store.node(c));
  }

  get pairs(): YamlPair[] {
    const children = this.store.children(this.index);
    const pairs: YamlPair[] = [];
    for (let i = 0; i + 1 < children.length; i += 2) pairs.push(this.store.pair(children[i] as number));
    return pairs;
  }

  /** One item, without making the others. */
  item(index: number): YamlNode | undefined {
    const c = this.store.children(this.index)[index];
    return c === undefined ? undefined : this.store.node(c);
  }

  /** The last pair with this key, without making the others. */
  pairNamed(key: string): YamlPair | undefined {
    const k = this.store.keyNode(this.index, key);
    return k === -1 ? undefined : this.store.pair(k);
  }
}

class Builder {
  private i = 0;
  private readonly anchors = new Map<string, number>();
  private expanded = 0;
  private readonly store: Store;
  private duplicateKeys: number[] = [];

  constructor(
    private readonly source: string,
    private readonly events: (Event | undefined)[],
  ) {
    this.store = new Store(source, events.length);
  }

  done(): boolean {
    return this.i >= this.events.length;
  }

  /** The next event; it is dropped from the array, so that the events already built can go. */
  private next(): Event | undefined {
    const event = this.events[this.i];
    this.events[this.i++] = undefined;
    return event;
  }

  document(): YamlDocument {
    const event = this.next();
    if (!event || event.type !== EVENT_ID.DOCUMENT) throw new BuildError('expected a document', 0);
    this.anchors.clear();
    this.duplicateKeys = [];
    let root = -1;
    if (this.events[this.i]?.type !== EVENT_ID.POP) root = this.node();
    this.next(); // the document's POP
    const store = this.store;
    return {
      root: root === -1 ? null : store.node(root),
      value: root === -1 ? null : store.values[store.resolve(root)],
      duplicateKeys: this.duplicateKeys.map((k) => store.node(k)),
    };
  }

  /** Nodes that aliases stand for: a file without aliases is bounded by its size alone. */
  private count(n: number, offset: number): void {
    this.expanded += n;
    if (this.expanded > MAX_EXPANDED_NODES) {
      throw new BuildError(
        `YAML aliases expand to more than ${MAX_EXPANDED_NODES.toLocaleString('en-US')} nodes (an alias bomb?); write the values out instead`,
        offset,
      );
    }
  }

  private remember(anchorStart: number, anchorEnd: number, n: number): number {
    if (anchorStart !== -1) this.anchors.set(this.source.slice(anchorStart, anchorEnd), n);
    return n;
  }

  /** At a collection's POP: its end (a flow collection's at its bracket), extent, size and value. */
  private closeCollection(
    n: number,
    bracket: string | undefined,
    contentEnd: number,
    size: number,
    value: unknown,
    event: { anchorStart: number; anchorEnd: number },
  ): number {
    this.next();
    const store = this.store;
    store.ends[n] = bracket === undefined ? contentEnd : closingBracket(this.source, contentEnd, bracket);
    store.spans[n] = store.count - n;
    store.sizes[n] = size;
    store.values[n] = value;
    return this.remember(event.anchorStart, event.anchorEnd, n);
  }

  private node(): number {
    const event = this.next();
    if (!event) throw new BuildError('unexpected end of YAML events', this.source.length);
    const store = this.store;
    switch (event.type) {
      case EVENT_ID.SCALAR:
        return this.remember(event.anchorStart, event.anchorEnd, this.scalar(event));
      case EVENT_ID.MAPPING: {
        const flow = event.style === 2;
        const n = store.add(MAP | (flow ? FLOW : 0), event.start);
        const value: Record<string, unknown> = {};
        let size = 1;
        let end = event.start + 1;
        while (this.events[this.i]?.type !== EVENT_ID.POP) {
          const k = this.node();
          const v = this.node();
          const key = keyString(store.values[store.resolve(k)]);
          if (Object.prototype.hasOwnProperty.call(value, key)) this.duplicateKeys.push(k);
          // Only `__proto__` needs defining: assigning it would set the prototype.
          if (key === '__proto__') {
            Object.defineProperty(value, key, {
              value: store.values[store.resolve(v)],
              enumerable: true,
              writable: true,
              configurable: true,
            });
          } else value[key] = store.values[store.resolve(v)];
          size += (store.sizes[store.resolve(k)] as number) + (store.sizes[store.resolve(v)] as number);
          end = Math.max(end, store.ends[v] as number, store.ends[k] as number);
        }
        return this.closeCollection(n, flow ? '}' : undefined, end, size, value, event);
      }
      case EVENT_ID.SEQUENCE: {
        const flow = event.style === 2;
        const n = store.add(SEQ | (flow ? FLOW : 0), event.start);
        const value: unknown[] = [];
        let size = 1;
        let end = event.start + 1;
        while (this.events[this.i]?.type !== EVENT_ID.POP) {
          const item = this.node();
          const own = store.resolve(item);
          value.push(store.values[own]);
          size += store.sizes[own] as number;
          end = Math.max(end, store.ends[item] as number);
        }
        return this.closeCollection(n, flow ? ']' : undefined, end, size, value, event);
      }
      case EVENT_ID.ALIAS: {
        const name = this.source.slice(event.anchorStart, event.anchorEnd);
        const target = this.anchors.get(name);
        const start = Math.max(0, event.anchorStart - 1);
        if (target === undefined) throw new BuildError(`unknown YAML alias "*${name}"`, start);
        this.count(store.sizes[target] as number, start);
        const n = store.add(ALIAS | ((store.flags[target] as number) & KIND_MASK), start);
        store.ends[n] = event.anchorEnd;
        store.targets.set(n, target);
        return n;
      }
      default:
        throw new BuildError('unexpected YAML event', 0);
    }
  }

  private scalar(event: ScalarEvent): number {
    const text = getScalarValue(this.source, event);
    const style = STYLE_NAMES[event.style] ?? 'plain';
    let value: unknown;
    if (event.tagStart !== -1) {
      [value] = constructFromEvents([DOCUMENT_EVENT, event, POP_EVENT], { source: this.source });
    } else {
      value = style === 'plain' ? resolvePlainScalar(text) : text;
    }
    const quoted = style === 'single' || style === 'double';
    let start = quoted ? event.valueStart - 1 : event.valueStart;
    let end = quoted ? event.valueEnd + 1 : event.valueEnd;
    if (start < 0 || event.valueStart === -1) {
      // An empty value (`key:` with nothing after it) has no text; point just after the key.
      start = end = Math.max(0, event.valueStart);
    }
    const store = this.store;
    const n = store.add(SCALAR | (event.style << STYLE_SHIFT), start);
    store.ends[n] = end;
    store.values[n] = value;
    if (value !== text) store.texts.set(n, text);
    return n;
  }
}
class BuildError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

function closingBracket(source: string, from: number, bracket: string): number {
  const at = source.indexOf(bracket, from);
  return at === -1 ? from : at + 1;
}

function keyString(value: unknown): string {
  if (typeof value === 'string') return value;
  return value === null ? 'null' : textOf(value);
}

/** Parses every document of a YAML (or JSON) text. Never throws for bad input. */
export function parseYaml(text: string, options: { maxDepth?: number } = {}): YamlResult {
  let events: Event[];
  try {
    events = parseEvents(text, { maxDepth: options.maxDepth ?? MAX_DEPTH });
  } catch (error) {
    if (error instanceof YAMLException) {
      return {
        ok: false,
        error: { message: error.reason || error.message, offset: error.mark?.position ?? 0 },
      };
    }
    if (error instanceof RangeError)
      return { ok: false, error: { message: 'YAML nested too deeply', offset: 0 } };
    throw error;
  }
  try {
    const builder = new Builder(text, events);
    const documents: YamlDocument[] = [];
    while (!builder.done()) documents.push(builder.document());
    return { ok: true, documents };
  } catch (error) {
    if (error instanceof BuildError)
      return { ok: false, error: { message: error.message, offset: error.offset } };
    if (error instanceof YAMLException) {
      return {
        ok: false,
        error: { message: error.reason || error.message, offset: error.mark?.position ?? 0 },
      };
    }
    throw error;
  }
}

/** The pair of a mapping with the given key. */
export function pairOf(node: YamlNode | null | undefined, key: string): YamlPair | undefined {
  return node?.kind === 'map' ? node.pairNamed(key) : undefined;
}

/** Follows a path of keys and indices from a node. */
export function nodeAt(
  node: YamlNode | null | undefined,
  path: readonly (string | number)[],
): YamlNode | undefined {
  let current: YamlNode | undefined = node ?? undefined;
  for (const step of path) {
    if (!current) return undefined;
    if (typeof step === 'number') current = current.kind === 'seq' ? current.item(step) : undefined;
    else current = pairOf(current, step)?.value;
  }
  return current;
}

/**
 * The range that best shows a path: the value's node, else (for a missing key) the closest
 * existing ancestor. With `key: true`, the range of the last key itself.
 */
export function rangeAt(
  root: YamlNode | null | undefined,
  path: readonly (string | number)[],
  key = false,
): Range | undefined {
  let current: YamlNode | undefined = root ?? undefined;
  let best: Range | undefined = root ? { start: root.start, end: root.end } : undefined;
  for (let i = 0; i < path.length; i++) {
    const step = path[i] as string | number;
    if (!current) break;
    if (typeof step === 'number') {
      current = current.kind === 'seq' ? current.item(step) : undefined;
    } else {
      const pair = pairOf(current, step);
      if (pair && key && i === path.length - 1) return { start: pair.keyNode.start, end: pair.keyNode.end };
      current = pair?.value;
    }
    if (current) best = { start: current.start, end: current.end };
  }
  return best;
}
