/**
 * Field transformers (`tolower(proc.name)`, `basename(fd.name)`...) as libsinsp applies them. A
 * transformer of an absent value is absent; one that cannot apply (b64 of something that is not
 * base64) makes the value absent too, so the check is false.
 */
import type { Extract } from './fields.js';
import { textOf } from '../../../core/text.js';

const mapScalar =
  (fn: (s: string) => unknown): ((value: unknown) => unknown) =>
  (value) => {
    if (value === undefined) return undefined;
    if (Array.isArray(value)) return value.map((v) => fn(textOf(v)));
    return fn(textOf(value));
  };

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export const UNARY_TRANSFORMS: Readonly<Record<string, (value: unknown) => unknown>> = {
  tolower: mapScalar((s) => s.toLowerCase()),
  toupper: mapScalar((s) => s.toUpperCase()),
  b64: mapScalar((s) => (BASE64.test(s) ? Buffer.from(s, 'base64').toString('utf8') : undefined)),
  basename: mapScalar((s) => s.slice(s.lastIndexOf('/') + 1)),
  len: (value) => {
    if (value === undefined) return undefined;
    if (Array.isArray(value)) return value.length;
    if (typeof value === 'string') return Buffer.byteLength(value);
    return undefined;
  },
};

/** `join(sep, (a, b))`, `concat(a, b)`: absent when any part is absent. */
export function joinValues(parts: readonly Extract[], separator: string): Extract {
  return (fields) => {
    const values: string[] = [];
    for (const part of parts) {
      const value = part(fields);
      if (value === undefined) return undefined;
      values.push(Array.isArray(value) ? value.join(',') : textOf(value));
    }
    return values.join(separator);
  };
}

/**
 * `getopt(proc.args, "ab:")["b"]`: parses the value as a command line with POSIX getopt rules
 * (options until the first operand or `--`, clustered flags, an option's argument attached or
 * next) and gives the selected option's argument, or "" for a flag; absent when not given.
 */
export function getopt(value: unknown, options: string, selected: string): unknown {
  if (value === undefined) return undefined;
  const words = Array.isArray(value) ? value.map(textOf) : textOf(value).split(/\s+/).filter(Boolean);
  let found: string | undefined;
  for (let i = 0; i < words.length; i++) {
    const word = words[i] as string;
    if (word === '--' || !word.startsWith('-') || word === '-') break;
    for (let j = 1; j < word.length; j++) {
      const option = word[j] as string;
      const at = options.indexOf(option);
      const takesArgument = at !== -1 && options[at + 1] === ':';
      if (takesArgument) {
        const argument = j + 1 < word.length ? word.slice(j + 1) : words[++i];
        if (option === selected) found = argument ?? '';
        break;
      }
      if (option === selected) found = '';
    }
  }
  return found;
}
