/**
 * JSON data inputs (`kubectl get -o json`) read as a stream of bytes: each element of the root
 * object's `"items"` array is handed over as soon as it is complete, parsed alone and let go, so
 * that a List of 150,000 pods never sits in memory as one text or one value. The bytes are checked
 * as JSON.parse checks them (and as UTF-8) by one pass that keeps only a stack of brackets, so that
 * an error has the offset, line and column of its first wrong byte whatever the chunks are;
 * JSON.parse then builds each item's value from text known to be valid.
 *
 * The same pass, keeping nothing, is the one JSON syntax check of the project (jsonSyntaxError,
 * json.ts, for whole texts such as seccomp profiles): one set of messages, one depth limit.
 */
import { MAX_DEPTH } from './yaml.js';
import { MemberRanges } from './json-members.js';
import type { ItemMembers, JsonItemMembers } from './json-members.js';

/** Nesting beyond this is refused, as YAML's is. */
export const MAX_JSON_DEPTH = MAX_DEPTH;

/** One element of the root `items` array, or the root value itself when there is no such array. */
export interface JsonItem {
  /** With watched members, parsed when first read: read it during the call (the bytes are the reader's). */
  readonly value: unknown;
  /** Byte offset of its first byte. */
  offset: number;
  /** 1-based. */
  line: number;
  /** 1-based, in UTF-16 code units as the text's string offsets count. */
  column: number;
  /** With watched members (JsonItemStream's third argument): each parsed alone on demand. */
  readonly members?: JsonItemMembers;
}

/** Where the bytes stop being JSON: the first wrong byte (or the end, for a truncated input). */
export class JsonStreamError extends Error {
  constructor(
    message: string,
    readonly offset: number,
    readonly line: number,
    readonly column: number,
  ) {
    super(message);
  }
}

/**
 * No Kubernetes object is near this (etcd stores at most 1.5 MiB per object); the limit keeps a
 * hostile item from growing past what one string can hold.
 */
const MAX_ITEM_BYTES = 64 * 1024 * 1024;

// What the next byte may be.
const VALUE = 0; // a value (after `:`, `,` in an array, or at the start)
const VALUE_OR_CLOSE = 1; // a value or `]` (just after `[`)
const KEY_OR_CLOSE = 2; // a key or `}` (just after `{`)
const KEY = 3; // a key (after `,` in an object)
const COLON = 4;
const AFTER = 5; // `,` or the container's closer, or only blanks at the root
const STRING = 6;
const ESCAPE = 7; // after a backslash in a string
const UNICODE = 8; // in the four hex digits of \u
const UTF8 = 9; // in a multi-byte character of a string
const NUMBER = 10;
const LITERAL = 11; // true, false, null

// Where a number is.
const N_MINUS = 0;
const N_ZERO = 1;
const N_INT = 2;
const N_DOT = 3;
const N_FRACTION = 4;
const N_E = 5;
const N_E_SIGN = 6;
const N_EXPONENT = 7;

const OBJECT = 1;
const ARRAY = 2;

const ITEMS_KEY = [0x69, 0x74, 0x65, 0x6d, 0x73]; // "items"
const LITERALS: Record<number, readonly number[]> = {
  0x74: [0x74, 0x72, 0x75, 0x65],
  0x66: [0x66, 0x61, 0x6c, 0x73, 0x65],
  0x6e: [0x6e, 0x75, 0x6c, 0x6c],
};
const BOM = [0xef, 0xbb, 0xbf];

const isBlank = (b: number): boolean => b === 0x20 || b === 0x0a || b === 0x09 || b === 0x0d;
const isDigit = (b: number): boolean => b >= 0x30 && b <= 0x39;
const isHex = (b: number): boolean => isDigit(b) || (b >= 0x41 && b <= 0x46) || (b >= 0x61 && b <= 0x66);

/** How a byte reads in a message: the character itself when it is printable ASCII. */
function shown(b: number): string {
  return b > 0x20 && b < 0x7f ? `'${String.fromCharCode(b)}'` : `byte 0x${b.toString(16).padStart(2, '0')}`;
}

