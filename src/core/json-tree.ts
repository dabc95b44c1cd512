/**
 * JSON with positions, kept compact: nodes are numbered in document order (the root is 0) and
 * each has three 32-bit numbers (start offset, end offset, size of its subtree) in typed arrays.
 * Everything else is derived from the text when a finding asks for it: a member's key and the
 * key's range, the items of an array, a scalar's value. The value itself comes from JSON.parse.
 * A tree of objects with a range per value (the YAML nodes) took 90 times the input: a 5 MB
 * seccomp profile listing 750,000 names peaked near 500 MB, this keeps 12 bytes per node.
 */
import type { Range } from './diagnostic.js';
import { jsonSyntaxError } from './json.js';
import type { JsonSyntaxError } from './json.js';

/** A node of a JsonTree: its number in document order. */
export type JsonNode = number;

export type JsonKind = 'object' | 'array' | 'string' | 'number' | 'literal';

export type JsonTreeResult = { ok: true; tree: JsonTree } | { ok: false; error: JsonSyntaxError };

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;

function isBlank(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/** Where a number or a literal stops. */
function isDelimiter(c: number): boolean {
  return isBlank(c) || c === 0x2c || c === 0x5d || c === 0x7d;
}

/** Whether the quote at `at` is escaped: an odd run of backslashes before it. */
function escaped(text: string, at: number): boolean {
  let k = at - 1;
  while (text.charCodeAt(k) === BACKSLASH) k--;
  return (at - 1 - k) % 2 === 1;
}

/** The offset after the closing quote of the string opening at `start`. */
function stringEnd(text: string, start: number): number {
  let q = text.indexOf('"', start + 1);
  while (q !== -1 && escaped(text, q)) q = text.indexOf('"', q + 1);
  return q === -1 ? text.length : q + 1;
}

/** A JSON string's value from its text, quotes included. */
function decodeString(text: string, start: number, end: number): string {
  const inner = text.slice(start + 1, end - 1);
  return inner.includes('\\') ? (JSON.parse(text.slice(start, end)) as string) : inner;
}

/** Parses JSON text into its value and its tree; a syntax error comes back with its offset. */
export function parseJsonTree(text: string): JsonTreeResult {
  const error = jsonSyntaxError(text);
  if (error) return { ok: false, error };
  return { ok: true, tree: JsonTree.build(text) };
}

export class JsonTree {
  /** The value, as JSON.parse gives it (a key given twice keeps its last value). */
  readonly value: unknown;
  /** The items of the arrays and the members of the objects asked about so far. */
  private readonly itemCache = new Map<JsonNode, Int32Array>();

  private constructor(
    readonly text: string,
    private readonly starts: Int32Array,
    private readonly ends: Int32Array,
    private readonly sizes: Int32Array,
    /** The number of nodes. */
    readonly count: number,
    /** The value nodes of members whose key the same object already had, in document order. */
    readonly duplicateKeys: readonly JsonNode[],
  ) {
    this.value = JSON.parse(text);
  }

  /** The tree of a text that jsonSyntaxError accepts (parseJsonTree checks it first). */
  static build(text: string): JsonTree {
    let capacity = (text.length >> 2) + 16;
    let starts: Int32Array = new Int32Array(capacity);
    let ends: Int32Array = new Int32Array(capacity);
    let sizes: Int32Array = new Int32Array(capacity);
    let n = 0;
    const add = (start: number, end: number): JsonNode => {
      if (n === capacity) {
        capacity *= 2;
        const grow = (from: Int32Array): Int32Array => {
          const to = new Int32Array(capacity);
          to.set(from);
          return to;
        };
        starts = grow(starts);
        ends = grow(ends);
        sizes = grow(sizes);
      }
      starts[n] = start;
      ends[n] = end;
      sizes[n] = 1;
      return n++;
    };
    const open: JsonNode[] = [];
    /** The keys of each open container so far (objects only, made at their first key). */
    const keys: (Set<string> | undefined)[] = [];
    const duplicates: JsonNode[] = [];
    const length = text.length;
    let i = 0;
    while (i < length) {
      const c = text.charCodeAt(i);
      if (c === 0x7b || c === 0x5b) {
        open.push(add(i, i + 1));
        keys.push(undefined);
        i++;
      } else if (c === 0x7d || c === 0x5d) {
        const node = open.pop() as JsonNode;
        keys.pop();
        ends[node] = i + 1;
        sizes[node] = n - node;
        i++;
      } else if (c === QUOTE) {
        const end = stringEnd(text, i);
        let j = end;
        while (isBlank(text.charCodeAt(j))) j++;
        if (text.charCodeAt(j) === COLON) {
          // A key: the next node is its member's value.
          const key = decodeString(text, i, end);
          const depth = keys.length - 1;
          let seen = keys[depth];
          if (!seen) keys[depth] = seen = new Set();
          if (seen.has(key)) duplicates.push(n);
          else seen.add(key);
          i = j + 1;
        } else {
          add(i, end);
          i = end;
        }
      } else if (isBlank(c) || c === 0x2c) {
        i++;
      } else {
        let j = i + 1;
        while (j < length && !isDelimiter(text.charCodeAt(j))) j++;
        add(i, j);
        i = j;
      }
    }
    return new JsonTree(text, starts, ends, sizes, n, duplicates);
  }

  kind(node: JsonNode): JsonKind {
    const c = this.text.charCodeAt(this.starts[node] as number);
    if (c === 0x7b) return 'object';
    if (c === 0x5b) return 'array';
    if (c === QUOTE) return 'string';
    return c === 0x74 || c === 0x66 || c === 0x6e ? 'literal' : 'number';
  }

  range(node: JsonNode): Range {
    return { start: this.starts[node] as number, end: this.ends[node] as number };
  }

  /** The node's text as written (a string's quotes included). */
  source(node: JsonNode): string {
    return this.text.slice(this.starts[node], this.ends[node]);
  }

  /** A string, number, boolean or null node's value; undefined for an object or an array. */
  scalar(node: JsonNode): string | number | boolean | null | undefined {
    switch (this.kind(node)) {
      case 'string':
        return decodeString(this.text, this.starts[node] as number, this.ends[node] as number);
      case 'number':
        return Number(this.source(node));
      case 'literal': {
        const text = this.source(node);
        return text === 'null' ? null : text === 'true';
      }
      default:
        return undefined;
    }
  }

  /** An array's items or an object's member values, in document order. */
  items(node: JsonNode): Int32Array {
    let items = this.itemCache.get(node);
    if (items) return items;
    const end = node + (this.sizes[node] as number);
    let count = 0;
    for (let child = node + 1; child < end; child += this.sizes[child] as number) count++;
    items = new Int32Array(count);
    count = 0;
    for (let child = node + 1; child < end; child += this.sizes[child] as number) items[count++] = child;
    this.itemCache.set(node, items);
    return items;
  }

  /** The range of the key of an object member, from its value node (quotes included). */
  keyRange(member: JsonNode): Range {
    const text = this.text;
    let q = (this.starts[member] as number) - 1;
    while (q > 0 && text.charCodeAt(q) !== COLON) q--;
    q--;
    while (q > 0 && text.charCodeAt(q) !== QUOTE) q--;
    // Any quote inside the key is escaped: the first unescaped one before the closing is the opening.
    let p = text.lastIndexOf('"', q - 1);
    while (p > 0 && escaped(text, p)) p = text.lastIndexOf('"', p - 1);
    return { start: Math.max(0, p), end: q + 1 };
  }

  /** The key of an object member, from its value node. */
  key(member: JsonNode): string {
    const { start, end } = this.keyRange(member);
    return decodeString(this.text, start, end);
  }

  /** The value node of an object's member (the last one, as JSON.parse keeps the last value). */
  member(node: JsonNode | undefined, key: string): JsonNode | undefined {
    if (node === undefined || this.kind(node) !== 'object') return undefined;
    const members = this.items(node);
    for (let i = members.length - 1; i >= 0; i--) {
      const member = members[i] as JsonNode;
      if (this.key(member) === key) return member;
    }
    return undefined;
  }

  /** An array's item. */
  item(node: JsonNode | undefined, index: number): JsonNode | undefined {
    if (node === undefined || this.kind(node) !== 'array') return undefined;
    return this.items(node)[index];
  }

  /** The node at a path, if there is one. */
  nodeAt(path: readonly (string | number)[]): JsonNode | undefined {
    let node: JsonNode | undefined = 0;
    for (const step of path) node = typeof step === 'number' ? this.item(node, step) : this.member(node, step);
    return node;
  }

  /**
   * The range that best shows a path: the value's node, else (for a missing key) the closest
   * existing ancestor. With `key: true`, the range of the last key itself.
   */
  rangeAt(path: readonly (string | number)[], key = false): Range {
    let best: JsonNode = 0;
    for (let i = 0; i < path.length; i++) {
      const step = path[i] as string | number;
      const next = typeof step === 'number' ? this.item(best, step) : this.member(best, step);
      if (next === undefined) break;
      if (key && i === path.length - 1 && typeof step === 'string') return this.keyRange(next);
      best = next;
    }
    return this.range(best);
  }
}
