/**
 * The comparison operators, compiled once per check into a test of one present value. Values
 * compare as Falco converts them: a number field against a number, a string field byte for byte,
 * a boolean against true/false; an IPv4 address against an address or a CIDR network.
 */
import { createRequire } from 'node:module';
import type * as Re2 from 're2js';
import type { RE2JS } from 're2js';
import type { BinaryOperator, OperatorModifier } from '../condition/ast.js';
import { compileGlob } from './fnmatch.js';

/** Tests one present scalar value. */
export type ScalarTest = (value: unknown) => boolean;

export class OperatorError extends Error {}

export function parseNumber(text: string): number | undefined {
  if (/^[+-]?\d+$/.test(text)) return Number(text);
  if (/^0x[0-9a-f]+$/i.test(text)) return Number.parseInt(text.slice(2), 16);
  if (/^[+-]?(?:\d+\.\d*|\.\d+)(?:e[+-]?\d+)?$/i.test(text)) return Number(text);
  return undefined;
}

/** `scanIpv4`'s answer for text that is not four dot-separated groups of one to three digits. */
const NOT_DOTTED = -2;
/** `scanIpv4`'s answer for four such groups with one above 255. */
const OUT_OF_RANGE = -1;

/**
 * Reads `a.b.c.d` (one to three ASCII digits each) without a regular expression (this runs for
 * every address an event holds against every network check): the address as a number, or
 * OUT_OF_RANGE, or NOT_DOTTED.
 */
function scanIpv4(text: string): number {
  const length = text.length;
  if (length < 7 || length > 15) return NOT_DOTTED;
  let out = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  let inRange = true;
  for (let i = 0; i < length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (++digits > 3) return NOT_DOTTED;
      part = part * 10 + (c - 48);
    } else if (c === 46) {
      if (digits === 0 || ++dots > 3) return NOT_DOTTED;
      if (part > 255) inRange = false;
      out = out * 256 + part;
      part = 0;
      digits = 0;
    } else return NOT_DOTTED;
  }
  if (dots !== 3 || digits === 0) return NOT_DOTTED;
  if (part > 255 || !inRange) return OUT_OF_RANGE;
  return out * 256 + part;
}

export function parseIpv4(text: string): number | undefined {
  const ip = scanIpv4(text);
  return ip >= 0 ? ip : undefined;
}

interface Cidr {
  network: number;
  size: number;
}

export function parseCidr(text: string): Cidr | undefined {
  const slash = text.indexOf('/');
  if (slash === -1) return undefined;
  const ip = parseIpv4(text.slice(0, slash));
  const bits = text.slice(slash + 1);
  if (ip === undefined || !/^\d{1,2}$/.test(bits) || Number(bits) > 32) return undefined;
  const size = 2 ** (32 - Number(bits));
  return { network: Math.floor(ip / size) * size, size };
}

/** Whether an address (as scanIpv4 reads it) is in the network; never for a bad address. */
const inCidr = (ip: number, cidr: Cidr): boolean =>
  ip >= 0 && ip >= cidr.network && ip < cidr.network + cidr.size;

export function boolOf(text: string): boolean | undefined {
  if (text === 'true') return true;
  if (text === 'false') return false;
  const n = parseNumber(text);
  return n === undefined ? undefined : n !== 0;
}

function ordering(op: string, c: number): boolean {
  switch (op) {
    case '<':
      return c < 0;
    case '<=':
      return c <= 0;
    case '>':
      return c > 0;
    case '>=':
      return c >= 0;
    case '!=':
      return c !== 0;
    default:
      return c === 0;
  }
}

const compare = (a: string | number, b: string | number): number => (a < b ? -1 : a > b ? 1 : 0);

function hexBytes(text: string): Buffer {
  if (!/^(?:[0-9a-fA-F]{2})*$/.test(text))
    throw new OperatorError(
      `"${text}" is not a string of hexadecimal bytes (bcontains and bstartswith take one)`,
    );
  return Buffer.from(text, 'hex');
}

function equalityOrOrdering(op: string, rhs: string): ScalarTest {
  const num = parseNumber(rhs);
  const bool = boolOf(rhs);
  const cidr = op === '=' || op === '==' || op === '!=' ? parseCidr(rhs) : undefined;
  const negate = op === '!=';
  return (value) => {
    if (typeof value === 'string') {
      if (cidr) {
        const ip = scanIpv4(value);
        if (ip !== NOT_DOTTED) return inCidr(ip, cidr) !== negate;
      }
      return ordering(op, compare(value, rhs));
    }
    if (typeof value === 'number') {
      return num === undefined
        ? ordering(op, compare(String(value), rhs))
        : ordering(op, compare(value, num));
    }
    if (typeof value === 'boolean') {
      if (bool === undefined || (op !== '=' && op !== '==' && op !== '!=')) return false;
      return (value === bool) !== negate;
    }
    return false;
  };
}