/** UTF-16 code units of UTF-8 bytes (valid, or cut at the ends). */
function units(bytes: Uint8Array, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const b = bytes[i] as number;
    if ((b & 0xc0) !== 0x80) n += b >= 0xf0 ? 2 : 1;
  }
  return n;
}

/**
 * Fed byte chunks in order (`push`), then `end`: calls back with each item of the root object's
 * `items` array as it completes, and with the root value (its `items`, if streamed, left empty)
 * at the end. Throws JsonStreamError at the first byte that is not JSON.
 */
export class JsonItemStream {
  private state = VALUE;
  private readonly stack: number[] = [];
  /** Bytes before the current chunk. */
  private base = 0;
  private line = 1;
  /** UTF-16 units on the current line before `colCursor` of the current chunk. */
  private colUnits = 0;
  private colCursor = 0;
  private bom = 0;
  // In a string: whether it is a key, the match of a root key against `items`.
  private isKey = false;
  private keyMatch = -1;
  private pendingItemsKey = false;
  /** Where the current key of the root object began. */
  private keyAt = { offset: 0, line: 0, column: 0 };
  private sawItemsKey = false;
  /** Where the last comma outside strings was, for a trailing comma's message. */
  private commaOffset = 0;
  private commaLine = 0;
  private commaColumn = 0;
  /** Offset of the current line's first byte, and the last line with a character beyond ASCII. */
  private lineStart = 0;
  private nonAsciiLine = 0;
  private hexLeft = 0;
  private utfLeft = 0;
  private utfLow = 0x80;
  private utfHigh = 0xbf;
  private utfStart = 0;
  private utfColumn = 0;
  private number = N_MINUS;
  private literal: readonly number[] = [];
  private literalAt = 0;
  /** Depth of the root `items` array's elements while inside it; -1 before, -2 after. */
  private itemsDepth = -1;
  private itemsDone = false;
  // What is being kept: the envelope (everything outside the items) or one item.
  private envelope: Uint8Array[] = [];
  private envelopeBytes = 0;
  private envelopeFrom = 0; // in the current chunk, -1 while not keeping the envelope
  private item: Uint8Array[] = [];
  private itemBytes = 0;
  private itemFrom = -1; // in the current chunk, -1 while not in an item
  private itemOffset = 0;
  private itemLine = 0;
  private itemColumn = 0;
  private ended = false;
  /** With watched members: their ranges in the current item, and the current key's first byte. */
  private readonly ranges: MemberRanges | undefined;
  private keyFrom = 0;
  private keyEscaped = false;
  private memberDue = false;
  /** The line where the root value begins. */
  rootLine = 1;
  rootColumn = 1;

  /**
   * Without `onItem`, the bytes are only checked: nothing is kept and end() returns undefined.
   * With `members`, each item is handed over unparsed, with the ranges of those members.
   */
  constructor(
    private readonly onItem: ((item: JsonItem) => void) | undefined,
    private readonly maxItemBytes = MAX_ITEM_BYTES,
    members?: ItemMembers,
  ) {
    this.ranges = members && new MemberRanges(members);
  }

  /** Whether the root was an object with an `items` array whose elements went to onItem. */
  get streamedItems(): boolean {
    return this.itemsDepth > 0;
  }

