/**
 * The abstract syntax tree of a Falco condition, as libsinsp's filter parser builds it. Every node
 * carries `start`/`end`: 0-based offsets into the condition string it was parsed from (the
 * loader maps them into the rules file). The evaluator (chs falco replay, chs test) consumes these
 * types; they only ever grow (new optional members, new node kinds), never get renamed.
 */

interface Span {
  /** 0-based offset of the node's first character in the condition string. */
  start: number;
  /** 0-based offset just past the node's last character. */
  end: number;
}

type UnaryOperator = 'exists';
type NumOperator = '<=' | '<' | '>=' | '>';
type StrOperator =
  | '=='
  | '='
  | '!='
  | 'glob'
  | 'iglob'
  | 'contains'
  | 'icontains'
  | 'bcontains'
  | 'startswith'
  | 'bstartswith'
  | 'endswith'
  | 'regex';
type ListOperator = 'intersects' | 'in' | 'pmatch';
export type BinaryOperator = NumOperator | StrOperator | ListOperator;

/** `oneof`, `anyof`, `allof` after a string operator: the right-hand side is a list. */
export type OperatorModifier = 'oneof' | 'anyof' | 'allof';

/** The transformers that wrap one field (or one nested transformer). */
type UnaryTransformerName = 'tolower' | 'toupper' | 'b64' | 'basename' | 'len';
/** Every transformer name, `val` included (it only appears on the right-hand side). */
export type TransformerName = UnaryTransformerName | 'val' | 'join' | 'concat' | 'getopt';

export interface AndExpr extends Span {
  kind: 'and';
  children: Expr[];
}

export interface OrExpr extends Span {
  kind: 'or';
  children: Expr[];
}

export interface NotExpr extends Span {
  kind: 'not';
  child: Expr;
}

/** A bare name where a check is expected: a macro reference (resolved by the loader). */
interface IdentifierExpr extends Span {
  kind: 'identifier';
  name: string;
}

/** `field exists`. */
export interface UnaryCheckExpr extends Span {
  kind: 'unary';
  left: FieldLike;
  op: UnaryOperator;
}

/** `field op value`, `field op (list)`, `field op other.field`... */
export interface BinaryCheckExpr extends Span {
  kind: 'binary';
  left: FieldLike;
  op: BinaryOperator;
  /** Present when a modifier follows a string operator (`proc.name = oneof (a, b)`). */
  modifier?: OperatorModifier;
  right: Operand;
  /** Span of the operator token (without the modifier). */
  opStart: number;
  opEnd: number;
}

/** A field, with its optional argument: `proc.aname[2]`, `evt.arg.name`, `evt.arg[0]`. */
export interface FieldExpr extends Span {
  kind: 'field';
  name: string;
  /** The argument between brackets, unescaped when it was quoted. */
  arg?: string;
}

/**
 * A transformer applied to fields. `tolower(x)`, `val(x)`...: one argument; `join("sep", (a, b))`:
 * `separator` and the listed arguments; `concat(a, b)`: its arguments; `getopt(field, "opts")`:
 * one field argument and `options`, with the selected option in `arg` (`getopt(...)["t"]`).
 */
export interface TransformerExpr extends Span {
  kind: 'transformer';
  name: TransformerName;
  args: TransformerArg[];
  separator?: string;
  options?: string;
  arg?: string;
}

/** A literal: a bare or quoted string, or a number (kept as text, as libsinsp does). */
export interface ValueExpr extends Span {
  kind: 'value';
  /** The value with quotes removed and escapes resolved. */
  value: string;
  /** Whether it was written between quotes (a quoted word is never a list or macro name). */
  quoted: boolean;
}

/** A parenthesised list of values: `(a, "b", 'c')`. */
export interface ListExpr extends Span {
  kind: 'list';
  items: ValueExpr[];
}

export type FieldLike = FieldExpr | TransformerExpr;
export type TransformerArg = FieldExpr | TransformerExpr | ValueExpr;
/** The right-hand side of a binary check. A bare identifier after a list operator is a ValueExpr. */
export type Operand = ValueExpr | ListExpr | FieldLike;

export type Expr = AndExpr | OrExpr | NotExpr | IdentifierExpr | UnaryCheckExpr | BinaryCheckExpr;
export type Node = Expr | FieldExpr | TransformerExpr | ValueExpr | ListExpr;

/** Calls `visit` on every node, parents before children. */
export function walk(node: Node, visit: (node: Node, parent: Node | undefined) => void, parent?: Node): void {
  visit(node, parent);
  switch (node.kind) {
    case 'and':
    case 'or':
      for (const child of node.children) walk(child, visit, node);
      break;
    case 'not':
      walk(node.child, visit, node);
      break;
    case 'unary':
      walk(node.left, visit, node);
      break;
    case 'binary':
      walk(node.left, visit, node);
      walk(node.right, visit, node);
      break;
    case 'transformer':
      for (const arg of node.args) walk(arg, visit, node);
      break;
    case 'list':
      for (const item of node.items) walk(item, visit, node);
      break;
    case 'identifier':
    case 'field':
    case 'value':
      break;
  }
}
