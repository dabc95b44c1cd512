/**
 * The engine's hot path: every rule that can meet events of one `evt.type` (and source), compiled
 * together into generated code that tries them in load order. What makes it fast where a tree of
 * closures per rule is slow:
 *
 * - Each field is read from the event at most once per event, however many rules and macros test
 *   it; so is a transformed value (`tolower(proc.name)`) and the ancestors of `proc.aname`. A
 *   large `and`/`or` (most often a macro, shared by several rules) is decided at most once per
 *   event too. These per-event memos are cleared before each event, so nothing carries over.
 * - The common checks are written inline (`t === "bash"`, `S.has(t)`, `t.startsWith("/etc/")`,
 *   `t >= 0`), so that V8 compiles a rule into one function, with inline caches that see only
 *   this type's events, instead of megamorphic calls through closures shared by every rule.
 * - Anything else (lists, CIDRs, globs, regexes, modifiers, field against field) calls the very
 *   closure compile.ts builds for the reference evaluation, so each operator has one definition.
 *
 * The connectives are folded by compile.ts's `foldCondition`, the same as the reference.
 */
import type { BinaryCheckExpr, Expr, FieldExpr, FieldLike, Node, UnaryCheckExpr } from '../condition/ast.js';
import {
  compileFieldComparison,
  compileValue,
  foldCondition,
  literalCheck,
  multiValueTest,
  presentValueTest,
  typesOf,
} from './compile.js';
import type { FieldTypes } from './compile.js';
import { NUMERIC_TEXT, candidateKeys, fieldKey, keysLoadCode, multiValueCode } from './fields.js';
import type { Fields } from './fields.js';
import { boolOf, parseCidr, parseNumber } from './operators.js';
import type { ScalarTest } from './operators.js';

export interface RuleChain {
  /** Which of the conditions given can match this type (the others fold to false), in order. */
  readonly kept: readonly number[];
  /** The position in `kept` of the first condition that matches the event, or -1. */
  first(fields: Fields): number;
  /** Appends the position in `kept` of every condition that matches the event, in order. */
  all(fields: Fields, out: number[]): void;
}

/** Up to this many values, `in` is a chain of `===` rather than a Set lookup. */
const INLINE_SET_SIZE = 4;

/**
 * An `and`/`or`/`not` of more than one check is decided once per event when several places hold
 * it; held in one place, it is written there when its code is no longer than this, else called.
 */
const INLINE_GROUP_LENGTH = 240;

/** The marker of a per-event memo not yet computed for this event (no event value can be it). */
const UNSET: unique symbol = Symbol('unset');

const literal = (value: string): string => JSON.stringify(value);

/**
 * Brackets the name of a memo in the code while it is written (JSON string literals escape it,
 * so it never occurs inside one); replaced once the uses are counted.
 */
const MARK = '\u0001';
const MEMO_USE = /\u0001([vg])(\d+)\u0001/g;

/** A node's structure without positions or quoting: nodes with equal keys evaluate alike. */
function structuralKey(node: Node, cache: WeakMap<Node, string>): string {
  let key = cache.get(node);
  if (key !== undefined) return key;
  const k = (child: Node): string => structuralKey(child, cache);
  switch (node.kind) {
    case 'and':
    case 'or':
      key = `${node.kind}(${node.children.map(k).join(',')})`;
      break;
    case 'not':
      key = `not(${k(node.child)})`;
      break;
    case 'identifier':
      key = `macro${JSON.stringify(node.name)}`;
      break;
    case 'field':
      key = `field${JSON.stringify([node.name, node.arg ?? null])}`;
      break;
    case 'value':
      key = `value${JSON.stringify(node.value)}`;
      break;
    case 'list':
      key = `list${JSON.stringify(node.items.map((item) => item.value))}`;
      break;
    case 'unary':
      key = `unary(${k(node.left)},${node.op})`;
      break;
    case 'binary':
      key = `binary(${k(node.left)},${node.op},${node.modifier ?? ''},${k(node.right)})`;
      break;
    case 'transformer':
      key = `${node.name}${JSON.stringify([node.separator ?? null, node.options ?? null, node.arg ?? null])}(${node.args.map(k).join(',')})`;
      break;
  }
  cache.set(node, key);
  return key;
}

/** A number as a JavaScript literal. */
const numberCode = (n: number): string => (Object.is(n, -0) ? '-0' : String(n));

/** `t === a || t === b`, or a Set lookup for more values; `false` for none. */
function membership<T>(values: readonly T[], code: (value: T) => string, set: () => string): string {
  if (values.length === 0) return 'false';
  if (values.length > INLINE_SET_SIZE) return `${set()}.has(t)`;
  return `(${values.map((value) => `t === ${code(value)}`).join(' || ')})`;
}

/** The inline forms of a check, by the type of the value `t`; undefined where the test is called. */
interface InlineForms {
  string: string;
  number?: string;
  boolean?: string;
}

