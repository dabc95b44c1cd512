/**
 * A condition AST compiled into one closure per node, as libsinsp compiles a filter into a tree
 * of checks: all parsing, list building and regex compilation happen here, once, so that testing
 * an event is only field lookups and comparisons. The absent-field rule is in one place: a check
 * whose field is absent is false, whatever the operator (`!=` included); `exists` is the test of
 * presence itself.
 */
import type {
  AndExpr,
  BinaryCheckExpr,
  Expr,
  FieldExpr,
  FieldLike,
  NotExpr,
  Operand,
  OrExpr,
  TransformerArg,
  UnaryCheckExpr,
} from '../condition/ast.js';
import { catalogOf, resolveField } from '../fields/index.js';
import { conversionFor, fieldExtractor, isAnyAncestor, multiValueExtractor } from './fields.js';
import type { Conversion } from './fields.js';
import type { Extract, Fields } from './fields.js';
import { OperatorError, modifierTest, prefixTest, scalarTest, setTest } from './operators.js';
import type { ScalarTest } from './operators.js';
import { UNARY_TRANSFORMS, getopt, joinValues } from './transformers.js';
import { textOf } from '../../../core/text.js';

export type Predicate = (fields: Fields) => boolean;

export class CompileError extends Error {
  constructor(
    message: string,
    /** The node's span in the condition it was parsed from. */
    readonly start: number,
    readonly end: number,
  ) {
    super(message);
  }
}

/** Compiles a condition whose macros and lists the loader has expanded. Throws CompileError. */
export function compileCondition(expr: Expr, source?: string): Predicate {
  const built = compileForType(expr, undefined, source);
  return typeof built === 'function' ? built : built ? () => true : () => false;
}

/**
 * Compiles a condition, for events of one `evt.type` when `type` is given, as an engine indexed
 * by event type can: every check of `evt.type` is then decided here and the `and`/`or` around it
 * fold away. The result is `false` when no such event can match, `true` when every one does.
 *
 * The checks become closures; the `and`/`or`/`not` above them become one generated function of
 * `&&`, `||` and `!` over those closures. This is the reference evaluation, one rule at a time
 * (tests, explanations, the impact preview's before/after); the engine's hot path (chain.ts)
 * folds the same way and writes the checks inline.
 */
function compileForType(expr: Expr, type: string | undefined, source?: string): Predicate | boolean {
  const checks: Predicate[] = [];
  const types = typesOf(source);
  const code = foldCondition(expr, type, types, (check) => {
    const predicate = check.kind === 'unary' ? compileExists(check, types) : compileBinary(check, types);
    return `c[${checks.push(predicate) - 1}](f)`;
  });
  if (typeof code === 'boolean') return code;
  if (code === 'c[0](f)') return checks[0] as Predicate;
  return new Function('c', `return (f) => ${code};`)(checks) as Predicate;
}

/** Whether a check is on `evt.type` itself with literal values (decidable once the type is known). */
function isTypeCheck(expr: BinaryCheckExpr): boolean {
  return (
    expr.left.kind === 'field' &&
    expr.left.name === 'evt.type' &&
    expr.left.arg === undefined &&
    (expr.right.kind === 'value' || expr.right.kind === 'list')
  );
}

/** How each field of a source's catalogue converts (`none` for a field the catalogue lacks). */
export type FieldTypes = (field: FieldExpr) => Conversion;

export function typesOf(source: string | undefined): FieldTypes {
  const catalog = source === undefined ? undefined : catalogOf(source);
  if (!catalog) return () => 'none';
  return (field) => {
    const resolved = resolveField(catalog, field.name, field.arg);
    return resolved.ok ? conversionFor(resolved.info.type) : 'none';
  };
}

const NO_TYPES: FieldTypes = () => 'none';

/** Writes one check as a JavaScript expression over the event `f`. */
export type CheckEmitter = (check: UnaryCheckExpr | BinaryCheckExpr) => string;

/**
 * Sees every `and`, `or` and `not` with the folding of its subtree (`fold`), and returns what
 * stands for it: the folded code, or another expression of the same value (a name for code
 * shared by several rules).
 */
export type GroupEmitter = (
  expr: AndExpr | OrExpr | NotExpr,
  fold: () => string | boolean,
) => string | boolean;

/**
 * The condition as a JavaScript expression of `&&`, `||` and `!` over the emitted checks, or a
 * constant. With `type` given, every check of `evt.type` is decided here and folds away.
 */
export function foldCondition(
  expr: Expr,
  type: string | undefined,
  types: FieldTypes,
  emit: CheckEmitter,
  group?: GroupEmitter,
): string | boolean {
  switch (expr.kind) {
    case 'and':
    case 'or': {
      const fold = (): string | boolean => {
        const absorbing = expr.kind === 'or';
        const parts: string[] = [];
        for (const child of expr.children) {
          const built = foldCondition(child, type, types, emit, group);
          if (built === absorbing) return absorbing;
          if (typeof built === 'string') parts.push(built);
        }
        if (parts.length === 0) return !absorbing;
        return parts.length === 1 ? (parts[0] as string) : `(${parts.join(absorbing ? ' || ' : ' && ')})`;
      };
      return group ? group(expr, fold) : fold();
    }
    case 'not': {
      const fold = (): string | boolean => {
        const child = foldCondition(expr.child, type, types, emit, group);
        return typeof child === 'boolean' ? !child : `!${child}`;
      };
      return group ? group(expr, fold) : fold();
    }
    case 'identifier':
      throw new CompileError(`undefined macro "${expr.name}"`, expr.start, expr.end);
    case 'unary':
      if (type !== undefined && expr.left.kind === 'field' && expr.left.name === 'evt.type' && !expr.left.arg)
        return true;
      return emit(expr);
    case 'binary':
      if (type !== undefined && isTypeCheck(expr)) return compileBinary(expr, types)({ 'evt.type': type });
      return emit(expr);
  }
}

