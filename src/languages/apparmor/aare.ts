/**
 * AppArmor regular expressions (AARE): globs with AppArmor's own semantics, compiled the way
 * apparmor_parser compiles them (`-D rule-exprs` prints the same text):
 * - `*` matches within one path component; as a whole component (`/*` and `/*\/`) never empty;
 * - `**` matches across `/`; as a whole component never empty;
 * - `?` one character but `/`; `[...]` and `[^...]` classes (which do match `/`);
 * - `{a,b}` alternation (nested); `\x` a literal x; `@{VAR}` expands to the variable's values.
 */
import type { Range } from '../../core/diagnostic.js';
import type { Word } from './ast.js';
import { invalidGlob } from './rules/invalid-glob.js';
import type { Reporter } from './reporter.js';

const SPECIAL = new Set(['.', '+', '(', ')', '|', '^', '$']);

/** The regular expression apparmor_parser compiles a (variable-free) pattern to. */
export function aareToRegexSource(pattern: string): string {
  let out = '';
  let inClass = false;
  let depth = 0;
  const n = pattern.length;
  for (let i = 0; i < n; i++) {
    const c = pattern[i] as string;
    if (c === '\\' && i + 1 < n) {
      const next = pattern[i + 1] as string;
      i++;
      out += /[A-Za-z0-9 ]/.test(next) ? next : `\\${next}`;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      out += c === '\\' ? '\\\\' : c;
      continue;
    }
    switch (c) {
      case '[':
        inClass = true;
        out += c;
        if (pattern[i + 1] === '^') {
          out += '^';
          i++;
        }
        if (pattern[i + 1] === ']') {
          out += '\\]';
          i++;
        }
        break;
      case '*': {
        const startOfComponent = i === 0 || pattern[i - 1] === '/';
        if (pattern[i + 1] === '*') {
          let j = i + 2;
          while (pattern[j] === '*') j++;
          const endOfComponent = j >= n || pattern[j] === '/';
          out += startOfComponent && endOfComponent ? '[^/\\x00][^\\x00]*' : '[^\\x00]*';
          i = j - 1;
        } else {
          const endOfComponent = i + 1 >= n || pattern[i + 1] === '/';
          out += startOfComponent && endOfComponent ? '[^/\\x00][^/\\x00]*' : '[^/\\x00]*';
        }
        break;
      }
      case '?':
        out += '[^/\\x00]';
        break;
      case '{':
        depth++;
        out += '(';
        break;
      case '}':
        if (depth > 0) {
          depth--;
          out += ')';
        } else out += '\\}';
        break;
      case ',':
        out += depth > 0 ? '|' : ',';
        break;
      default:
        out += SPECIAL.has(c) ? `\\${c}` : c;
    }
  }
  return out;
}

/** Variables by name (without `@{}`), each a list of values. */
export type VariableValues = ReadonlyMap<string, readonly string[]>;

const VARIABLE = /@\{([A-Za-z_][\w]*)\}/g;

/**
 * The longest text a variable may expand to. Real profiles stay under a few KiB (the largest
 * tunables are lists of paths); variables doubling themselves reach 2^40 characters in 40 lines.
 */
export const MAX_EXPANDED_CHARS = 65_536;

/**
 * How long each variable's text is once expanded (`{a,b}` for several values), computed once per
 * variable so that a chain of doublings costs one addition per level. A reference back to a
 * variable being sized counts as nothing: cycles are reported on their own.
 */
export function expandedSizes(variables: VariableValues): Map<string, number> {
  const sizes = new Map<string, number>();
  const sizing = new Set<string>();
  const sizeOfText = (text: string): number => {
    if (!text.includes('@{')) return text.length;
    let size = text.length;
    for (const match of text.matchAll(VARIABLE)) {
      const name = match[1] as string;
      if (!variables.get(name)?.length) continue;
      size += sizeOf(name) - match[0].length;
    }
    return size;
  };
  const sizeOf = (name: string): number => {
    const known = sizes.get(name);
    if (known !== undefined) return known;
    if (sizing.has(name)) return 0;
    sizing.add(name);
    const values = variables.get(name) ?? [];
    let size = values.length > 1 ? values.length + 1 : 0;
    for (const value of values) size += sizeOfText(value);
    sizing.delete(name);
    sizes.set(name, size);
    return size;
  };
  for (const name of variables.keys()) sizeOf(name);
  return sizes;
}

