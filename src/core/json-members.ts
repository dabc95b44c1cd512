/**
 * Partial parsing of a List's items: where the values of a few chosen members of each item lie
 * (`kind`, `metadata.name`, ...), found by JsonItemStream as the bytes pass, so that an item of
 * which only those are needed is never parsed whole (a pod of a large cluster is 3 KB or more, of
 * which its workload needs some 300 bytes).
 *
 * Members of the item and members of those (two levels) only. Whatever makes a range uncertain (a
 * repeated or escaped key at those levels, a key cut between two chunks) leaves the item to the
 * whole parse: a member's value is the one JSON.parse gives the whole item either way.
 */

const encoder = new TextEncoder();

interface Watched {
  key: string;
  name: Uint8Array;
  index: number;
  /** Members of this one that are watched (level 1 only). */
  children: Watched[];
  /** A bit for each length of their names under 31 bytes (most keys are rejected by it). */
  childLengths: number;
}

const lengthBit = (length: number): number => (length < 31 ? 1 << length : 0);

const isMap = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** The chosen members, as dotted paths of one or two keys (`kind`, `metadata.name`). */
export class ItemMembers {
  readonly paths: readonly (readonly string[])[];
  readonly top: readonly Watched[];
  readonly topLengths: number;

  constructor(paths: readonly string[]) {
    const all: string[][] = [];
    const top: Watched[] = [];
    let topLengths = 0;
    const add = (path: string[]): Watched => {
      const parent = path.length === 1 ? undefined : add(path.slice(0, 1));
      const siblings = parent ? parent.children : top;
      const key = path[path.length - 1] ?? '';
      let found = siblings.find((w) => w.key === key);
      if (!found) {
        found = { key, name: encoder.encode(key), index: all.length, children: [], childLengths: 0 };
        all.push(path);
        siblings.push(found);
        const bit = found.name.length < 31 ? lengthBit(found.name.length) : -1;
        if (parent) parent.childLengths |= bit;
        else topLengths |= bit;
      }
      return found;
    };
    for (const path of paths) {
      const keys = path.split('.');
      if (keys.length > 2 || keys.some((k) => k === ''))
        throw new Error(`not a member of one or two keys: ${path}`);
      add(keys);
    }
    this.paths = all;
    this.top = top;
    this.topLengths = topLengths;
  }

  /** The index of a path given to the constructor, for JsonItemMembers.value. */
  index(path: string): number {
    const at = this.paths.findIndex((p) => p.join('.') === path);
    if (at < 0) throw new Error(`member ${path} is not watched`);
    return at;
  }
}

/** Whether the key bytes `from`..`to` of `bytes` are `name`. */
function same(bytes: Uint8Array, from: number, to: number, name: Uint8Array): boolean {
  if (to - from !== name.length) return false;
  for (let k = 0; k < name.length; k++) if (bytes[from + k] !== name[k]) return false;
  return true;
}

/**
 * The ranges of the watched members in the item being read (offsets from the item's first byte),
 * kept up by the stream at the keys and value ends of the item's first two levels only.
 */
export class MemberRanges {
  readonly starts: Int32Array;
  readonly ends: Int32Array;
  /** False once a range is uncertain: the item is then parsed whole. */
  private located = true;
  /** The level 1 member being read, when watched. */
  private parent: Watched | undefined;
  /** The member whose value comes next. */
  private due = -1;
  private open1 = -1;
  private open2 = -1;

  constructor(readonly members: ItemMembers) {
    this.starts = new Int32Array(members.paths.length).fill(-1);
    this.ends = new Int32Array(members.paths.length).fill(-1);
  }

  /** A new item begins (the last one's ranges were used during its call). */
  reset(): void {
    this.starts.fill(-1);
    this.ends.fill(-1);
    this.located = true;
    this.parent = undefined;
    this.due = -1;
    this.open1 = -1;
    this.open2 = -1;
  }

