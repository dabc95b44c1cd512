/**
 * A recursive-descent parser for Falco conditions that accepts and rejects what libsinsp's filter
 * parser does (syntax only: whether a field exists is the loader's business), with libsinsp's
 * error messages and the offset where it stopped. Recursion is capped like libsinsp's
 * (`exceeded max depth limit of 100`), so hostile input fails instead of overflowing the stack.
 */
import type {
  BinaryOperator,
  Expr,
  FieldExpr,
  FieldLike,
  ListExpr,
  Operand,
  OperatorModifier,
  TransformerArg,
  TransformerExpr,
  TransformerName,
  ValueExpr,
} from './ast.js';
import {
  ALL_OPERATORS,
  ConditionSyntaxError,
  LIST_OPERATORS,
  NUM_OPERATORS,
  Scanner,
  TRANSFORMER_NAMES,
  UNARY_OPERATORS,
  UNARY_TRANSFORMERS,
} from './lexer.js';

const MAX_DEPTH = 100;

export type ParseResult = { ast: Expr } | { error: string; offset: number };

export interface ParseOptions {
  maxDepth?: number;
}

const quotedList = (items: readonly string[]): string => items.map((item) => `'${item}'`).join(', ');
const TRANSFORMERS_TEXT = quotedList(TRANSFORMER_NAMES);

/** Parses one condition. Never throws. */
export function parse(condition: string, options: ParseOptions = {}): ParseResult {
  try {
    return { ast: new Parser(condition, options.maxDepth ?? MAX_DEPTH).parse() };
  } catch (error) {
    if (error instanceof ConditionSyntaxError) return { error: error.message, offset: error.offset };
    if (error instanceof RangeError) return { error: `exceeded max depth limit of ${MAX_DEPTH}`, offset: 0 };
    throw error;
  }
}

class Parser {
  private readonly s: Scanner;
  private depth = 0;
  /** The last comparison whose value was the word `and` or `or`: a value left out before a line break. */
  private swallowed: { op: string; opStart: number; value: string; end: number } | undefined;

  constructor(
    input: string,
    private readonly maxDepth: number,
  ) {
    this.s = new Scanner(input);
  }

  parse(): Expr {
    const s = this.s;
    if (s.input.length === 0) s.fail('filter input string is empty');
    const expr = this.or();
    if (!s.atEnd) {
      const message = `unexpected token after '${s.last}', expecting 'or', 'and'`;
      const w = this.swallowed;
      // `evt.dir = ⏎ and fd.name ...`: libsinsp takes `and` as the value, then stops at the field.
      if (w && s.input.slice(w.end, s.pos).trim() === '')
        s.fail(
          `${message}: the value after '${w.op}' is missing (Falco reads '${w.value}' as the value); write the value after '${w.op}'`,
          w.opStart,
        );
      s.fail(message);
    }
    return expr;
  }

  private enter<T>(body: () => T): T {
    if (++this.depth >= this.maxDepth) this.s.fail(`exceeded max depth limit of ${this.maxDepth}`);
    try {
      return body();
    } finally {
      this.depth--;
    }
  }

  private or(): Expr {
    return this.enter(() => this.chain('or', () => this.and()));
  }

  private and(): Expr {
    return this.enter(() => this.chain('and', () => this.not()));
  }

  private chain(word: 'and' | 'or', operand: () => Expr): Expr {
    const s = this.s;
    s.blank();
    const start = s.pos;
    const children = [operand()];
    s.blank();
    while (s.str(word)) {
      if (s.blank()) children.push(operand());
      else if (s.str('(')) children.push(this.embedded());
      else s.fail(`expected blank or '(' after '${word}'`);
      s.blank();
    }
    if (children.length === 1) return children[0] as Expr;
    const last = children[children.length - 1] as Expr;
    return { kind: word, children, start, end: last.end };
  }

  private not(): Expr {
    return this.enter(() => {
      const s = this.s;
      s.blank();
      const start = s.pos;
      let negate = false;
      while (s.notBlank()) negate = !negate;
      let child: Expr;
      if (s.str('not(')) {
        negate = !negate;
        child = this.embedded();
      } else {
        child = this.check();
      }
      return negate ? { kind: 'not', child, start, end: child.end } : child;
    });
  }

