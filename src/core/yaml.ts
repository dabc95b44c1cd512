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
  pairs: YamlPair[];
  flow: boolean;
}

interface YamlSeq extends NodeBase {
  kind: 'seq';
  items: YamlNode[];
  flow: boolean;
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

class Builder {
  private i = 0;
  private readonly anchors = new Map<string, YamlNode>();
  private expanded = 0;
  readonly duplicateKeys: YamlNode[] = [];

  constructor(
    private readonly source: string,
    private readonly events: Event[],
  ) {}

  done(): boolean {
    return this.i >= this.events.length;
  }

  document(): YamlDocument {
    const event = this.events[this.i++];
    if (!event || event.type !== EVENT_ID.DOCUMENT) throw new BuildError('expected a document', 0);
    this.anchors.clear();
    this.duplicateKeys.length = 0;
    let root: YamlNode | null = null;
    if (this.events[this.i]?.type !== EVENT_ID.POP) root = this.node();
    this.i++; // the document's POP
    return { root, value: root === null ? null : root.value, duplicateKeys: [...this.duplicateKeys] };
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

  private anchorName(start: number, end: number): string | undefined {
    return start === -1 ? undefined : this.source.slice(start, end);
  }

  private node(): YamlNode {
    const event = this.events[this.i++];
    if (!event) throw new BuildError('unexpected end of YAML events', this.source.length);
    switch (event.type) {
      case EVENT_ID.SCALAR:
        return this.remember(event.anchorStart, event.anchorEnd, this.scalar(event));
      case EVENT_ID.MAPPING: {
        const pairs: YamlPair[] = [];
        const value: Record<string, unknown> = {};
        const seen = new Map<string, YamlNode>();
        let size = 1;
        let end = event.start + 1;
        while (this.events[this.i]?.type !== EVENT_ID.POP) {
          const keyNode = this.node();
          const valueNode = this.node();
          const key = keyString(keyNode.value);
          if (seen.has(key)) this.duplicateKeys.push(keyNode);
          seen.set(key, keyNode);
          pairs.push({ key, keyNode, value: valueNode });
          Object.defineProperty(value, key, {
            value: valueNode.value,
            enumerable: true,
            writable: true,
            configurable: true,
          });
          size += keyNode.size + valueNode.size;
          end = Math.max(end, valueNode.end, keyNode.end);
        }
        this.i++;
        if (event.style === 2) end = closingBracket(this.source, end, '}');
        const node: YamlMap = {
          kind: 'map',
          start: event.start,
          end,
          value,
          pairs,
          flow: event.style === 2,
          size,
        };
        return this.remember(event.anchorStart, event.anchorEnd, node);
      }
      case EVENT_ID.SEQUENCE: {
        const items: YamlNode[] = [];
        let size = 1;
        let end = event.start + 1;
        while (this.events[this.i]?.type !== EVENT_ID.POP) {
          const item = this.node();
          items.push(item);
          size += item.size;
          end = Math.max(end, item.end);
        }
        this.i++;
        if (event.style === 2) end = closingBracket(this.source, end, ']');
        const node: YamlSeq = {
          kind: 'seq',
          start: event.start,
          end,
          value: items.map((item) => item.value),
          items,
          flow: event.style === 2,
          size,
        };
        return this.remember(event.anchorStart, event.anchorEnd, node);
      }
      case EVENT_ID.ALIAS: {
        const name = this.source.slice(event.anchorStart, event.anchorEnd);
        const target = this.anchors.get(name);
        const start = Math.max(0, event.anchorStart - 1);
        if (!target) throw new BuildError(`unknown YAML alias "*${name}"`, start);
        this.count(target.size, start);
        return { ...target, start, end: event.anchorEnd, alias: true };
      }
      default:
        throw new BuildError('unexpected YAML event', 0);
    }
  }

  private scalar(event: ScalarEvent): YamlScalar {
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
    return { kind: 'scalar', start, end, value, style, text, size: 1 };
  }

  private remember(anchorStart: number, anchorEnd: number, node: YamlNode): YamlNode {
    const name = this.anchorName(anchorStart, anchorEnd);
    if (name !== undefined) this.anchors.set(name, node);
    return node;
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
  if (!node || node.kind !== 'map') return undefined;
  for (let i = node.pairs.length - 1; i >= 0; i--) {
    const pair = node.pairs[i] as YamlPair;
    if (pair.key === key) return pair;
  }
  return undefined;
}

/** Follows a path of keys and indices from a node. */
export function nodeAt(
  node: YamlNode | null | undefined,
  path: readonly (string | number)[],
): YamlNode | undefined {
  let current: YamlNode | undefined = node ?? undefined;
  for (const step of path) {
    if (!current) return undefined;
    if (typeof step === 'number') current = current.kind === 'seq' ? current.items[step] : undefined;
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
      current = current.kind === 'seq' ? current.items[step] : undefined;
    } else {
      const pair = pairOf(current, step);
      if (pair && key && i === path.length - 1) return { start: pair.keyNode.start, end: pair.keyNode.end };
      current = pair?.value;
    }
    if (current) best = { start: current.start, end: current.end };
  }
  return best;
}