  /**
   * A key of `level` (1: of the item, 2: of one of its members) ended; its bytes are
   * `bytes[from..to)`, or unknown (`from` < 0: it began in an earlier chunk). True when the
   * value that follows is watched (valueStart is then due).
   */
  key(level: number, bytes: Uint8Array, from: number, to: number, escaped: boolean): boolean {
    if (!this.located) return false;
    const parent = this.parent;
    if (level === 1) this.parent = undefined;
    else if (!parent || parent.children.length === 0) return false;
    // A key that may decode to a watched name, read here as bytes: JSON.parse decides.
    if (escaped || from < 0) {
      this.located = false;
      return false;
    }
    const lengths = level === 1 ? this.members.topLengths : (parent?.childLengths ?? 0);
    if ((lengths & lengthBit(to - from)) === 0 && to - from < 31) return false;
    const candidates = level === 1 ? this.members.top : (parent?.children ?? []);
    for (const watched of candidates)
      if (same(bytes, from, to, watched.name)) {
        // JSON.parse keeps a repeated key's last value (and drops all it held): the whole parse decides.
        if (this.starts[watched.index] !== -1) {
          this.located = false;
          return false;
        }
        if (level === 1) this.parent = watched;
        this.due = watched.index;
        return true;
      }
    return false;
  }

  /** The watched value of the last key begins at `at`, at `level`. */
  valueStart(level: number, at: number): void {
    this.starts[this.due] = at;
    if (level === 1) this.open1 = this.due;
    else this.open2 = this.due;
    this.due = -1;
  }

  /** A value of `level` ended just before `at`. */
  valueEnd(level: number, at: number): void {
    if (level === 1) {
      if (this.open1 >= 0) this.ends[this.open1] = at;
      this.open1 = -1;
    } else {
      if (this.open2 >= 0) this.ends[this.open2] = at;
      this.open2 = -1;
    }
  }

  /** The item just read, with these ranges when certain. */
  item(bytes: Uint8Array, offset: number, line: number, column: number): JsonItemMembers {
    return new JsonItemMembers(bytes, this.members, this.located ? this : undefined, offset, line, column);
  }
}

/** Whether `bytes[from..to)` is a string without escapes, of ASCII characters only. */
function plainAscii(bytes: Uint8Array, from: number, to: number): boolean {
  if (bytes[from] !== 0x22) return false;
  for (let k = from + 1; k < to - 1; k++) {
    const b = bytes[k] as number;
    if (b === 0x5c || b >= 0x80) return false;
  }
  return true;
}

/**
 * One item of the List (a JsonItem) with its watched members: each parsed alone on demand, the
 * whole item parsed only when asked (or when a range was uncertain). Its bytes and ranges are the
 * reader's: use it during the call.
 */
export class JsonItemMembers {
  private whole: unknown;
  private parsed = false;
  private readonly text: Buffer;

  constructor(
    bytes: Uint8Array,
    private readonly watched: ItemMembers,
    private readonly ranges: MemberRanges | undefined,
    readonly offset: number,
    readonly line: number,
    readonly column: number,
  ) {
    this.text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** The whole item, as JSON.parse gives it (parsed once). */
  get value(): unknown {
    if (!this.parsed) {
      this.whole = JSON.parse(this.text.toString('utf8'));
      this.parsed = true;
    }
    return this.whole;
  }

  /** Whether the members are read from their ranges (false: from the whole value). */
  get located(): boolean {
    return this.ranges !== undefined;
  }

  /** This item's members (as a JsonItem has them). */
  get members(): this {
    return this;
  }

  /** The value of watched member `index` (ItemMembers.index), undefined when the item has none. */
  member(index: number): unknown {
    const ranges = this.ranges;
    if (!ranges) return this.walk(index);
    const start = ranges.starts[index] ?? -1;
    if (start < 0) return undefined;
    const end = ranges.ends[index] ?? start;
    // Names and kinds are short ASCII strings: read without JSON.parse.
    if (plainAscii(this.text, start, end)) return this.text.toString('latin1', start + 1, end - 1);
    return JSON.parse(this.text.toString('utf8', start, end));
  }

  /** Whether watched member `index` is a string (as `typeof member(index) === 'string'`, unparsed). */
  isString(index: number): boolean {
    const start = this.ranges ? (this.ranges.starts[index] ?? -1) : -2;
    if (start === -2) return typeof this.walk(index) === 'string';
    return start >= 0 && this.text[start] === 0x22;
  }

  /** The member in the whole value: what the ranges stand for. */
  private walk(index: number): unknown {
    let value = this.value;
    for (const key of this.watched.paths[index] ?? []) {
      if (!isMap(value) || !Object.hasOwn(value, key)) return undefined;
      value = value[key];
    }
    return value;
  }
}
