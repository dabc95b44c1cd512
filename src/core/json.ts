/**
 * Strict JSON syntax check with the offset of the first error. Files read by Go's encoding/json
 * (seccomp profiles: runc, containerd, Docker) accept JSON only; their positioned values come from
 * parseJsonTree (json-tree.ts) once the text is known to be JSON. Iterative, so hostile nesting
 * cannot overflow.
 */
export interface JsonSyntaxError {
  message: string;
  offset: number;
}

/** What the JSON tree and JSON.parse are given: nesting beyond it is refused here, in JSON terms. */
export const MAX_JSON_DEPTH = 100;

const WS = new Set([0x20, 0x09, 0x0a, 0x0d]);
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

function describe(text: string, at: number): string {
  if (at >= text.length) return 'end of file';
  const ch = text.charAt(at);
  return /[\x00-\x1f]/.test(ch)
    ? `control character U+${ch.charCodeAt(0).toString(16).padStart(4, '0')}`
    : `"${ch}"`;
}

/** Undefined when `text` is one JSON value (surrounded by white space only). */
export function jsonSyntaxError(text: string): JsonSyntaxError | undefined {
  let i = 0;
  const n = text.length;
  const stack: ('{' | '[')[] = [];
  const skip = (): void => {
    while (i < n && WS.has(text.charCodeAt(i))) i++;
  };
  const fail = (message: string, offset = i): JsonSyntaxError => ({ message, offset });
  const string = (): JsonSyntaxError | undefined => {
    i++; // opening quote
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return undefined;
      }
      if (c < 0x20) return fail(`${describe(text, i)} inside a string; escape it`);
      if (c === 0x5c) {
        const e = text.charAt(i + 1);
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) return fail('bad \\u escape in a string');
          i += 6;
        } else if ('"\\/bfnrt'.includes(e) && e !== '') i += 2;
        else return fail(`bad escape "\\${e}" in a string`);
      } else i++;
    }
    return fail('unterminated string', n);
  };
  /** One value, or the opening of an object or array (pushed on the stack). */
  const value = (): JsonSyntaxError | undefined => {
    skip();
    const c = text.charAt(i);
    if (c === '{' || c === '[') {
      if (stack.length >= MAX_JSON_DEPTH) return fail(`nested deeper than ${MAX_JSON_DEPTH} levels`);
      stack.push(c);
      i++;
      skip();
      const close = c === '{' ? '}' : ']';
      if (text.charAt(i) === close) {
        stack.pop();
        i++;
        return undefined;
      }
      if (c === '{') return key();
      return value();
    }
    if (c === '"') return string();
    for (const literal of ['true', 'false', 'null']) {
      if (text.startsWith(literal, i)) {
        i += literal.length;
        return undefined;
      }
    }
    NUMBER.lastIndex = i;
    const m = NUMBER.exec(text);
    if (m && m[0] !== '' && m[0] !== '-') {
      i += m[0].length;
      return undefined;
    }
    return fail(`expected a value, found ${describe(text, i)}`);
  };
  const key = (): JsonSyntaxError | undefined => {
    skip();
    if (text.charAt(i) !== '"') return fail(`expected a double-quoted key, found ${describe(text, i)}`);
    const bad = string();
    if (bad) return bad;
    skip();
    if (text.charAt(i) !== ':') return fail(`expected ":" after the key, found ${describe(text, i)}`);
    i++;
    return value();
  };

  let bad = value();
  while (!bad && stack.length > 0) {
    // After a value inside an object or array: a comma and the next member, or the closing bracket.
    skip();
    const top = stack[stack.length - 1] as '{' | '[';
    const close = top === '{' ? '}' : ']';
    const c = text.charAt(i);
    if (c === close) {
      stack.pop();
      i++;
    } else if (c === ',') {
      const comma = i++;
      skip();
      if (text.charAt(i) === close) return fail(`trailing comma before "${close}"`, comma);
      bad = top === '{' ? key() : value();
    } else {
      bad = fail(`expected "," or "${close}", found ${describe(text, i)}`);
    }
  }
  if (bad) return bad;
  skip();
  if (i < n) return fail(`unexpected ${describe(text, i)} after the JSON value`);
  return undefined;
}
