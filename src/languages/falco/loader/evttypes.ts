/**
 * Which event types a syscall condition can match, as Falco works it out to index rules by event
 * type (and to warn about rules that match too many): `evt.type` checks give sets, `and`
 * intersects, `or` unites, `not` complements (pushed down the tree), any other check matches
 * every type. `evt.num = 0`, the official rules' never-true placeholder, matches none.
 */
import type { Expr } from '../condition/ast.js';
import { EVENT_TYPE_NAMES, eventCodes } from '../fields/index.js';

export type EventTypes = { all: true } | { all: false; names: Set<string> };

const ALL: EventTypes = { all: true };
const none = (): EventTypes => ({ all: false, names: new Set() });

function union(a: EventTypes, b: EventTypes): EventTypes {
  if (a.all || b.all) return ALL;
  return { all: false, names: new Set([...a.names, ...b.names]) };
}

function intersect(a: EventTypes, b: EventTypes): EventTypes {
  if (a.all) return b;
  if (b.all) return a;
  return { all: false, names: new Set([...a.names].filter((n) => b.names.has(n))) };
}

function complement(names: Set<string>): EventTypes {
  return { all: false, names: new Set(EVENT_TYPE_NAMES.filter((n) => !names.has(n))) };
}

function values(expr: Expr & { kind: 'binary' }): string[] | undefined {
  const right = expr.right;
  if (right.kind === 'value') return [right.value];
  if (right.kind === 'list') return right.items.map((i) => i.value);
  return undefined;
}

export function eventTypesOf(expr: Expr, negated = false): EventTypes {
  switch (expr.kind) {
    case 'and':
    case 'or': {
      const intersecting = (expr.kind === 'and') !== negated;
      let acc: EventTypes | undefined;
      for (const child of expr.children) {
        const set = eventTypesOf(child, negated);
        acc = acc === undefined ? set : intersecting ? intersect(acc, set) : union(acc, set);
      }
      return acc ?? ALL;
    }
    case 'not':
      return eventTypesOf(expr.child, !negated);
    case 'binary': {
      const left = expr.left;
      if (left.kind !== 'field' || left.arg !== undefined) return ALL;
      const list = values(expr);
      if (!list) return ALL;
      if (
        left.name === 'evt.num' &&
        (expr.op === '=' || expr.op === '==') &&
        list.length === 1 &&
        list[0] === '0'
      ) {
        return negated ? ALL : none();
      }
      if (left.name !== 'evt.type') return ALL;
      const equality = expr.op === '=' || expr.op === '==' || expr.op === 'in';
      if (!equality && expr.op !== '!=') return ALL;
      if (expr.modifier === 'allof') return ALL;
      const names = new Set(list.filter((n) => eventCodes(n) !== undefined));
      const positive = equality !== negated;
      return positive ? { all: false, names } : complement(names);
    }
    default:
      return ALL;
  }
}

/** The number of event codes a set stands for (enter and exit events count apart). */
export function codeCount(types: EventTypes): number {
  if (types.all) return Number.POSITIVE_INFINITY;
  let n = 0;
  for (const name of types.names) n += eventCodes(name) ?? 0;
  return n;
}
