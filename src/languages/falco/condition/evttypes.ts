/**
 * The event types a condition can match, worked out as libsinsp does (`ppm_event_codes`,
 * userspace/libsinsp/filter/ppm_codes.cpp) to index rules by event type and to warn about rules
 * that match too many: the loader's warnings, the chs checks, the evaluator's per-type chains and
 * the preview all use this one resolver.
 *
 * - `and` intersects, `or` unites; under `not` the two swap (De Morgan), and each check's set is
 *   complemented at the leaf, so the result is a superset of what can match.
 * - A check is an event-type check when its left side is the bare field `evt.type` and its
 *   operator is `=`, `==`, `!=` or `in`. Any other check (`intersects`, `pmatch`, a field with an
 *   argument or a transformer, a field on the right) is neutral: every type, even under `not`.
 * - `evt.num = 0`, the official rules' never-true placeholder, matches no type (and its negation
 *   every type): Falco 0.44 gives no "too many evt.type values" warning for a rule that is only
 *   the placeholder (its rule loader tests `no_evttype_warning_for_never_true_macro` and
 *   `no_evttype_warning_for_unsatisfiable_condition`).
 * - A modifier (`oneof`, `anyof`, `allof`) leaves the operator as it is: its list is the names.
 * - Names that are no event type are dropped (`evt.type = nosuch` matches none).
 * - `evt.type exists` holds for every type; `not evt.type exists` for none.
 */
import { EVENT_TYPE_NAMES, eventCodes } from '../fields/index.js';
import type { Expr, FieldLike } from './ast.js';

/** Either every type but some, or only some. */
export type TypeSet = { all: true; except: ReadonlySet<string> } | { all: false; only: ReadonlySet<string> };

const ALL_TYPES: TypeSet = { all: true, except: new Set() };
const NO_TYPES: TypeSet = { all: false, only: new Set() };

export function hasType(set: TypeSet, type: string): boolean {
  return set.all ? !set.except.has(type) : set.only.has(type);
}

/** Whether the condition leaves every event type possible (no evt.type check narrows it). */
export function isUnrestricted(set: TypeSet): boolean {
  return set.all && set.except.size === 0;
}

/** Whether no event type is left. */
export function isEmpty(set: TypeSet): boolean {
  return set.all ? EVENT_TYPE_NAMES.every((name) => set.except.has(name)) : set.only.size === 0;
}

/** The number of event codes a set stands for (enter and exit events count apart). */
export function codeCount(set: TypeSet): number {
  let n = 0;
  if (set.all) {
    for (const name of EVENT_TYPE_NAMES) if (!set.except.has(name)) n += eventCodes(name) ?? 0;
  } else {
    for (const name of set.only) n += eventCodes(name) ?? 0;
  }
  return n;
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

const isEvtType = (left: FieldLike): boolean =>
  left.kind === 'field' && left.name === 'evt.type' && left.arg === undefined;

const isNeverTrue = (expr: Expr & { kind: 'binary' }): boolean =>
  expr.left.kind === 'field' &&
  expr.left.name === 'evt.num' &&
  expr.left.arg === undefined &&
  (expr.op === '=' || expr.op === '==') &&
  expr.right.kind === 'value' &&
  expr.right.value === '0';

function typesOf(expr: Expr, negated: boolean): TypeSet {
  switch (expr.kind) {
    case 'and':
    case 'or': {
      const sets = expr.children.map((child) => typesOf(child, negated));
      return sets.reduce((expr.kind === 'and') !== negated ? intersect : unite);
    }
    case 'not':
      return typesOf(expr.child, !negated);
    case 'unary':
      return isEvtType(expr.left) && negated ? NO_TYPES : ALL_TYPES;
    case 'binary': {
      const { op, right } = expr;
      if (isNeverTrue(expr)) return negated ? ALL_TYPES : NO_TYPES;
      if (!isEvtType(expr.left) || !(op === '=' || op === '==' || op === '!=' || op === 'in'))
        return ALL_TYPES;
      let values: string[];
      if (right.kind === 'value') values = [right.value];
      else if (right.kind === 'list') values = right.items.map((item) => item.value);
      else return ALL_TYPES;
      const names = new Set(values.filter((name) => eventCodes(name) !== undefined));
      return (op !== '!=') !== negated ? { all: false, only: names } : { all: true, except: names };
    }
    default:
      return ALL_TYPES;
  }
}

/** The event types a condition can match (a superset). */
export function eventTypes(expr: Expr): TypeSet {
  return typesOf(expr, false);
}