/** The test of `value op rhs` for one right-hand literal. */
export function scalarTest(op: BinaryOperator, rhs: string): ScalarTest {
  switch (op) {
    case '=':
    case '==':
    case '!=':
    case '<':
    case '<=':
    case '>':
    case '>=':
      return equalityOrOrdering(op, rhs);
    case 'contains':
      return (v) => String(v).includes(rhs);
    case 'icontains': {
      const lower = rhs.toLowerCase();
      return (v) => String(v).toLowerCase().includes(lower);
    }
    case 'startswith':
      return (v) => String(v).startsWith(rhs);
    case 'endswith':
      return (v) => String(v).endsWith(rhs);
    case 'bcontains': {
      const bytes = hexBytes(rhs);
      return (v) => Buffer.from(String(v)).includes(bytes);
    }
    case 'bstartswith': {
      const bytes = hexBytes(rhs);
      return (v) => {
        const b = Buffer.from(String(v));
        return b.length >= bytes.length && b.subarray(0, bytes.length).equals(bytes);
      };
    }
    case 'glob': {
      const match = compileGlob(rhs);
      return (v) => match(String(v));
    }
    case 'iglob': {
      const match = compileGlob(rhs, true);
      return (v) => match(String(v));
    }
    case 'regex':
      return regexTest(compileRegex(rhs));
    case 'in':
    case 'intersects':
      return setTest([rhs]);
    case 'pmatch':
      return prefixTest([rhs]);
  }
}

/**
 * re2js, required on the first regex: the Falco language's API (src/languages/falco/index.ts)
 * brings the evaluator along, and `chs lint` should not load a regex engine it never uses.
 */
let re2: typeof RE2JS | undefined;
const re2js = (): typeof RE2JS => (re2 ??= (createRequire(import.meta.url)('re2js') as typeof Re2).RE2JS);

/** RE2 syntax on RE2JS, a linear-time engine: no pattern can make matching backtrack. */
function compileRegex(pattern: string): RE2JS {
  try {
    return re2js().compile(pattern);
  } catch (error) {
    throw new OperatorError(`invalid regex pattern "${pattern}": ${(error as Error).message}`);
  }
}

/** Strings up to this length have their verdict remembered (events repeat names and paths). */
const REGEX_CACHE_MAX_LENGTH = 256;
const REGEX_CACHE_ENTRIES = 4096;

/**
 * A full match of the pattern. The engine is linear in the input, but a linear scan is still the
 * dearest check there is, so the verdicts for short strings are remembered: the same process
 * names and paths come back event after event. The memory is bounded (cleared when full).
 */
function regexTest(pattern: RE2JS): ScalarTest {
  const verdicts = new Map<string, boolean>();
  return (value) => {
    const text = String(value);
    let verdict = verdicts.get(text);
    if (verdict === undefined) {
      verdict = pattern.matches(text);
      if (text.length <= REGEX_CACHE_MAX_LENGTH) {
        if (verdicts.size >= REGEX_CACHE_ENTRIES) verdicts.clear();
        verdicts.set(text, verdict);
      }
    }
    return verdict;
  };
}

/** Membership in a set of literals (`in`, `intersects` on one value). */
export function setTest(items: readonly string[]): ScalarTest {
  const strings = new Set(items);
  const numbers = new Set<number>();
  const cidrs: Cidr[] = [];
  const bools = new Set<boolean>();
  for (const item of items) {
    const n = parseNumber(item);
    if (n !== undefined) numbers.add(n);
    const b = boolOf(item);
    if (b !== undefined) bools.add(b);
    const c = parseCidr(item);
    if (c) cidrs.push(c);
  }
  return (value) => {
    if (typeof value === 'string') {
      if (strings.has(value)) return true;
      if (cidrs.length === 0) return false;
      const ip = scanIpv4(value);
      return ip >= 0 && cidrs.some((c) => inCidr(ip, c));
    }
    if (typeof value === 'number') return numbers.has(value);
    if (typeof value === 'boolean') return bools.has(value);
    return false;
  };
}

/** `pmatch`: the value is one of the paths or below one (whole components only). */
export function prefixTest(items: readonly string[]): ScalarTest {
  const prefixes = items.map((item) => (item.length > 1 ? item.replace(/\/+$/, '') : item));
  return (value) => {
    const path = String(value);
    for (const prefix of prefixes) {
      if (
        prefix === '/'
          ? path.startsWith('/')
          : path === prefix || (path.startsWith(prefix) && path[prefix.length] === '/')
      )
        return true;
    }
    return false;
  };
}

/** `op oneof|anyof|allof (a, b)`: exactly one, at least one, or every right-hand value holds. */
export function modifierTest(
  op: BinaryOperator,
  modifier: OperatorModifier,
  items: readonly string[],
): ScalarTest {
  const tests = items.map((item) => scalarTest(op, item));
  switch (modifier) {
    case 'anyof':
      return (v) => tests.some((t) => t(v));
    case 'allof':
      return (v) => tests.length > 0 && tests.every((t) => t(v));
    case 'oneof':
      return (v) => {
        let n = 0;
        for (const t of tests) if (t(v) && ++n > 1) return false;
        return n === 1;
      };
  }
}