  push(chunk: Uint8Array): void {
    let i = 0;
    const n = chunk.length;
    // A byte order mark is not part of the text (as when the file is read whole).
    while (this.bom < 3 && this.base + i === this.bom && i < n && chunk[i] === BOM[this.bom]) {
      this.bom++;
      i++;
    }
    if (i > 0) {
      this.colCursor = i;
      this.lineStart = this.base + i;
    }
    if (this.bom > 0 && this.bom < 3 && i < n) this.fail(chunk, 0, 'invalid UTF-8 (a cut byte order mark)');
    this.envelopeFrom = this.itemFrom >= 0 || this.keepingNothing() ? -1 : i;
    if (this.itemFrom >= 0) this.itemFrom = 0;
    for (; i < n; i++) {
      let b = chunk[i] as number;
      switch (this.state) {
        case STRING: {
          // The bulk of the bytes: a tight loop until something that is not plain ASCII text (a
          // root key is matched against `items` on the way).
          if (this.keyMatch >= 0)
            while (b !== 0x22 && b !== 0x5c && b >= 0x20 && b < 0x80) {
              if (this.keyMatch >= 0) this.keyMatch = ITEMS_KEY[this.keyMatch] === b ? this.keyMatch + 1 : -1;
              if (++i === n) break;
              b = chunk[i] as number;
            }
          else
            while (b !== 0x22 && b !== 0x5c && b >= 0x20 && b < 0x80) {
              if (++i === n) break;
              b = chunk[i] as number;
            }
          if (i === n) break;
          if (b === 0x22) this.endString(chunk, i);
          else if (b === 0x5c) {
            this.state = ESCAPE;
            if (this.isKey) this.keyEscaped = true;
          } else if (b < 0x20)
            this.fail(chunk, i, 'a control character in a string: write it escaped (\\n, \\t, \\u0001)');
          else this.startUtf8(chunk, i, b);
          this.keyMatch = -1;
          break;
        }
        case ESCAPE:
          if (b === 0x75) {
            this.state = UNICODE;
            this.hexLeft = 4;
          } else if (
            b === 0x22 ||
            b === 0x5c ||
            b === 0x2f ||
            b === 0x62 ||
            b === 0x66 ||
            b === 0x6e ||
            b === 0x72 ||
            b === 0x74
          )
            this.state = STRING;
          else this.fail(chunk, i, `a bad escape in a string: a backslash before ${shown(b)}`);
          break;
        case UNICODE:
          if (!isHex(b)) this.fail(chunk, i, 'a bad \\u escape in a string: four hex digits expected');
          if (--this.hexLeft === 0) this.state = STRING;
          break;
        case UTF8:
          if (b < this.utfLow || b > this.utfHigh) this.failUtf8();
          this.utfLow = 0x80;
          this.utfHigh = 0xbf;
          if (--this.utfLeft === 0) this.state = STRING;
          break;
        case NUMBER:
          if (!this.numberByte(chunk, i, b)) i--;
          break;
        case LITERAL:
          if (b !== this.literal[this.literalAt]) this.fail(chunk, i, `unexpected ${shown(b)}`);
          if (++this.literalAt === this.literal.length) {
            this.state = AFTER;
            this.endValue(chunk, i + 1);
          }
          break;
        default:
          // Indentation: runs of spaces.
          while (b === 0x20 && i + 1 < n) b = chunk[++i] as number;
          if (isBlank(b)) {
            if (b === 0x0a) {
              this.line++;
              this.colUnits = 0;
              this.colCursor = i + 1;
              this.lineStart = this.base + i + 1;
            }
            break;
          }
          // The commonest structural byte without a call: `:` after a key (a comma's place is
          // kept by structural() for the message of a trailing one).
          if (b === 0x3a && this.state === COLON) {
            this.state = VALUE;
            break;
          }
          this.structural(chunk, i, b);
      }
    }
    this.keep(chunk);
    this.base += n;
  }

  /** Checks that the input was whole; returns the root value (undefined for no input at all). */
  end(): unknown {
    if (this.ended) throw new Error('JsonItemStream ended twice');
    this.ended = true;
    const empty = new Uint8Array(0);
    if (this.state === NUMBER && this.numberDone()) {
      this.state = AFTER;
      this.endValue(empty, 0);
    }
    if (this.state !== AFTER || this.stack.length > 0)
      this.fail(
        empty,
        0,
        this.state === VALUE && this.stack.length === 0
          ? 'no JSON at all (an empty input)'
          : 'unexpected end of the input: the JSON is cut short',
      );
    if (!this.onItem) return undefined;
    const text = Buffer.concat(this.envelope).toString('utf8');
    this.envelope = [];
    return JSON.parse(text);
  }

  private keepingNothing(): boolean {
    return !this.onItem || (this.itemsDepth > 0 && !this.itemsDone);
  }

