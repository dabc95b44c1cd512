/**
 * fnmatch(3) with no flags, as libsinsp's `glob` operator calls it: `*` matches any run of
 * characters, `/` included (no FNM_PATHNAME), `?` one character, `[...]` a bracket expression
 * (`!` or `^` negates, ranges, POSIX classes), `\` quotes the next character. The matcher keeps
 * only the position of the last `*`, so it runs in O(pattern x text), never exponentially. It
 * steps through the text by code points in place (no array of characters per call).
 */

/** A code point tested against a bracket expression's member. */
type CodePointTest = (cp: number) => boolean;

type Token =
  | { kind: 'char'; cp: number }
  | { kind: 'any' }
  | { kind: 'star' }
  | { kind: 'set'; negated: boolean; test: CodePointTest };

const between = (cp: number, low: string, high: string): boolean =>
  cp >= low.charCodeAt(0) && cp <= high.charCodeAt(0);
const isUpper = (cp: number): boolean => between(cp, 'A', 'Z');
const isLower = (cp: number): boolean => between(cp, 'a', 'z');
const isDigit = (cp: number): boolean => between(cp, '0', '9');

/** The POSIX classes, in the C locale (ASCII only). */
const CLASSES: Record<string, CodePointTest> = {
  alpha: (cp) => isUpper(cp) || isLower(cp),
  digit: isDigit,
  alnum: (cp) => isUpper(cp) || isLower(cp) || isDigit(cp),
  upper: isUpper,
  lower: isLower,
  space: (cp) => cp === 32 || (cp >= 9 && cp <= 13),
  blank: (cp) => cp === 32 || cp === 9,
  punct: (cp) =>
    between(cp, '!', '/') || between(cp, ':', '@') || between(cp, '[', '`') || between(cp, '{', '~'),
  xdigit: (cp) => isDigit(cp) || between(cp, 'A', 'F') || between(cp, 'a', 'f'),
  cntrl: (cp) => cp < 32 || cp === 127,
  print: (cp) => cp >= 32 && cp < 127,
  graph: (cp) => cp > 32 && cp < 127,
};

/** Parses a bracket expression starting after `[`; undefined when it is not closed (then `[` is literal). */
function parseSet(chars: string[], from: number): { token: Token; next: number } | undefined {
  let i = from;
  let negated = false;
  if (chars[i] === '!' || chars[i] === '^') {
    negated = true;
    i++;
  }
  const tests: CodePointTest[] = [];
  let first = true;
  while (i < chars.length) {
    const c = chars[i] as string;
    if (c === ']' && !first) {
      const test: CodePointTest = (cp) => tests.some((t) => t(cp));
      return { token: { kind: 'set', negated, test }, next: i + 1 };
    }
    first = false;
    if (c === '[' && chars[i + 1] === ':') {
      const close = chars.indexOf(':', i + 2);
      if (close !== -1 && chars[close + 1] === ']') {
        const name = chars.slice(i + 2, close).join('');
        const cls = CLASSES[name];
        if (cls) {
          tests.push(cls);
          i = close + 2;
          continue;
        }
      }
    }
    let low = c;
    if (c === '\\' && i + 1 < chars.length) {
      i++;
      low = chars[i] as string;
    }
    if (chars[i + 1] === '-' && chars[i + 2] !== undefined && chars[i + 2] !== ']') {
      let high = chars[i + 2] as string;
      let skip = 3;
      if (high === '\\' && chars[i + 3] !== undefined) {
        high = chars[i + 3] as string;
        skip = 4;
      }
      const lo = low.codePointAt(0) as number;
      const hi = high.codePointAt(0) as number;
      tests.push((cp) => cp >= lo && cp <= hi);
      i += skip;
      continue;
    }
    const literal = low.codePointAt(0) as number;
    tests.push((cp) => cp === literal);
    i++;
  }
  return undefined;
}

const charToken = (c: string): Token => ({ kind: 'char', cp: c.codePointAt(0) as number });

function tokenize(pattern: string): Token[] {
  const chars = Array.from(pattern);
  const out: Token[] = [];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i] as string;
    if (c === '*') {
      if (out.at(-1)?.kind !== 'star') out.push({ kind: 'star' });
    } else if (c === '?') out.push({ kind: 'any' });
    else if (c === '\\' && i + 1 < chars.length) out.push(charToken(chars[++i] as string));
    else if (c === '[') {
      const set = parseSet(chars, i + 1);
      if (set) {
        out.push(set.token);
        i = set.next - 1;
      } else out.push(charToken(c));
    } else out.push(charToken(c));
  }
  return out;
}

function matchOne(token: Token, cp: number): boolean {
  switch (token.kind) {
    case 'char':
      return token.cp === cp;
    case 'any':
      return true;
    case 'set':
      return token.test(cp) !== token.negated;
    case 'star':
      return false;
  }
}

/** Compiles a pattern once; the returned function tests one string. */
export function compileGlob(pattern: string, caseInsensitive = false): (text: string) => boolean {
  const tokens = tokenize(caseInsensitive ? pattern.toLowerCase() : pattern);
  const literal = tokens.every((t) => t.kind === 'char');
  if (literal) {
    const plain = tokens.map((t) => String.fromCodePoint((t as { cp: number }).cp)).join('');
    return caseInsensitive ? (text) => text.toLowerCase() === plain : (text) => text === plain;
  }
  return (input) => {
    const text = caseInsensitive ? input.toLowerCase() : input;
    const length = text.length;
    // Positions are in UTF-16 code units; each step moves by one code point (two units for a
    // character outside the BMP), as the array of characters this replaced did.
    let t = 0;
    let p = 0;
    let starP = -1;
    let starT = 0;
    while (t < length) {
      const token = tokens[p];
      if (token !== undefined && token.kind === 'star') {
        starP = p++;
        starT = t;
        continue;
      }
      const cp = text.codePointAt(t) as number;
      if (token !== undefined && matchOne(token, cp)) {
        p++;
        t += cp > 0xffff ? 2 : 1;
      } else if (starP !== -1) {
        p = starP + 1;
        starT += (text.codePointAt(starT) as number) > 0xffff ? 2 : 1;
        t = starT;
      } else return false;
    }
    while (tokens[p]?.kind === 'star') p++;
    return p === tokens.length;
  };
}