class ChainWriter {
  readonly constants: unknown[] = [];
  private readonly constantIds = new Map<unknown, number>();
  /** Per-event memos: `v<i>` holds a value, computed by `read<i>`; `g<i>` a group's verdict, by `group<i>`. */
  readonly reads: string[] = [];
  readonly groups: string[] = [];
  private readonly memoIds = new Map<string, string>();
  private readonly keys = new WeakMap<Node, string>();

  constructor(private readonly types: FieldTypes) {}

  /** A name for a value the generated code uses (a test, a set, an extractor). */
  constant(value: unknown): string {
    let id = this.constantIds.get(value);
    if (id === undefined) {
      id = this.constants.push(value) - 1;
      this.constantIds.set(value, id);
    }
    return `k${id}`;
  }

  /** The expression of a value read once per event: the first use reads it, the others reuse it. */
  private read(key: string, code: () => string): string {
    let memo = this.memoIds.get(key);
    if (memo === undefined) {
      const id = this.reads.push(code()) - 1;
      memo = `${MARK}v${id}${MARK}`;
      this.memoIds.set(key, memo);
    }
    return memo;
  }

  /** A field's or transformer's value in the event (undefined when absent). */
  value(node: FieldLike): string {
    if (node.kind === 'field') {
      const conversion = this.types(node);
      const keys = candidateKeys(node);
      return this.read(`field ${conversion} ${keys.join('\u0000')}`, () => {
        const load = keysLoadCode(keys, conversion, 'N');
        return `let s; return ${load};`;
      });
    }
    return this.read(`value ${structuralKey(node, this.keys)}`, () => {
      return `return ${this.constant(compileValue(node, this.types))}(f);`;
    });
  }

  /** The values of an "any ancestor" or "either end" field, as an array (read by `code`). */
  values(field: FieldExpr, code: string): string {
    return this.read(`values ${fieldKey(field)}`, () => code);
  }

  /** A check, written once however many rules hold it. */
  check(expr: UnaryCheckExpr | BinaryCheckExpr): string {
    const key = `check ${structuralKey(expr, this.keys)}`;
    let code = this.memoIds.get(key);
    if (code === undefined) {
      code = expr.kind === 'unary' ? this.exists(expr) : this.binary(expr);
      this.memoIds.set(key, code);
    }
    return code;
  }

  /**
   * A large `and`/`or`/`not` is decided in a function of its own, at most once per event, and
   * written once for every rule that holds it (a macro's expansion, most often).
   */
  group(expr: Expr, fold: () => string | boolean): string | boolean {
    const key = `group ${structuralKey(expr, this.keys)}`;
    const known = this.memoIds.get(key);
    if (known !== undefined) return known === 'true' ? true : known === 'false' ? false : known;
    const code = fold();
    let out: string;
    if (typeof code === 'boolean') out = String(code);
    else if (!code.startsWith('(')) out = code;
    else {
      const id = this.groups.push(code) - 1;
      out = `${MARK}g${id}${MARK}`;
    }
    this.memoIds.set(key, out);
    return typeof code === 'boolean' ? code : out;
  }

  private exists(expr: UnaryCheckExpr): string {
    const multi = expr.left.kind === 'field' ? multiValueCode(expr.left) : undefined;
    if (multi !== undefined && expr.left.kind === 'field')
      return `${this.values(expr.left, multi)}.length > 0`;
    return `(t = ${this.value(expr.left)}, t !== undefined && !(Array.isArray(t) && t.length === 0))`;
  }

  private binary(expr: BinaryCheckExpr): string {
    const check = literalCheck(expr);
    if (check === undefined) return `${this.constant(compileFieldComparison(expr, this.types))}(f)`;
    const multi = expr.left.kind === 'field' ? multiValueCode(expr.left) : undefined;
    if (multi !== undefined && expr.left.kind === 'field') {
      const decide = multiValueTest(expr.left, expr.op, check.test);
      return `${this.constant(decide)}(${this.values(expr.left, multi)})`;
    }
    const decide = `${this.constant(presentValueTest(expr, check.test))}(t)`;
    const forms = this.inline(expr, check.items, check.test);
    let code = `t !== undefined && ${decide}`;
    if (forms.boolean !== undefined) code = `typeof t === "boolean" ? ${forms.boolean} : ${code}`;
    if (forms.number !== undefined) code = `typeof t === "number" ? ${forms.number} : ${code}`;
    return `(t = ${this.value(expr.left)}, typeof t === "string" ? ${forms.string} : ${code})`;
  }