  /** The rest of `( Expr )` once `(` is consumed. */
  private embedded(): Expr {
    return this.enter(() => {
      const s = this.s;
      const open = s.pos - 1;
      s.blank();
      const child = this.or();
      s.blank();
      if (s.atEnd)
        s.fail(
          `expected a ')' token: the '(' before '${this.excerpt(open + 1)}' is never closed; add ')' where that group ends`,
        );
      if (!s.str(')')) s.fail("expected a ')' token");
      return child;
    });
  }

  /** The first words after `at`, to name a place in a long condition. */
  private excerpt(at: number): string {
    const words = this.s.input.slice(at).trim().split(/\s+/);
    return words.length > 4 ? `${words.slice(0, 4).join(' ')} ...` : words.join(' ');
  }

  /** `evt.dir =` ending the condition: libsinsp stops at the end, expecting the value. */
  private valueAtEnd(op: string, opStart: number, expected: string): void {
    const s = this.s;
    if (s.input.slice(s.pos).trim() === '')
      s.fail(
        `${expected}: the value after '${op}' is missing (the condition ends there); write the value after '${op}'`,
        opStart,
      );
  }

  private check(): Expr {
    return this.enter(() => {
      const s = this.s;
      s.blank();
      const start = s.pos;
      if (s.str('(')) return this.embedded();
      if (s.fieldName()) return this.condition(this.fieldRest(s.last, start), start);
      const transformer = this.transformer(start, false);
      if (transformer) return this.condition(transformer, start);
      if (s.identifier()) return { kind: 'identifier', name: s.last, start, end: s.pos };
      return s.fail("expected a '(' token, a field check, or an identifier");
    });
  }

  /** The optional `[arg]` after a field name. */
  private fieldRest(name: string, start: number): FieldExpr {
    const s = this.s;
    const field: FieldExpr = { kind: 'field', name, start, end: s.pos };
    const arg = this.bracketArg();
    if (arg !== undefined) {
      field.arg = arg;
      field.end = s.pos;
    }
    return field;
  }

  private bracketArg(): string | undefined {
    const s = this.s;
    if (!s.str('[')) return undefined;
    if (!s.quoted() && !s.fieldArgBare()) {
      s.fail('expected a valid field argument: a quoted string or a bare string');
    }
    const arg = s.last;
    if (!s.str(']')) s.fail("expected a ']' token");
    return arg;
  }

  /**
   * A transformer at the cursor, or undefined when there is none. `val(` only on the right-hand
   * side (`allowVal`).
   */
  private transformer(start: number, allowVal: boolean): TransformerExpr | undefined {
    const s = this.s;
    if (allowVal && s.str('val(')) {
      return this.enter(() => {
        s.blank();
        const fieldStart = s.pos;
        if (!s.fieldName()) s.fail("expected a field within 'val' transformer");
        const field = this.fieldRest(s.last, fieldStart);
        s.blank();
        if (!s.str(')')) s.fail("expected a ')' token closing the transformer");
        return { kind: 'transformer', name: 'val', args: [field], start, end: s.pos };
      });
    }
    if (s.oneOf(UNARY_TRANSFORMERS)) {
      const name = s.last.slice(0, -1) as TransformerName;
      return this.enter(() => {
        s.blank();
        const argStart = s.pos;
        const child = s.fieldName() ? this.fieldRest(s.last, argStart) : this.transformer(argStart, false);
        if (!child) return s.fail(`expected a field or a nested valid transformer: ${TRANSFORMERS_TEXT}`);
        s.blank();
        if (!s.str(')')) s.fail("expected a ')' token closing the transformer");
        return { kind: 'transformer', name, args: [child], start, end: s.pos };
      });
    }
    if (s.str('join(')) return this.enter(() => this.join(start));
    if (s.str('concat(')) return this.enter(() => this.concat(start));
    if (s.str('getopt(')) return this.enter(() => this.getopt(start));
    return undefined;
  }

