/**
 * The event types a condition can match, computed as libsinsp's resolver does: `evt.type = X`
 * and `evt.type in (...)` narrow, `and` intersects, `or` unites, and under `not` the checks flip
 * and `and`/`or` swap (De Morgan), so the result is always a superset of what can match. Any
 * other check leaves every type possible.
 */
import type { Expr } from '../condition/ast.js';

export type TypeSet = { all: true; except: ReadonlySet<string> } | { all: false; only: ReadonlySet<string> };

export const ALL_TYPES: TypeSet = { all: true, except: new Set() };

export function hasType(set: TypeSet, type: string): boolean {
  return set.all ? !set.except.has(type) : set.only.has(type);
}

function intersect(a: TypeSet, b: TypeSet): TypeSet {
  if (a.all && b.all) return { all: true, except: new Set([...a.except, ...b.except]) };
  if (!a.all && !b.all) return { all: false, only: new Set([...a.only].filter((t) => b.only.has(t))) };
  const [only, all] = (a.all ? [b, a] : [a, b]) as [
    { only: ReadonlySet<string> },
    { except: ReadonlySet<string> },
  ];
  return { all: false, only: new Set([...only.only].filter((t) => !all.except.has(t))) };
}

function unite(a: TypeSet, b: TypeSet): TypeSet {
  if (!a.all && !b.all) return { all: false, only: new Set([...a.only, ...b.only]) };
  if (a.all && b.all) return { all: true, except: new Set([...a.except].filter((t) => b.except.has(t))) };
  const [only, all] = (a.all ? [b, a] : [a, b]) as [
    { only: ReadonlySet<string> },
    { except: ReadonlySet<string> },
  ];
  return { all: true, except: new Set([...all.except].filter((t) => !only.only.has(t))) };
}

function typesOf(expr: Expr, negated: boolean): TypeSet {
  switch (expr.kind) {
    case 'and':
    case 'or': {
      const sets = expr.children.map((child) => typesOf(child, negated));
      const combine = (expr.kind === 'and') !== negated ? intersect : unite;
      return sets.reduce(combine);
    }
    case 'not':
      return typesOf(expr.child, !negated);
    case 'binary': {
      if (
        expr.left.kind !== 'field' ||
        expr.left.name !== 'evt.type' ||
        expr.left.arg !== undefined ||
        expr.modifier
      )
        return ALL_TYPES;
      let values: string[] | undefined;
      let positive: boolean;
      if ((expr.op === '=' || expr.op === '==' || expr.op === '!=') && expr.right.kind === 'value') {
        values = [expr.right.value];
        positive = expr.op !== '!=';
      } else if ((expr.op === 'in' || expr.op === 'intersects') && expr.right.kind === 'list') {
        values = expr.right.items.map((item) => item.value);
        positive = true;
      } else return ALL_TYPES;
      const set = new Set(values);
      return positive !== negated ? { all: false, only: set } : { all: true, except: set };
    }
    case 'unary':
    case 'identifier':
      return ALL_TYPES;
  }
}

/** The event types a condition can match (a superset). */
export function eventTypes(expr: Expr): TypeSet {
  return typesOf(expr, false);
}