/** Names of the variables a text refers to. */
export function referencedVariables(text: string): string[] {
  return [...text.matchAll(VARIABLE)].map((m) => m[1] as string);
}

/** Expands variables, or names the variable whose definition refers back to itself. */
export function expandOrCycle(
  text: string,
  variables: VariableValues,
  stack: string[] = [],
): { text: string } | { cycle: string; members: string[] } {
  if (!text.includes('@{')) return { text };
  let cycle: string | undefined;
  let members: string[] = [];
  const out = text.replace(VARIABLE, (whole, name: string) => {
    if (cycle !== undefined) return whole;
    if (stack.includes(name)) {
      cycle = name;
      members = stack.slice(stack.indexOf(name));
      return whole;
    }
    const values = variables.get(name);
    if (!values || values.length === 0) return whole;
    const expanded: string[] = [];
    for (const value of values) {
      const result = expandOrCycle(value, variables, [...stack, name]);
      if ('cycle' in result) {
        cycle = result.cycle;
        members = result.members;
        return whole;
      }
      expanded.push(result.text);
    }
    return expanded.length === 1 ? (expanded[0] as string) : `{${expanded.join(',')}}`;
  });
  return cycle === undefined ? { text: out } : { cycle, members };
}

/**
 * Replaces `@{VAR}` by its value (one value) or `{a,b}` (several); nested references are
 * expanded too. Unknown variables are left as they are.
 */
export function expandVariables(text: string, variables: VariableValues, depth = 0): string {
  if (!text.includes('@{') || depth > 16) return text;
  return text.replace(VARIABLE, (whole, name: string) => {
    const values = variables.get(name);
    if (!values || values.length === 0) return whole;
    const expanded = values.map((value) => expandVariables(value, variables, depth + 1));
    return expanded.length === 1 ? (expanded[0] as string) : `{${expanded.join(',')}}`;
  });
}

/**
 * Expands variables the way apparmor_parser does, one pattern per combination of values (so
 * `@{etc_ro}/x` with `/etc/` gives `/etc/x`, not `/etc//x`), then slashes collapsed; several
 * patterns are joined into one alternation.
 */
export function expandPattern(text: string, variables: VariableValues): string {
  const out = new Set<string>();
  const visit = (pattern: string, depth: number): void => {
    const m = /@\{([A-Za-z_]\w*)\}/.exec(pattern);
    const values = m ? variables.get(m[1] as string) : undefined;
    if (!m || !values || values.length === 0 || depth > 16 || out.size > 256) {
      out.add(normalizeSlashes(pattern));
      return;
    }
    for (const value of values)
      visit(pattern.slice(0, m.index) + value + pattern.slice(m.index + m[0].length), depth + 1);
  };
  visit(text, 0);
  const all = [...out];
  return all.length === 1 ? (all[0] as string) : `{${all.join(',')}}`;
}

/**
 * The patterns a pattern stands for once variables and the `{a,b}` alternations of its literal
 * start are expanded (at most `limit`; past it, the pattern is kept whole). Used to give each
 * alternative its own literal prefix, so that matching skips most rules with a string comparison;
 * alternations after the first wildcard would not lengthen any prefix, so they stay as they are.
 */
export function expandAlternatives(text: string, variables: VariableValues, limit = 64): string[] {
  const out: string[] = [];
  const withVariables = expandPattern(text, variables);
  const visit = (pattern: string): boolean => {
    const group = firstGroup(pattern);
    if (!group || wildcardBefore(pattern, group.start)) {
      out.push(normalizeSlashes(pattern));
      return out.length <= limit;
    }
    for (const choice of group.choices) {
      if (!visit(pattern.slice(0, group.start) + choice + pattern.slice(group.end))) return false;
    }
    return true;
  };
  if (!visit(withVariables)) return [withVariables];
  return [...new Set(out)];
}

/** Whether a pattern has `*`, `?` or a class before `end`. */
function wildcardBefore(pattern: string, end: number): boolean {
  for (let i = 0; i < end; i++) {
    const c = pattern[i];
    if (c === '\\') i++;
    else if (c === '*' || c === '?' || c === '[') return true;
  }
  return false;
}