  /** `join("sep", (arg, ...))` once `join(` is consumed. */
  private join(start: number): TransformerExpr {
    const s = this.s;
    s.blank();
    if (!s.quoted()) s.fail("expected a quoted separator string in 'join' transformer");
    const separator = s.last;
    s.blank();
    if (!s.str(',')) s.fail("expected a ',' token after the 'join' separator");
    s.blank();
    if (!s.str('(')) s.fail("expected a '(' token opening the list of 'join' arguments");
    const args: TransformerArg[] = [];
    s.blank();
    if (!s.str(')')) {
      args.push(this.transformerArg());
      s.blank();
      while (s.str(',')) {
        args.push(this.transformerArg());
        s.blank();
      }
      if (!s.str(')')) s.fail("expected a ')' token closing the list of 'join' arguments");
    }
    s.blank();
    if (!s.str(')')) s.fail("expected a ')' token closing the transformer");
    return { kind: 'transformer', name: 'join', separator, args, start, end: s.pos };
  }

  /** `concat(arg, arg, ...)` once `concat(` is consumed. */
  private concat(start: number): TransformerExpr {
    const s = this.s;
    const args = [this.transformerArg()];
    s.blank();
    while (s.str(',')) {
      args.push(this.transformerArg());
      s.blank();
    }
    if (!s.str(')')) s.fail("expected a ')' token closing the transformer");
    return { kind: 'transformer', name: 'concat', args, start, end: s.pos };
  }

  /** `getopt(field, "options")[option]` once `getopt(` is consumed. */
  private getopt(start: number): TransformerExpr {
    const s = this.s;
    s.blank();
    const fieldStart = s.pos;
    if (!s.fieldName()) s.fail("expected a field within 'getopt' transformer");
    const field = this.fieldRest(s.last, fieldStart);
    s.blank();
    if (!s.str(',')) s.fail("expected a ',' token after the 'getopt' field");
    s.blank();
    if (!s.quoted()) s.fail("expected a quoted options string in 'getopt' transformer");
    const options = s.last;
    s.blank();
    if (!s.str(')')) s.fail("expected a ')' token closing the transformer");
    const node: TransformerExpr = {
      kind: 'transformer',
      name: 'getopt',
      args: [field],
      options,
      start,
      end: s.pos,
    };
    const arg = this.bracketArg();
    if (arg !== undefined) {
      node.arg = arg;
      node.end = s.pos;
    }
    return node;
  }

  /** One argument of `join` or `concat`: a field, a transformer, a quoted string or a number. */
  private transformerArg(): TransformerArg {
    const s = this.s;
    s.blank();
    const start = s.pos;
    if (s.fieldName()) return this.fieldRest(s.last, start);
    const transformer = this.transformer(start, false);
    if (transformer) return transformer;
    if (s.quoted()) return { kind: 'value', value: s.last, quoted: true, start, end: s.pos };
    if (s.hexNumber() || s.number())
      return { kind: 'value', value: s.last, quoted: false, start, end: s.pos };
    return s.fail('expected a field, a transformer, a quoted string or a number');
  }

  private condition(left: FieldLike, start: number): Expr {
    return this.enter(() => {
      const s = this.s;
      s.blank();
      const opStart = s.pos;
      if (s.oneOf(UNARY_OPERATORS)) return { kind: 'unary', left, op: 'exists', start, end: s.pos };
      let right: Operand;
      let modifier: OperatorModifier | undefined;
      let op: BinaryOperator;
      let opEnd: number;
      if (s.oneOf(NUM_OPERATORS)) {
        op = s.last as BinaryOperator;
        opEnd = s.pos;
        this.valueAtEnd(
          op,
          opStart,
          `expected a number value or a field with a valid transformer: ${TRANSFORMERS_TEXT}`,
        );
        right = this.numValue();
      } else if (s.strOperator()) {
        op = s.last as BinaryOperator;
        opEnd = s.pos;
        this.valueAtEnd(
          op,
          opStart,
          `expected a string value or a field with a valid transformer: ${TRANSFORMERS_TEXT}`,
        );
        const spaced = s.blank();
        const list = spaced ? this.modifiedList() : undefined;
        if (list) {
          modifier = list.modifier;
          right = list.right;
        } else {
          right = this.strValue(false);
          if (right.kind === 'value' && !right.quoted && (right.value === 'and' || right.value === 'or'))
            this.swallowed = { op, opStart, value: right.value, end: right.end };
        }
      } else if (s.oneOf(LIST_OPERATORS)) {
        op = s.last as BinaryOperator;
        opEnd = s.pos;
        right = this.listValue();
      } else {
        return s.fail(`expected a valid check operator: one of ${quotedList(ALL_OPERATORS)}`);
      }
      const node: Expr = { kind: 'binary', left, op, right, start, end: right.end, opStart, opEnd };
      if (modifier) node.modifier = modifier;
      return node;
    });
  }

