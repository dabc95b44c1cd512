/**
 * The tokens of Falco's condition language, lexed at a cursor the way libsinsp's filter parser
 * lexes them: the parser asks "is there an X here?" and the lexer consumes it or leaves the cursor
 * alone. The token shapes follow the grammar comment of libsinsp's `filter/parser.h`.
 */

export class ConditionSyntaxError extends Error {
  constructor(
    message: string,
    /** 0-based offset in the condition string where the parser stood. */
    readonly offset: number,
  ) {
    super(message);
  }
}

// Blanks as libsinsp skips them between tokens.
const BLANKS = new Set([' ', '\t', '\b', '\r', '\n']);

const RE_NOT_BLANK = /not[ \t\n\v\f\r]+/y;
const RE_IDENTIFIER = /[a-zA-Z]+[a-zA-Z0-9_]*/y;
const RE_FIELD_NAME = /[a-zA-Z]+[a-zA-Z0-9_]*(?:\.[a-zA-Z]+[a-zA-Z0-9_]*)+/y;
const RE_FIELD_ARG_BARE = /[^\]["'\s]+/y;
const RE_HEX_NUMBER = /0[xX][0-9a-zA-Z]+/y;
const RE_NUMBER = /[+-]?[0-9]+\.?[0-9]*(?:[eE][+-][0-9]+)?/y;
const RE_BARE_STRING = /[^()"'\s=,]+/y;
const RE_MODIFIER = /(oneof|anyof|allof)[ \t\n\v\f\r]+/y;

export const UNARY_OPERATORS = ['exists'] as const;
export const NUM_OPERATORS = ['<=', '<', '>=', '>'] as const;
export const STR_SYMBOL_OPERATORS = ['==', '=', '!='] as const;
// The word operators must be followed by a blank (checked, not consumed).
export const STR_WORD_OPERATORS = [
  'glob',
  'iglob',
  'contains',
  'icontains',
  'bcontains',
  'startswith',
  'bstartswith',
  'endswith',
  'regex',
] as const;
const RE_STR_WORD_OPERATOR = new RegExp(`(?:${STR_WORD_OPERATORS.join('|')})(?=[ \\t\\b\\r\\n])`, 'y');
export const LIST_OPERATORS = ['intersects', 'in', 'pmatch'] as const;
export const UNARY_TRANSFORMERS = ['tolower(', 'toupper(', 'b64(', 'basename(', 'len('] as const;

/** Every operator, as Falco lists them in its error messages. */
export const ALL_OPERATORS: readonly string[] = [
  ...UNARY_OPERATORS,
  ...NUM_OPERATORS,
  ...STR_SYMBOL_OPERATORS,
  ...STR_WORD_OPERATORS,
  ...LIST_OPERATORS,
];

export const TRANSFORMER_NAMES: readonly string[] = [
  'val',
  ...UNARY_TRANSFORMERS.map((t) => t.slice(0, -1)),
  'join',
  'concat',
  'getopt',
];

export class Scanner {
  pos = 0;
  /** The text of the last token consumed (unescaped for quoted strings). */
  last = '';
  /** Whether the last token consumed was a quoted string. */
  lastQuoted = false;

  constructor(readonly input: string) {}

  get atEnd(): boolean {
    return this.pos >= this.input.length;
  }

  peek(): string {
    return this.input[this.pos] ?? '';
  }

  fail(message: string, offset = this.pos): never {
    throw new ConditionSyntaxError(message, offset);
  }

  /** Skips blanks; true when at least one was skipped. */
  blank(): boolean {
    const from = this.pos;
    while (this.pos < this.input.length && BLANKS.has(this.input[this.pos] as string)) this.pos++;
    return this.pos > from;
  }

  /** Consumes `text` when the input continues with it (case-sensitive). */
  str(text: string): boolean {
    if (this.input.startsWith(text, this.pos)) {
      this.last = text;
      this.lastQuoted = false;
      this.pos += text.length;
      return true;
    }
    return false;
  }

  /** Consumes the first of `texts` that the input continues with. */
  oneOf(texts: readonly string[]): boolean {
    for (const text of texts) if (this.str(text)) return true;
    return false;
  }

  private regex(re: RegExp): boolean {
    re.lastIndex = this.pos;
    const match = re.exec(this.input);
    if (!match || match[0].length === 0) return false;
    this.last = match[0];
    this.lastQuoted = false;
    this.pos += match[0].length;
    return true;
  }

  notBlank(): boolean {
    return this.regex(RE_NOT_BLANK);
  }
  identifier(): boolean {
    return this.regex(RE_IDENTIFIER);
  }
  fieldName(): boolean {
    return this.regex(RE_FIELD_NAME);
  }
  fieldArgBare(): boolean {
    return this.regex(RE_FIELD_ARG_BARE);
  }
  hexNumber(): boolean {
    return this.regex(RE_HEX_NUMBER);
  }
  number(): boolean {
    return this.regex(RE_NUMBER);
  }
  bareString(): boolean {
    return this.regex(RE_BARE_STRING);
  }
  /** A string operator: a symbol, or a word followed by a blank. */
  strOperator(): boolean {
    return this.oneOf(STR_SYMBOL_OPERATORS) || this.regex(RE_STR_WORD_OPERATOR);
  }

  /** `oneof `, `anyof `, `allof ` (a blank must follow); `last` is the modifier without blanks. */
  modifier(): boolean {
    if (!this.regex(RE_MODIFIER)) return false;
    this.last = this.last.trim();
    return true;
  }

  /**
   * A quoted string: from a quote to the next same quote not preceded by a backslash, then
   * unescaped. Throws on escapes libsinsp refuses.
   */
  quoted(): boolean {
    const delimiter = this.peek();
    if (delimiter !== '"' && delimiter !== "'") return false;
    const start = this.pos;
    let prev = '\\';
    for (let i = start; i < this.input.length; i++) {
      const c = this.input[i] as string;
      if (c === delimiter && prev !== '\\' && i > start) {
        this.pos = i + 1;
        this.last = unescape(this.input.slice(start, i + 1), start);
        this.lastQuoted = true;
        return true;
      }
      prev = c;
    }
    return false;
  }
}

/** Resolves the escapes of a quoted token (quotes included) as libsinsp does. */
function unescape(token: string, offset = 0): string {
  const quote = token[0];
  let out = '';
  let escaped = false;
  for (let i = 1; i < token.length - 1; i++) {
    const c = token[i] as string;
    if (!escaped) {
      if (c === '\\') escaped = true;
      else out += c;
      continue;
    }
    escaped = false;
    switch (c) {
      case 'b':
        out += '\b';
        break;
      case 'f':
        out += '\f';
        break;
      case 'n':
        out += '\n';
        break;
      case 'r':
        out += '\r';
        break;
      case 't':
        out += '\t';
        break;
      case ' ':
      case '\\':
        // libsinsp keeps "\ " as a backslash for old rules that escaped spaces.
        out += '\\';
        break;
      case '/':
        out += '/';
        break;
      case '"':
        if (quote !== '"')
          throw new ConditionSyntaxError(`invalid \\" escape in '-quoted string`, offset + i);
        out += '"';
        break;
      case "'":
        if (quote !== "'")
          throw new ConditionSyntaxError(`invalid \\' escape in "-quoted string`, offset + i);
        out += "'";
        break;
      default:
        throw new ConditionSyntaxError(`unsupported string escape sequence: \\${c}`, offset + i);
    }
  }
  return out;
}