/** `field exists`: present, and not an empty list. */
function compileExists(expr: UnaryCheckExpr, types: FieldTypes): Predicate {
  const multi = expr.left.kind === 'field' ? multiValueExtractor(expr.left) : undefined;
  if (multi) return (f) => multi(f).length > 0;
  const value = compileValue(expr.left, types);
  return (f) => isPresent(value(f));
}

const isPresent = (value: unknown): boolean =>
  value !== undefined && !(Array.isArray(value) && value.length === 0);

/** The extractor of a field or transformer (the left-hand side, or `val(...)` on the right). */
export function compileValue(node: FieldLike | TransformerArg, types: FieldTypes = NO_TYPES): Extract {
  switch (node.kind) {
    case 'field':
      return fieldExtractor(node, types(node));
    case 'value': {
      const literal = node.value;
      return () => literal;
    }
    case 'transformer': {
      const args = node.args.map((arg) => compileValue(arg, types));
      switch (node.name) {
        case 'val':
          return args[0] ?? (() => undefined);
        case 'join':
          return joinValues(args, node.separator ?? '');
        case 'concat':
          return joinValues(args, '');
        case 'getopt': {
          const inner = args[0] ?? (() => undefined);
          const options = node.options ?? '';
          const selected = node.arg ?? '';
          return (f) => getopt(inner(f), options, selected);
        }
        default: {
          const transform = UNARY_TRANSFORMS[node.name];
          const inner = args[0];
          if (!transform || !inner)
            throw new CompileError(`unknown transformer "${node.name}"`, node.start, node.end);
          return (f) => transform(inner(f));
        }
      }
    }
  }
}

function literalItems(right: Operand): string[] | undefined {
  if (right.kind === 'list') return right.items.map((item) => item.value);
  if (right.kind === 'value') return [right.value];
  return undefined;
}

function compileTest(expr: BinaryCheckExpr, items: string[]): ScalarTest {
  const { op, modifier } = expr;
  if (modifier) return modifierTest(op, modifier, items);
  if (op === 'in' || op === 'intersects') return setTest(items);
  if (op === 'pmatch') return prefixTest(items);
  if (items.length !== 1)
    throw new CompileError(`operator "${op}" takes one value, not a list`, expr.right.start, expr.right.end);
  return scalarTest(op, items[0] as string);
}

/** A check against literal values: the values, and the test of one present scalar. */
export interface LiteralCheck {
  items: string[];
  test: ScalarTest;
}

/** The literal side of a check, or undefined when it compares with another field. Throws CompileError. */
export function literalCheck(expr: BinaryCheckExpr): LiteralCheck | undefined {
  const items = literalItems(expr.right);
  if (items === undefined) return undefined;
  try {
    return { items, test: compileTest(expr, items) };
  } catch (error) {
    if (error instanceof OperatorError)
      throw new CompileError(error.message, expr.right.start, expr.right.end);
    throw error;
  }
}

/**
 * How the values of an "any ancestor" or "either end" field decide a check: one of them
 * satisfying it makes it true, except `fd.ip != X`, which holds when neither end is X
 * (libsinsp's compare for both ends).
 */
export function multiValueTest(
  field: FieldExpr,
  op: string,
  test: ScalarTest,
): (values: unknown[]) => boolean {
  if (op === '!=' && !isAnyAncestor(field)) return (values) => values.length > 0 && values.every(test);
  return (values) => {
    for (const value of values) if (test(value)) return true;
    return false;
  };
}

/**
 * How a present value decides a check: a scalar by the test; a list-valued field is `in` the set
 * when every one of its values is, and satisfies any other operator when one of its values does.
 */
export function presentValueTest(expr: BinaryCheckExpr, test: ScalarTest): (value: unknown) => boolean {
  if (expr.op === 'in' && !expr.modifier)
    return (v) => (Array.isArray(v) ? v.length > 0 && v.every(test) : test(v));
  return (v) => (Array.isArray(v) ? v.some(test) : test(v));
}

function compileBinary(expr: BinaryCheckExpr, types: FieldTypes): Predicate {
  const literal = literalCheck(expr);
  if (literal === undefined) return compileFieldComparison(expr, types);
  const multi = expr.left.kind === 'field' ? multiValueExtractor(expr.left) : undefined;
  if (multi && expr.left.kind === 'field') {
    const decide = multiValueTest(expr.left, expr.op, literal.test);
    return (f) => decide(multi(f));
  }
  const value = compileValue(expr.left, types);
  const decide = presentValueTest(expr, literal.test);
  return (f) => {
    const v = value(f);
    return v !== undefined && decide(v);
  };
}

/** `field op other.field` or `field op val(other.field)`: both must be present. */
export function compileFieldComparison(expr: BinaryCheckExpr, types: FieldTypes): Predicate {
  const left = compileValue(expr.left, types);
  const right = compileValue(expr.right as FieldLike, types);
  const op = expr.op;
  if (op === 'regex' || op === 'pmatch')
    throw new CompileError(`operator "${op}" doesn't support right-hand side fields`, expr.start, expr.end);
  return (f) => {
    const a = left(f);
    if (a === undefined || Array.isArray(a)) return false;
    const b = right(f);
    if (b === undefined || Array.isArray(b)) return false;
    try {
      return scalarTest(op, textOf(b))(a);
    } catch {
      return false;
    }
  };
}