  /**
   * `oneof (a, b)` or `oneof listname` after a string operator and a blank. Without a list after
   * the word, the word is a plain string (`proc.name = oneof`), so the cursor goes back.
   */
  private modifiedList(): { modifier: OperatorModifier; right: ListExpr | ValueExpr } | undefined {
    const s = this.s;
    const back = s.pos;
    if (!s.modifier()) return undefined;
    const modifier = s.last as OperatorModifier;
    s.blank();
    const start = s.pos;
    if (s.peek() === '(') return { modifier, right: this.listValue() as ListExpr };
    if (s.identifier() && s.last !== 'and' && s.last !== 'or') {
      return { modifier, right: { kind: 'value', value: s.last, quoted: false, start, end: s.pos } };
    }
    s.pos = back;
    return undefined;
  }

  private numValue(): Operand {
    return this.enter(() => {
      const s = this.s;
      s.blank();
      const start = s.pos;
      const transformer = this.transformer(start, true);
      if (transformer) return transformer;
      if (s.hexNumber() || s.number())
        return { kind: 'value', value: s.last, quoted: false, start, end: s.pos };
      return s.fail(`expected a number value or a field with a valid transformer: ${TRANSFORMERS_TEXT}`);
    });
  }

  private strValue(noTransformer: boolean): ValueExpr | TransformerExpr {
    return this.enter(() => {
      const s = this.s;
      s.blank();
      const start = s.pos;
      if (!noTransformer) {
        const transformer = this.transformer(start, true);
        if (transformer) return transformer;
      }
      if (s.quoted() || s.bareString()) {
        return { kind: 'value', value: s.last, quoted: s.lastQuoted, start, end: s.pos };
      }
      if (noTransformer) return s.fail('expected a string value');
      return s.fail(`expected a string value or a field with a valid transformer: ${TRANSFORMERS_TEXT}`);
    });
  }

  private listValue(): Operand {
    return this.enter(() => {
      const s = this.s;
      s.blank();
      const start = s.pos;
      if (s.str('(')) {
        const items: ValueExpr[] = [];
        s.blank();
        const first = this.tryListItem();
        if (first) {
          items.push(first);
          s.blank();
          while (s.str(',')) {
            items.push(this.strValue(true) as ValueExpr);
            s.blank();
          }
        }
        if (!s.str(')')) this.missingComma(items[items.length - 1]);
        return { kind: 'list', items, start, end: s.pos };
      }
      const transformer = this.transformer(start, true);
      if (transformer) return transformer;
      if (s.identifier()) return { kind: 'value', value: s.last, quoted: false, start, end: s.pos };
      return s.fail(
        `expected a list, an identifier, or a field with a valid transformer: ${TRANSFORMERS_TEXT}`,
      );
    });
  }

  /** Fails at a list that does not close: when another item follows, the comma before it is missing. */
  private missingComma(previous: ValueExpr | undefined): never {
    const s = this.s;
    const at = s.pos;
    const next = previous ? this.tryListItem() : undefined;
    // `proc.name in (package_managers and not ...`: the list ran on into the condition.
    if (previous && next && !next.quoted && (next.value === 'and' || next.value === 'or'))
      s.fail(
        `expected a ')' token: the list is not closed before '${next.value}'; add ')' after '${previous.value}'`,
        at,
      );
    if (previous && next)
      s.fail(
        `expected a ')' token: a comma is missing between '${previous.value}' and '${next.value}' (list items are separated by commas)`,
        at,
      );
    return s.fail("expected a ')' token", at);
  }

  /**
   * The first item of a list, or undefined (with the cursor unmoved) when there is none: libsinsp
   * tries a string value and, when that fails, expects the closing parenthesis.
   */
  private tryListItem(): ValueExpr | undefined {
    const s = this.s;
    s.blank();
    const start = s.pos;
    try {
      if (s.quoted() || s.bareString()) {
        return { kind: 'value', value: s.last, quoted: s.lastQuoted, start, end: s.pos };
      }
    } catch (error) {
      if (!(error instanceof ConditionSyntaxError)) throw error;
    }
    s.pos = start;
    return undefined;
  }
}