  /**
   * What `test(t)` answers for a string, a number or a boolean `t`, written inline where the
   * operator is a plain comparison (operators.ts: equalityOrOrdering and setTest), else the call
   * of the test itself.
   */
  private inline(expr: BinaryCheckExpr, items: readonly string[], test: ScalarTest): InlineForms {
    const call = `${this.constant(test)}(t)`;
    if (expr.modifier) return { string: call };
    const rhs = items[0] as string;
    switch (expr.op) {
      case 'in':
      case 'intersects': {
        // A CIDR in the list also matches the addresses inside it: left to the test.
        if (items.some((item) => parseCidr(item) !== undefined)) return { string: call };
        const numbers = [...new Set(items.map(parseNumber).filter((n) => n !== undefined))];
        const bools = [...new Set(items.map(boolOf).filter((b) => b !== undefined))];
        return {
          string: membership(items, literal, () => this.constant(new Set(items))),
          number: membership(numbers, numberCode, () => this.constant(new Set(numbers))),
          boolean: membership(bools, String, () => this.constant(new Set(bools))),
        };
      }
      case '=':
      case '==':
      case '!=': {
        if (parseCidr(rhs) !== undefined) return { string: call };
        const equal = expr.op === '!=' ? '!==' : '===';
        const num = parseNumber(rhs);
        const bool = boolOf(rhs);
        return {
          string: `t ${equal} ${literal(rhs)}`,
          ...(num === undefined ? {} : { number: `t ${equal} ${numberCode(num)}` }),
          boolean: bool === undefined ? 'false' : `t ${equal} ${String(bool)}`,
        };
      }
      case '<':
      case '<=':
      case '>':
      case '>=': {
        const num = parseNumber(rhs);
        return {
          string: `t ${expr.op} ${literal(rhs)}`,
          ...(num === undefined ? {} : { number: `t ${expr.op} ${numberCode(num)}` }),
          boolean: 'false',
        };
      }
      case 'contains':
        return { string: `t.includes(${literal(rhs)})` };
      case 'icontains':
        return { string: `t.toLowerCase().includes(${literal(rhs.toLowerCase())})` };
      case 'startswith':
        return { string: `t.startsWith(${literal(rhs)})` };
      case 'endswith':
        return { string: `t.endsWith(${literal(rhs)})` };
      default:
        return { string: call };
    }
  }
}

/**
 * Compiles the conditions (macros and lists expanded, in load order) for events of `type`
 * (undefined: an event without a type, which meets every condition unfolded). Throws CompileError
 * as compileCondition does.
 */
export function compileChain(
  conditions: readonly Expr[],
  type: string | undefined,
  source: string,
): RuleChain {
  const types = typesOf(source);
  const writer = new ChainWriter(types);
  const kept: number[] = [];
  const rules: string[] = [];
  conditions.forEach((condition, index) => {
    const code = foldCondition(
      condition,
      type,
      types,
      (check) => writer.check(check),
      (group, fold) => writer.group(group, fold),
    );
    if (code === false) return;
    kept.push(index);
    rules.push(code === true ? 'true' : code);
  });
  // A value or group used in one place only is computed there, without a memo.
  const uses = new Map<string, number>();
  const count = (code: string): void => {
    for (const [, kind, id] of code.matchAll(MEMO_USE))
      uses.set(`${kind}${id}`, (uses.get(`${kind}${id}`) ?? 0) + 1);
  };
  for (const code of [...writer.groups, ...rules]) count(code);
  const compute = (name: string): string => `${name.startsWith('v') ? 'read' : 'group'}${name.slice(1)}(f)`;
  const resolve = (code: string): string =>
    code.replace(MEMO_USE, (_, kind: string, id: string) => {
      const name = `${kind}${id}`;
      if ((uses.get(name) ?? 0) > 1) return `(${name} !== U ? ${name} : (${name} = ${compute(name)}))`;
      const group = kind === 'g' ? (writer.groups[Number(id)] as string) : undefined;
      return group !== undefined && group.length <= INLINE_GROUP_LENGTH ? resolve(group) : compute(name);
    });
  const memos = [...uses].filter(([, n]) => n > 1).map(([name]) => name);
  // Every memo is cleared before each event (cheaper than stamping each with its event).
  const reset = memos.map((name) => `${name} = U;`).join(' ');
  const lines = [
    '"use strict";',
    ...writer.constants.map((_, i) => `const k${i} = K[${i}];`),
    memos.length > 0 ? `let ${memos.join(', ')};` : '',
    ...writer.reads.map((code, i) => `const read${i} = (f) => { ${code} };`),
    ...writer.groups.map((code, i) => `const group${i} = (f) => { let t; return ${resolve(code)}; };`),
    ...rules.map((code, i) => `const rule${i} = (f) => { let t; return ${resolve(code)}; };`),
    `const first = (f) => { ${reset}`,
    ...rules.map((_, i) => `  if (rule${i}(f)) return ${i};`),
    '  return -1;',
    '};',
    `const all = (f, out) => { ${reset}`,
    ...rules.map((_, i) => `  if (rule${i}(f)) out.push(${i});`),
    '};',
    'return { first, all };',
  ];
  const built = new Function('K', 'U', 'N', lines.join('\n'))(writer.constants, UNSET, NUMERIC_TEXT) as Pick<
    RuleChain,
    'first' | 'all'
  >;
  return { kept, first: built.first, all: built.all };
}
