/**
 * fnmatch(3) with no flags, as libsinsp's `glob` operator calls it: `*` matches any run of
 * characters, `/` included (no FNM_PATHNAME), `?` one character, `[...]` a bracket expression
 * (`!` or `^` negates, ranges, POSIX classes), `\` quotes the next character. The matcher keeps
 * only the position of the last `*`, so it runs in O(pattern x text), never exponentially.
 */

type Token =
  | { kind: 'char'; char: string }
  | { kind: 'any' }
  | { kind: 'star' }
  | { kind: 'set'; negated: boolean; test: (char: string) => boolean };

const CLASSES: Record<string, (c: string) => boolean> = {
  alpha: (c) => /^[A-Za-z]$/.test(c),
  digit: (c) => /^[0-9]$/.test(c),
  alnum: (c) => /^[A-Za-z0-9]$/.test(c),
  upper: (c) => /^[A-Z]$/.test(c),
  lower: (c) => /^[a-z]$/.test(c),
  space: (c) => /^[ \t\n\r\f\v]$/.test(c),
  blank: (c) => c === ' ' || c === '\t',
  punct: (c) => /^[!-/:-@[-`{-~]$/.test(c),
  xdigit: (c) => /^[0-9A-Fa-f]$/.test(c),
  cntrl: (c) => c.charCodeAt(0) < 32 || c.charCodeAt(0) === 127,
  print: (c) => c.charCodeAt(0) >= 32 && c.charCodeAt(0) < 127,
  graph: (c) => c.charCodeAt(0) > 32 && c.charCodeAt(0) < 127,
};

/** Parses a bracket expression starting after `[`; undefined when it is not closed (then `[` is literal). */
function parseSet(chars: string[], from: number): { token: Token; next: number } | undefined {
  let i = from;
  let negated = false;
  if (chars[i] === '!' || chars[i] === '^') {
    negated = true;
    i++;
  }
  const tests: ((c: string) => boolean)[] = [];
  let first = true;
  while (i < chars.length) {
    const c = chars[i] as string;
    if (c === ']' && !first) {
      const test = (x: string): boolean => tests.some((t) => t(x));
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
      tests.push((x) => {
        const cp = x.codePointAt(0) as number;
        return cp >= lo && cp <= hi;
      });
      i += skip;
      continue;
    }
    const literal = low;
    tests.push((x) => x === literal);
    i++;
  }
  return undefined;
}

function tokenize(pattern: string): Token[] {
  const chars = Array.from(pattern);
  const out: Token[] = [];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i] as string;
    if (c === '*') {
      if (out.at(-1)?.kind !== 'star') out.push({ kind: 'star' });
    } else if (c === '?') out.push({ kind: 'any' });
    else if (c === '\\' && i + 1 < chars.length) out.push({ kind: 'char', char: chars[++i] as string });
    else if (c === '[') {
      const set = parseSet(chars, i + 1);
      if (set) {
        out.push(set.token);
        i = set.next - 1;
      } else out.push({ kind: 'char', char: c });
    } else out.push({ kind: 'char', char: c });
  }
  return out;
}

function matchOne(token: Token, c: string): boolean {
  switch (token.kind) {
    case 'char':
      return token.char === c;
    case 'any':
      return true;
    case 'set':
      return token.test(c) !== token.negated;
    case 'star':
      return false;
  }
}

/** Compiles a pattern once; the returned function tests one string. */
export function compileGlob(pattern: string, caseInsensitive = false): (text: string) => boolean {
  const tokens = tokenize(caseInsensitive ? pattern.toLowerCase() : pattern);
  const literal = tokens.every((t) => t.kind === 'char');
  if (literal) {
    const plain = tokens.map((t) => (t as { char: string }).char).join('');
    return caseInsensitive ? (text) => text.toLowerCase() === plain : (text) => text === plain;
  }
  return (input) => {
    const text = Array.from(caseInsensitive ? input.toLowerCase() : input);
    let t = 0;
    let p = 0;
    let starP = -1;
    let starT = 0;
    while (t < text.length) {
      const token = tokens[p];
      if (token !== undefined && token.kind === 'star') {
        starP = p++;
        starT = t;
      } else if (token !== undefined && matchOne(token, text[t] as string)) {
        p++;
        t++;
      } else if (starP !== -1) {
        p = starP + 1;
        t = ++starT;
      } else return false;
    }
    while (tokens[p]?.kind === 'star') p++;
    return p === tokens.length;
  };
}
