/**
 * Falco reads rules with yaml-cpp, which accepts a flow collection's closing bracket on a line of
 * its own less indented than the collection (the official falco_rules.yaml does it: `items: [`
 * ... `  ]`); the strict YAML parser refuses that as "deficient indentation". Such a bracket is
 * moved to the end of the previous line (before any comment there), keeping every other offset of
 * the text unchanged, and the text is parsed again.
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

export function parseRulesYaml(text: string): { result: YamlResult; text: string } {
  let current = text;
  let result = parseYaml(current);
  for (
    let i = 0;
    i < MAX_FIXES && !result.ok && result.error.message.startsWith('deficient indentation');
    i++
  ) {
    const fixed = moveBracketUp(current, result.error.offset);
    if (fixed === undefined) break;
    current = fixed;
    result = parseYaml(current);
  }
  return { result: result.ok ? result : parseYaml(text), text: current };
}