  /** At the end of a chunk: what is being kept is copied out of it (chunks may be reused). */
  private keep(chunk: Uint8Array): void {
    if (this.itemFrom >= 0) {
      this.addItemBytes(chunk, this.itemFrom, chunk.length);
      this.itemFrom = 0;
    } else if (this.envelopeFrom >= 0) this.addEnvelope(chunk, this.envelopeFrom, chunk.length);
    this.colUnits += units(chunk, this.colCursor, chunk.length);
    this.colCursor = 0;
  }

  private addItemBytes(chunk: Uint8Array, from: number, to: number): void {
    if (to <= from) return;
    this.itemBytes += to - from;
    if (this.itemBytes > this.maxItemBytes)
      throw this.error(
        `an item over ${this.maxItemBytes / 1048576} MiB: no Kubernetes object is that large (etcd keeps at most 1.5 MiB)`,
        this.itemOffset,
        this.itemLine,
        this.itemColumn,
      );
    this.item.push(Uint8Array.prototype.slice.call(chunk, from, to));
  }

  private addEnvelope(chunk: Uint8Array, from: number, to: number): void {
    if (to <= from) return;
    this.envelopeBytes += to - from;
    if (this.envelopeBytes > this.maxItemBytes)
      this.fail(
        chunk,
        to - 1,
        `a JSON value over ${this.maxItemBytes / 1048576} MiB that is not a List: give the objects as a List (kind: List, items: [...])`,
      );
    this.envelope.push(Uint8Array.prototype.slice.call(chunk, from, to));
  }

  private column(chunk: Uint8Array, at: number): number {
    if (at > this.colCursor) {
      this.colUnits += units(chunk, this.colCursor, at);
      this.colCursor = at;
    }
    return this.colUnits + 1;
  }

  private error(message: string, offset: number, line: number, column: number): JsonStreamError {
    return new JsonStreamError(message, offset, line, column);
  }

  private fail(chunk: Uint8Array, at: number, message: string): never {
    throw this.error(message, this.base + at, this.line, this.column(chunk, at));
  }

  /** At the comma itself, which JSON does not allow before a closer. */
  private trailingComma(closer: string): never {
    const [offset, line, column] = [this.commaOffset, this.commaLine, this.commaColumn];
    throw this.error(`a comma before '${closer}': remove the trailing comma`, offset, line, column);
  }

  private failUtf8(): never {
    throw this.error(
      `invalid UTF-8 (a bad sequence at byte offset ${this.utfStart}); save the file as UTF-8`,
      this.utfStart,
      this.line,
      this.utfColumn,
    );
  }

