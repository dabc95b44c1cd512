/**
 * Falco reads rules with yaml-cpp, which accepts a flow collection's closing bracket on a line of
 * its own less indented than the collection (the official falco_rules.yaml does it: `items: [`
 * ... `  ]`); the strict YAML parser refuses that as "deficient indentation". Such a bracket is
 * moved to the end of the previous line (before any comment there), keeping every other offset of
 * the text unchanged, and the text is parsed again. Likewise yaml-cpp keeps a scalar with a local
 * tag it does not know (`desc: != after evt.type` is the tag `!=` and the text after it) where the
 * strict parser refuses the tag: the tag is blanked out (same length) and the text parsed again.
 *
 * yaml-cpp does not check indentation inside a flow collection or a quoted scalar either: a line
 * that continues one with less indentation than its key (`items: [/proc/filesystems, /` then
 * `  usr/bin/systemctl]`) is read as if it were indented, its line break folded into one space.
 * The line break is joined (a blank of the same length), the scalar that spans it gets yaml-cpp's
 * value back, and the place is noted: Falco accepts the file, but not always as its author meant.
 */
import { parseYaml } from '../../../core/yaml.js';
import type { YamlNode, YamlResult } from '../../../core/yaml.js';

/** A line joined to the one above it: where, and the scalar that spans the join (yaml-cpp's value). */
export interface FlowJoin {
  /** Offsets of the continued line's first character and the end of its content. */
  start: number;
  end: number;
  value?: string;
}

const MAX_FIXES = 100;

function moveBracketUp(text: string, at: number): string | undefined {
  const bracket = text[at];
  if (bracket !== ']' && bracket !== '}') return undefined;
  const lineStart = text.lastIndexOf('\n', at - 1) + 1;
  if (!/^[ \t]*$/.test(text.slice(lineStart, at))) return undefined;
  // The previous line that has content.
  let prevEnd = lineStart - 1;
  while (prevEnd > 0) {
    const prevStart = text.lastIndexOf('\n', prevEnd - 1) + 1;
    const line = text.slice(prevStart, prevEnd);
    if (line.trim().length > 0 && !line.trim().startsWith('#')) {
      const hash = line.search(/\s#/);
      const insertAt = prevStart + (hash === -1 ? line.trimEnd().length : hash);
      // Remove the bracket, then insert it: the text between shifts right by one character.
      return text.slice(0, insertAt) + bracket + text.slice(insertAt, at) + text.slice(at + 1);
    }
    prevEnd = prevStart - 1;
  }
  return undefined;
}

function blankTag(text: string, at: number): string | undefined {
  if (text[at] !== '!') return undefined;
  let end = at;
  while (end < text.length && !/\s/.test(text[end] as string)) end++;
  return text.slice(0, at) + ' '.repeat(end - at) + text.slice(end);
}

/** Moves up every closing bracket that stands alone on its line (one pass, offsets kept). */
function moveAllBracketsUp(text: string): string {
  let current = text;
  const re = /^[ \t]*[\]}][ \t]*$/gm;
  const positions: number[] = [];
  for (let m = re.exec(text); m; m = re.exec(text)) positions.push(m.index + m[0].search(/[\]}]/));
  for (const at of positions) current = moveBracketUp(current, at) ?? current;
  return current;
}

/** Joins the line at `at` (its first character) to the line above; undefined when it is not one. */
function joinLine(text: string, at: number): { text: string; join: FlowJoin } | undefined {
  const lineStart = text.lastIndexOf('\n', at - 1) + 1;
  if (lineStart === 0 || !/^[ \t]*$/.test(text.slice(lineStart, at))) return undefined;
  const breakAt = text[lineStart - 2] === '\r' ? lineStart - 2 : lineStart - 1;
  const lineEnd = text.indexOf('\n', at);
  const end = at + text.slice(at, lineEnd === -1 ? text.length : lineEnd).trimEnd().length;
  return {
    text: text.slice(0, breakAt) + ' '.repeat(lineStart - breakAt) + text.slice(lineStart),
    join: { start: at, end: Math.max(end, at + 1) },
  };
}

/** Puts yaml-cpp's value back in a plain scalar that spans a join: the blanks fold to one space. */
function foldJoins(result: YamlResult, text: string, joins: FlowJoin[]): void {
  if (!result.ok || joins.length === 0) return;
  const visit = (node: YamlNode): void => {
    if (node.kind === 'map') for (const p of node.pairs) visit(p.value);
    else if (node.kind === 'seq') node.items.forEach(visit);
    else if (node.style === 'plain' && typeof node.value === 'string') {
      const inside = joins.filter((j) => j.start > node.start && j.start < node.end);
      if (inside.length === 0) return;
      let value = text.slice(node.start, node.end);
      for (const join of [...inside].reverse()) {
        const right = join.start - node.start;
        let left = right;
        while (left > 0 && /[ \t]/.test(value[left - 1] as string)) left--;
        value = `${value.slice(0, left)} ${value.slice(right)}`;
      }
      node.value = value;
      node.text = value;
      for (const join of inside) join.value = value;
    }
  };
  for (const doc of result.documents) if (doc.root) visit(doc.root);
}

const STANDALONE_BRACKET = /^ {0,2}[\]}][ \t]*$/m;

export function parseRulesYaml(text: string): { result: YamlResult; text: string; joins: FlowJoin[] } {
  let current = text;
  let result: YamlResult | undefined;
  // A bracket alone on a barely indented line is moved up before the first parse.
  if (STANDALONE_BRACKET.test(text)) {
    const moved = moveAllBracketsUp(text);
    const first = parseYaml(moved);
    if (first.ok) return { result: first, text: moved, joins: [] };
  }
  const joins: FlowJoin[] = [];
  result = parseYaml(current);
  for (let i = 0; i < MAX_FIXES && !result.ok; i++) {
    const { message, offset } = result.error;
    let fixed: string | undefined;
    if (message.startsWith('deficient indentation')) {
      fixed = moveBracketUp(current, offset);
      if (fixed === undefined) {
        const joined = joinLine(current, offset);
        if (joined) joins.push(joined.join);
        fixed = joined?.text;
      }
    } else if (/^unknown (?:scalar|sequence|mapping) tag/.test(message)) fixed = blankTag(current, offset);
    if (fixed === undefined) break;
    current = fixed;
    result = parseYaml(current);
  }
  if (!result.ok) return { result: parseYaml(text), text: current, joins: [] };
  foldJoins(result, current, joins);
  return { result, text: current, joins };
}