/** The first top-level `{...}` of a pattern outside classes, with its choices. */
function firstGroup(pattern: string): { start: number; end: number; choices: string[] } | undefined {
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') inClass = true;
    else if (c === '{') {
      let depth = 0;
      let from = i + 1;
      const choices: string[] = [];
      for (let j = i; j < pattern.length; j++) {
        const d = pattern[j];
        if (d === '\\') {
          j++;
          continue;
        }
        if (d === '{') depth++;
        else if (d === '}') {
          depth--;
          if (depth === 0) {
            choices.push(pattern.slice(from, j));
            return { start: i, end: j + 1, choices };
          }
        } else if (d === ',' && depth === 1) {
          choices.push(pattern.slice(from, j));
          from = j + 1;
        }
      }
      return undefined;
    }
  }
  return undefined;
}

/** Collapses repeated slashes, as apparmor_parser does for path rules. */
export function normalizeSlashes(pattern: string): string {
  return pattern.includes('//') ? pattern.replace(/\/{2,}/g, '/') : pattern;
}

const compiled = new Map<string, RegExp>();

/** A matcher for a pattern (after variable expansion). Cached: profiles repeat patterns. */
export function compileAare(pattern: string): RegExp {
  let regex = compiled.get(pattern);
  if (!regex) {
    try {
      regex = new RegExp(`^(?:${aareToRegexSource(pattern)})$`, 's');
    } catch {
      // A pattern apparmor_parser refuses (reported by checkPattern) matches itself only.
      regex = new RegExp(`^${pattern.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&')}$`, 's');
    }
    if (compiled.size > 50_000) compiled.clear();
    compiled.set(pattern, regex);
  }
  return regex;
}

/** The literal prefix of a pattern: every path it matches starts with it. */
export function literalPrefix(pattern: string): string {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === '*' || c === '?' || c === '[' || c === '{' || c === '@') break;
    if (c === '\\') {
      const next = pattern[i + 1];
      if (next === undefined) break;
      out += next;
      i++;
      continue;
    }
    out += c;
  }
  return out;
}

/** Reports what apparmor_parser refuses in a pattern: unbalanced braces or brackets, relative paths. */
export function checkPattern(word: Word, report: Reporter, path = false): void {
  // Patterns with variables are checked once expanded (model.ts).
  if (word.text.includes('@{')) return;
  checkExpandedPattern(word, word.text, report, path);
}

/** The checks of `checkPattern` on a pattern's text after variable expansion. */
export function checkExpandedPattern(range: Range, text: string, report: Reporter, path = false): void {
  const word = range;
  let depth = 0;
  let inClass = false;
  let classStart = 0;
  /** Per open brace: whether it has seen a comma (`{a}` and `{}` are refused). */
  const alternatives: boolean[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (c === '\\') {
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']' && i > classStart + 1 && !(i === classStart + 2 && text[classStart + 1] === '^'))
        inClass = false;
      continue;
    }
    if (c === '[') {
      inClass = true;
      classStart = i;
    } else if (c === ']') {
      report(invalidGlob, 'unbalanced', word, { what: '"]"', pattern: text });
      return;
    } else if (c === '@' && text[i + 1] === '{') {
      const close = text.indexOf('}', i);
      if (close === -1) {
        report(invalidGlob, 'unbalanced', word, { what: 'variable braces', pattern: text });
        return;
      }
      i = close;
    } else if (c === '{') {
      depth++;
      alternatives.push(false);
    } else if (c === ',' && depth > 0) alternatives[alternatives.length - 1] = true;
    else if (c === '}') {
      depth--;
      if (depth < 0) {
        report(invalidGlob, 'unbalanced', word, { what: '"}"', pattern: text });
        return;
      }
      if (!alternatives.pop()) {
        report(invalidGlob, 'invalid', word, {
          detail: 'an alternation needs at least two choices ({a,b})',
          pattern: text,
        });
        return;
      }
    }
  }
  if (inClass) {
    report(invalidGlob, 'unbalanced', word, { what: '"["', pattern: text });
    return;
  }
  if (depth !== 0) {
    report(invalidGlob, 'unbalanced', word, { what: '"{"', pattern: text });
    return;
  }
  if (path && !/^(\/|@\{|\{)/.test(text)) {
    report(invalidGlob, 'relative', word, { pattern: text });
  }
}
