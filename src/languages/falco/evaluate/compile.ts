/**
 * A condition AST compiled into one closure per node, as libsinsp compiles a filter into a tree
 * of checks: all parsing, list building and regex compilation happen here, once, so that testing
 * an event is only field lookups and comparisons. The absent-field rule is in one place: a check
 * whose field is absent is false, whatever the operator (`!=` included); `exists` is the test of
 * presence itself.
 */
import type {
  BinaryCheckExpr,
  Expr,
  FieldExpr,
  FieldLike,
  Operand,
  TransformerArg,
} from '../condition/ast.js';
import { catalogOf, resolveField } from '../fields/index.js';
import { conversionFor, fieldExtractor, isAnyAncestor, multiValueExtractor } from './fields.js';
import type { Conversion } from './fields.js';
import type { Extract, Fields } from './fields.js';
import { OperatorError, modifierTest, prefixTest, scalarTest, setTest } from './operators.js';
import type { ScalarTest } from './operators.js';
import { UNARY_TRANSFORMS, getopt, joinValues } from './transformers.js';

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
 * `&&`, `||` and `!` over those closures, so that testing an event costs one call per check
 * reached and nothing per connective.
 */
export function compileForType(expr: Expr, type: string | undefined, source?: string): Predicate | boolean {
  const checks: Predicate[] = [];
  const code = build(expr, type, checks, typesOf(source));
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

/** The expression testing `f` (a JavaScript source over the closures in `checks`), or a constant. */
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

function build(
  expr: Expr,
  type: string | undefined,
  checks: Predicate[],
  types: FieldTypes,
): string | boolean {
  const check = (predicate: Predicate): string => `c[${checks.push(predicate) - 1}](f)`;
  switch (expr.kind) {
    case 'and':
    case 'or': {
      const absorbing = expr.kind === 'or';
      const parts: string[] = [];
      for (const child of expr.children) {
        const built = build(child, type, checks, types);
        if (built === absorbing) return absorbing;
        if (typeof built === 'string') parts.push(built);
      }
      if (parts.length === 0) return !absorbing;
      return parts.length === 1 ? (parts[0] as string) : `(${parts.join(absorbing ? ' || ' : ' && ')})`;
    }
    case 'not': {
      const child = build(expr.child, type, checks, types);
      return typeof child === 'boolean' ? !child : `!${child}`;
    }
    case 'identifier':
      throw new CompileError(`undefined macro "${expr.name}"`, expr.start, expr.end);
    case 'unary': {
      if (type !== undefined && expr.left.kind === 'field' && expr.left.name === 'evt.type' && !expr.left.arg)
        return true;
      const multi = expr.left.kind === 'field' ? multiValueExtractor(expr.left) : undefined;
      if (multi) return check((f) => multi(f).length > 0);
      const value = compileValue(expr.left, types);
      return check((f) => isPresent(value(f)));
    }
    case 'binary': {
      const predicate = compileBinary(expr, types);
      if (type !== undefined && isTypeCheck(expr)) return predicate({ 'evt.type': type });
      return check(predicate);
    }
  }
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

function compileBinary(expr: BinaryCheckExpr, types: FieldTypes): Predicate {
  const items = literalItems(expr.right);
  if (items === undefined) return compileFieldComparison(expr, types);
  let test: ScalarTest;
  try {
    test = compileTest(expr, items);
  } catch (error) {
    if (error instanceof OperatorError)
      throw new CompileError(error.message, expr.right.start, expr.right.end);
    throw error;
  }
  const multi = expr.left.kind === 'field' ? multiValueExtractor(expr.left) : undefined;
  if (multi && expr.left.kind === 'field' && expr.op === '!=' && !isAnyAncestor(expr.left)) {
    // `fd.ip != X` holds when neither end is X (libsinsp's compare for both ends).
    return (f) => {
      const values = multi(f);
      return values.length > 0 && values.every(test);
    };
  }
  if (multi) {
    // Any ancestor, or either end, satisfying the check makes it true.
    return (f) => {
      for (const value of multi(f)) if (test(value)) return true;
      return false;
    };
  }
  const value = compileValue(expr.left, types);
  if (expr.op === 'in' && !expr.modifier) {
    // A list-valued field is `in` the set when every one of its values is.
    return (f) => {
      const v = value(f);
      if (v === undefined) return false;
      if (!Array.isArray(v)) return test(v);
      return v.length > 0 && v.every(test);
    };
  }
  // Any other operator on a list-valued field holds when one of its values does (intersects).
  return (f) => {
    const v = value(f);
    if (v === undefined) return false;
    if (!Array.isArray(v)) return test(v);
    return v.some(test);
  };
}

/** `field op other.field` or `field op val(other.field)`: both must be present. */
function compileFieldComparison(expr: BinaryCheckExpr, types: FieldTypes): Predicate {
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
      return scalarTest(op, String(b))(a);
    } catch {
      return false;
    }
  };
}