  private startUtf8(chunk: Uint8Array, i: number, b: number): void {
    this.utfStart = this.base + i;
    this.nonAsciiLine = this.line;
    // Kept for a message: the character may end in a later chunk.
    this.utfColumn = this.column(chunk, i);
    this.utfLow = 0x80;
    this.utfHigh = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) this.utfLeft = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      this.utfLeft = 2;
      if (b === 0xe0) this.utfLow = 0xa0;
      else if (b === 0xed) this.utfHigh = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      this.utfLeft = 3;
      if (b === 0xf0) this.utfLow = 0x90;
      else if (b === 0xf4) this.utfHigh = 0x8f;
    } else this.failUtf8();
    this.state = UTF8;
  }

  /** A byte outside strings, numbers and literals that is not blank. */
  private structural(chunk: Uint8Array, i: number, b: number): void {
    const state = this.state;
    if (state === AFTER) {
      const top = this.stack[this.stack.length - 1];
      if (top === undefined) this.fail(chunk, i, `unexpected ${shown(b)} after the JSON value`);
      if (b === 0x2c) {
        this.state = top === OBJECT ? KEY : VALUE;
        // Kept for a trailing comma's message. A line of ASCII has a column per byte: counting
        // UTF-16 units at every comma of a 478 MB List cost a second pass over its bytes.
        this.commaOffset = this.base + i;
        this.commaLine = this.line;
        this.commaColumn =
          this.nonAsciiLine === this.line ? this.column(chunk, i) : this.commaOffset - this.lineStart + 1;
        return;
      }
      if ((b === 0x7d && top === OBJECT) || (b === 0x5d && top === ARRAY)) {
        this.close(chunk, i);
        return;
      }
      this.fail(chunk, i, `expected ',' or '${top === OBJECT ? '}' : ']'}', not ${shown(b)}`);
    }
    if (state === COLON) {
      if (b !== 0x3a) this.fail(chunk, i, `expected ':' after a key, not ${shown(b)}`);
      this.state = VALUE;
      return;
    }
    if (state === KEY || state === KEY_OR_CLOSE) {
      if (b === 0x7d && state === KEY_OR_CLOSE) return this.close(chunk, i);
      if (b === 0x7d) this.trailingComma('}');
      if (b !== 0x22) this.fail(chunk, i, `expected a key in double quotes, not ${shown(b)}`);
      this.isKey = true;
      if (this.ranges) {
        this.keyFrom = this.base + i + 1;
        this.keyEscaped = false;
      }
      this.keyMatch = this.stack.length === 1 ? 0 : -1;
      if (this.keyMatch === 0)
        this.keyAt = { offset: this.base + i, line: this.line, column: this.column(chunk, i) };
      this.state = STRING;
      return;
    }
    if (b === 0x5d && state === VALUE_OR_CLOSE) return this.close(chunk, i);
    // A value is due after a comma in an array (after a colon, the container is an object).
    if (b === 0x5d && this.stack.at(-1) === ARRAY) this.trailingComma(']');
    // A value begins.
    if (this.stack.length === 0) {
      this.rootLine = this.line;
      this.rootColumn = this.column(chunk, i);
    }
    const itemsOpening = this.pendingItemsKey;
    this.pendingItemsKey = false;
    if (this.stack.length === this.itemsDepth && !this.itemsDone) this.startItem(chunk, i);
    else if (this.memberDue) {
      this.memberDue = false;
      this.ranges?.valueStart(this.stack.length - this.itemsDepth, this.base + i - this.itemOffset);
    }
    if (b === 0x7b || b === 0x5b) {
      if (this.stack.length >= MAX_JSON_DEPTH)
        this.fail(
          chunk,
          i,
          `more than ${MAX_JSON_DEPTH} levels of nesting: no policy or Kubernetes object is that deep`,
        );
      this.stack.push(b === 0x7b ? OBJECT : ARRAY);
      this.state = b === 0x7b ? KEY_OR_CLOSE : VALUE_OR_CLOSE;
      if (itemsOpening && b === 0x5b) {
        // The root `items` array: its elements are streamed, the envelope keeps `[]`.
        this.itemsDepth = this.stack.length;
        if (this.envelopeFrom >= 0) this.addEnvelope(chunk, this.envelopeFrom, i + 1);
        this.envelopeFrom = -1;
      }
      return;
    }
    if (b === 0x22) {
      this.isKey = false;
      this.keyMatch = -1;
      this.state = STRING;
      return;
    }
    if (b === 0x2d || isDigit(b)) {
      this.state = NUMBER;
      this.number = b === 0x2d ? N_MINUS : b === 0x30 ? N_ZERO : N_INT;
      return;
    }
    const literal = LITERALS[b];
    if (!literal)
      this.fail(
        chunk,
        i,
        `unexpected ${shown(b)}: a value (object, array, string, number, true, false or null) expected`,
      );
    this.literal = literal;
    this.literalAt = 1;
    this.state = LITERAL;
  }

  private close(chunk: Uint8Array, i: number): void {
    const depth = this.stack.length;
    this.stack.pop();
    if (depth === this.itemsDepth && !this.itemsDone) {
      this.itemsDone = true;
      this.envelopeFrom = i;
    }
    this.state = AFTER;
    this.endValue(chunk, i + 1);
  }

  private endString(chunk: Uint8Array, i: number): void {
    if (this.isKey) {
      if (this.keyMatch === ITEMS_KEY.length && this.onItem) {
        if (this.sawItemsKey) {
          const { offset, line, column } = this.keyAt;
          throw this.error('a second "items" key in the root object', offset, line, column);
        }
        this.sawItemsKey = true;
        this.pendingItemsKey = true;
      }
      if (this.ranges && this.itemFrom >= 0) this.memberKey(chunk, i);
      this.state = COLON;
      return;
    }
    this.state = AFTER;
    this.endValue(chunk, i + 1);
  }

  /** Whether a number may end here. */
  private numberDone(): boolean {
    const at = this.number;
    return at === N_ZERO || at === N_INT || at === N_FRACTION || at === N_EXPONENT;
  }

  /** One byte of a number; false when the number ended before it (the byte is read again). */
  private numberByte(chunk: Uint8Array, i: number, b: number): boolean {
    const digit = isDigit(b);
    switch (this.number) {
      case N_MINUS:
        if (!digit) this.fail(chunk, i, `no digit after a minus sign, ${shown(b)}`);
        this.number = b === 0x30 ? N_ZERO : N_INT;
        return true;
      case N_ZERO:
      case N_INT:
        if (digit && this.number === N_INT) return true;
        if (digit) this.fail(chunk, i, 'a number with a leading zero');
        if (b === 0x2e) this.number = N_DOT;
        else if (b === 0x65 || b === 0x45) this.number = N_E;
        else break;
        return true;
      case N_DOT:
        if (!digit) this.fail(chunk, i, `no digit after a decimal point, ${shown(b)}`);
        this.number = N_FRACTION;
        return true;
      case N_FRACTION:
        if (digit) return true;
        if (b === 0x65 || b === 0x45) this.number = N_E;
        else break;
        return true;
      case N_E:
      case N_E_SIGN:
        if (this.number === N_E && (b === 0x2b || b === 0x2d)) {
          this.number = N_E_SIGN;
          return true;
        }
        if (!digit) this.fail(chunk, i, `no digit in an exponent, ${shown(b)}`);
        this.number = N_EXPONENT;
        return true;
      case N_EXPONENT:
        if (digit) return true;
        break;
    }
    this.state = AFTER;
    this.endValue(chunk, i);
    return false;
  }

  /** A key of the current item ended at `i`: whether its value is watched. */
  private memberKey(chunk: Uint8Array, i: number): void {
    const level = this.stack.length - this.itemsDepth;
    if (level !== 1 && level !== 2) return;
    const from = this.keyFrom - this.base;
    this.memberDue = this.ranges?.key(level, chunk, from, i, this.keyEscaped) ?? false;
  }

  /** A value ended just before `end` (in this chunk): an item of the List is complete when at its depth. */
  private endValue(chunk: Uint8Array, end: number): void {
    if (this.itemFrom < 0 || this.itemsDone) return;
    const level = this.stack.length - this.itemsDepth;
    if (level !== 0) {
      if (this.ranges && (level === 1 || level === 2))
        this.ranges.valueEnd(level, this.base + end - this.itemOffset);
      return;
    }
    let bytes: Uint8Array;
    if (this.item.length === 0) bytes = chunk.subarray(this.itemFrom, end);
    else {
      this.addItemBytes(chunk, this.itemFrom, end);
      bytes = Buffer.concat(this.item);
    }
    this.item = [];
    this.itemBytes = 0;
    this.itemFrom = -1;
    if (this.ranges) {
      this.onItem?.(this.ranges.item(bytes, this.itemOffset, this.itemLine, this.itemColumn));
      return;
    }
    const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
    this.onItem?.({
      value: JSON.parse(text),
      offset: this.itemOffset,
      line: this.itemLine,
      column: this.itemColumn,
    });
  }

  private startItem(chunk: Uint8Array, i: number): void {
    this.ranges?.reset();
    this.itemFrom = i;
    this.itemOffset = this.base + i;
    this.itemLine = this.line;
    this.itemColumn = this.column(chunk, i);
  }
}

/** The items and root value of a whole text, through the same stream (one chunk). */
export function jsonItemsOf(bytes: Uint8Array): { items: JsonItem[]; root: unknown; streamedItems: boolean } {
  const items: JsonItem[] = [];
  const stream = new JsonItemStream((item) => items.push(item));
  stream.push(bytes);
  const root = stream.end();
  return { items, root, streamedItems: stream.streamedItems };
}
