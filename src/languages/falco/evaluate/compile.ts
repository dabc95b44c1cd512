/**
 * A condition AST compiled into one closure per node, as libsinsp compiles a filter into a tree
 * of checks: all parsing, list building and regex compilation happen here, once, so that testing
 * an event is only field lookups and comparisons. The absent-field rule is in one place: a check
 * whose field is absent is false, whatever the operator (`!=` included); `exists` is the test of
 * presence itself.
 */
import type { BinaryCheckExpr, Expr, FieldLike, Operand, TransformerArg } from '../condition/ast.js';
import { fieldExtractor, isAnyAncestor, multiValueExtractor } from './fields.js';
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
export function compileCondition(expr: Expr): Predicate {
  switch (expr.kind) {
    case 'and': {
      const children = expr.children.map(compileCondition);
      if (children.length === 2) {
        const [a, b] = children as [Predicate, Predicate];
        return (f) => a(f) && b(f);
      }
      return (f) => {
        for (const child of children) if (!child(f)) return false;
        return true;
      };
    }
    case 'or': {
      const children = expr.children.map(compileCondition);
      if (children.length === 2) {
        const [a, b] = children as [Predicate, Predicate];
        return (f) => a(f) || b(f);
      }
      return (f) => {
        for (const child of children) if (child(f)) return true;
        return false;
      };
    }
    case 'not': {
      const child = compileCondition(expr.child);
      return (f) => !child(f);
    }
    case 'identifier':
      throw new CompileError(`undefined macro "${expr.name}"`, expr.start, expr.end);
    case 'unary': {
      const multi = expr.left.kind === 'field' ? multiValueExtractor(expr.left) : undefined;
      if (multi) return (f) => multi(f).length > 0;
      const value = compileValue(expr.left);
      return (f) => isPresent(value(f));
    }
    case 'binary':
      return compileBinary(expr);
  }
}

const isPresent = (value: unknown): boolean =>
  value !== undefined && !(Array.isArray(value) && value.length === 0);

/** The extractor of a field or transformer (the left-hand side, or `val(...)` on the right). */
export function compileValue(node: FieldLike | TransformerArg): Extract {
  switch (node.kind) {
    case 'field':
      return fieldExtractor(node);
    case 'value': {
      const literal = node.value;
      return () => literal;
    }
    case 'transformer': {
      const args = node.args.map(compileValue);
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

function compileBinary(expr: BinaryCheckExpr): Predicate {
  const items = literalItems(expr.right);
  if (items === undefined) return compileFieldComparison(expr);
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
  const value = compileValue(expr.left);
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
function compileFieldComparison(expr: BinaryCheckExpr): Predicate {
  const left = compileValue(expr.left);
  const right = compileValue(expr.right as FieldLike);
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
