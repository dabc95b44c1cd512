/**
 * Falco reads rules with yaml-cpp, which accepts a flow collection's closing bracket on a line of
 * its own less indented than the collection (the official falco_rules.yaml does it: `items: [`
 * ... `  ]`); the strict YAML parser refuses that as "deficient indentation". Such a bracket is
 * moved to the end of the previous line (before any comment there), keeping every other offset of
 * the text unchanged, and the text is parsed again. Likewise yaml-cpp keeps a scalar with a local
 * tag it does not know (`desc: != after evt.type` is the tag `!=` and the text after it) where the
 * strict parser refuses the tag: the tag is blanked out (same length) and the text parsed again.
 */
import { parseYaml } from '../../../core/yaml.js';
import type { YamlResult } from '../../../core/yaml.js';

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

const STANDALONE_BRACKET = /^ {0,2}[\]}][ \t]*$/m;

export function parseRulesYaml(text: string): { result: YamlResult; text: string } {
  let current = text;
  let result: YamlResult | undefined;
  // A bracket alone on a barely indented line is moved up before the first parse.
  if (STANDALONE_BRACKET.test(text)) {
    const moved = moveAllBracketsUp(text);
    const first = parseYaml(moved);
    if (first.ok) return { result: first, text: moved };
  }
  result = parseYaml(current);
  for (let i = 0; i < MAX_FIXES && !result.ok; i++) {
    const { message, offset } = result.error;
    let fixed: string | undefined;
    if (message.startsWith('deficient indentation')) fixed = moveBracketUp(current, offset);
    else if (/^unknown (?:scalar|sequence|mapping) tag/.test(message)) fixed = blankTag(current, offset);
    if (fixed === undefined) break;
    current = fixed;
    result = parseYaml(current);
  }
  return { result: result.ok ? result : parseYaml(text), text: current };
}
