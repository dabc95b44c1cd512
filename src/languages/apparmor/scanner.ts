/**
 * Character-level reading of apparmor.d text. The language is context dependent (a comma ends a
 * rule but may sit inside a path, `=` separates a condition but not a path), so the parser asks
 * for the kind of word it expects, as apparmor_parser's lexer states do.
 */
import type { Word } from './ast.js';

const SPACE = new Set([' ', '\t', '\r', '\n', '\f', '\v']);

// Character codes: the scanning loops compare numbers (no one-character strings, no set lookups).
const TAB = 9;
const RETURN = 13;
const BLANK = 32;
const BANG = 33;
const QUOTE = 34;
const HASH = 35;
const OPEN_PAREN = 40;
const CLOSE_PAREN = 41;
const COMMA = 44;
const EQUALS = 61;
const BACKSLASH = 92;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;

function isSpace(code: number): boolean {
  return code === BLANK || (code >= TAB && code <= RETURN);
}

/** Characters that end a path word (apparmor_parser's ID_CHARS complement). */
function endsPath(code: number): boolean {
  return isSpace(code) || code === QUOTE || code === BANG || code === COMMA;
}

/** Characters that end a name or condition word. */
function endsName(code: number): boolean {
  return (
    isSpace(code) ||
    code === QUOTE ||
    code === COMMA ||
    code === EQUALS ||
    code === OPEN_PAREN ||
    code === CLOSE_PAREN ||
    code === OPEN_BRACE ||
    code === CLOSE_BRACE
  );
}

export class Scanner {
  pos = 0;

  constructor(readonly text: string) {}

  get eof(): boolean {
    return this.pos >= this.text.length;
  }

  peek(offset = 0): string {
    return this.text[this.pos + offset] ?? '';
  }

  startsWith(s: string): boolean {
    return this.text.startsWith(s, this.pos);
  }

  /** Whether `#include` (a directive, not a comment) starts at the position. */
  atHashInclude(): boolean {
    if (!this.startsWith('#include')) return false;
    const next = this.text[this.pos + 8] ?? '';
    return next === '' || SPACE.has(next) || next === '<' || next === '"';
  }

  /** Skips white space and comments; stops before `#include` when `keepInclude`. */
  skip(keepInclude = true): void {
    const text = this.text;
    const n = text.length;
    while (this.pos < n) {
      const c = text.charCodeAt(this.pos);
      if (isSpace(c)) {
        this.pos++;
        continue;
      }
      if (c === HASH) {
        if (keepInclude && this.atHashInclude()) return;
        const nl = text.indexOf('\n', this.pos);
        this.pos = nl === -1 ? n : nl + 1;
        continue;
      }
      return;
    }
  }

  /** Skips blanks on the current line only (not newlines, not comments). */
  skipBlanks(): void {
    const text = this.text;
    for (;;) {
      const c = text.charCodeAt(this.pos);
      if (c !== BLANK && c !== TAB && c !== RETURN) return;
      this.pos++;
    }
  }

  /** The next name-like word without consuming it ('' when none). */
  peekName(): string {
    const text = this.text;
    let end = this.pos;
    while (end < text.length && !endsName(text.charCodeAt(end))) end++;
    return text.slice(this.pos, end);
  }

  /** A word that follows the path rules; a quoted string when it starts with `"`. */
  readPath(): Word | undefined {
    const text = this.text;
    if (text.charCodeAt(this.pos) === QUOTE) return this.readQuoted();
    const start = this.pos;
    const n = text.length;
    let i = this.pos;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === BACKSLASH && i + 1 < n) {
        i += 2;
        continue;
      }
      if (c === COMMA) {
        // A comma inside a path (`{a,b}`) is followed by more of the path.
        if (i + 1 < n && !endsPath(text.charCodeAt(i + 1))) {
          i++;
          continue;
        }
        break;
      }
      if (endsPath(c)) break;
      i++;
    }
    if (i === start) return undefined;
    this.pos = i;
    return { text: text.slice(start, i), quoted: false, start, end: i };
  }

  /** A name or value word (stops at `=`, parentheses, braces and commas). */
  readName(): Word | undefined {
    const text = this.text;
    if (text.charCodeAt(this.pos) === QUOTE) return this.readQuoted();
    const start = this.pos;
    let i = start;
    while (i < text.length && !endsName(text.charCodeAt(i))) i++;
    if (i === start) return undefined;
    this.pos = i;
    return { text: text.slice(start, i), quoted: false, start, end: i };
  }

  /** A value inside parentheses: stops at white space, commas and `)`. */
  readListItem(): Word | undefined {
    const text = this.text;
    if (text.charCodeAt(this.pos) === QUOTE) return this.readQuoted();
    const start = this.pos;
    let i = start;
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (isSpace(c) || c === COMMA || c === CLOSE_PAREN || c === OPEN_PAREN) break;
      i++;
    }
    if (i === start) return undefined;
    this.pos = i;
    return { text: text.slice(start, i), quoted: false, start, end: i };
  }

  /** A double-quoted string; `undefined` (position unchanged) when it is not closed. */
  readQuoted(): Word | undefined {
    const start = this.pos;
    let i = start + 1;
    let out = '';
    const text = this.text;
    while (i < text.length) {
      const c = text[i] as string;
      if (c === '\\' && i + 1 < text.length) {
        out += c + (text[i + 1] as string);
        i += 2;
        continue;
      }
      if (c === '"') {
        this.pos = i + 1;
        return { text: out, quoted: true, start, end: i + 1 };
      }
      if (c === '\n') break;
      out += c;
      i++;
    }
    return undefined;
  }

  /** Offset of the end of the current line. */
  lineEnd(): number {
    const nl = this.text.indexOf('\n', this.pos);
    return nl === -1 ? this.text.length : nl;
  }
}
