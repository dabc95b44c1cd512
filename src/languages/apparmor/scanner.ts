/**
 * Character-level reading of apparmor.d text. The language is context dependent (a comma ends a
 * rule but may sit inside a path, `=` separates a condition but not a path), so the parser asks
 * for the kind of word it expects, as apparmor_parser's lexer states do.
 */
import type { Word } from './ast.js';

const SPACE = new Set([' ', '\t', '\r', '\n', '\f', '\v']);

/** Characters that end a path word (apparmor_parser's ID_CHARS complement). */
function endsPath(c: string): boolean {
  return SPACE.has(c) || c === '"' || c === '!' || c === ',';
}

/** Characters that end a name or condition word. */
function endsName(c: string): boolean {
  return (
    SPACE.has(c) || c === '"' || c === ',' || c === '=' || c === '(' || c === ')' || c === '{' || c === '}'
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
    for (;;) {
      const c = text[this.pos];
      if (c === undefined) return;
      if (SPACE.has(c)) {
        this.pos++;
        continue;
      }
      if (c === '#') {
        if (keepInclude && this.atHashInclude()) return;
        const nl = text.indexOf('\n', this.pos);
        this.pos = nl === -1 ? text.length : nl + 1;
        continue;
      }
      return;
    }
  }

  /** Skips blanks on the current line only (not newlines, not comments). */
  skipBlanks(): void {
    while (this.peek() === ' ' || this.peek() === '\t' || this.peek() === '\r') this.pos++;
  }

  /** The next name-like word without consuming it ('' when none). */
  peekName(): string {
    let end = this.pos;
    while (end < this.text.length && !endsName(this.text[end] as string)) end++;
    return this.text.slice(this.pos, end);
  }

  /** A word that follows the path rules; a quoted string when it starts with `"`. */
  readPath(): Word | undefined {
    if (this.peek() === '"') return this.readQuoted();
    const start = this.pos;
    const text = this.text;
    let i = this.pos;
    while (i < text.length) {
      const c = text[i] as string;
      if (c === '\\' && i + 1 < text.length) {
        i += 2;
        continue;
      }
      if (c === ',') {
        const next = text[i + 1];
        if (next !== undefined && !endsPath(next)) {
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
    if (this.peek() === '"') return this.readQuoted();
    const start = this.pos;
    while (!this.eof && !endsName(this.peek())) this.pos++;
    if (this.pos === start) return undefined;
    return { text: this.text.slice(start, this.pos), quoted: false, start, end: this.pos };
  }

  /** A value inside parentheses: stops at white space, commas and `)`. */
  readListItem(): Word | undefined {
    if (this.peek() === '"') return this.readQuoted();
    const start = this.pos;
    while (!this.eof) {
      const c = this.peek();
      if (SPACE.has(c) || c === ',' || c === ')' || c === '(') break;
      this.pos++;
    }
    if (this.pos === start) return undefined;
    return { text: this.text.slice(start, this.pos), quoted: false, start, end: this.pos };
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
