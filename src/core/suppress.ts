/**
 * Inline suppressions: `# chs-disable-next-line [ruleId[, ruleId...]]` on the line before a
 * finding. Without ids it suppresses every rule on that line. A suppression that suppresses
 * nothing is itself a finding. In YAML a comment cannot go inside a value (in a `>` condition it
 * would be condition text), so above a key whose value runs over several lines (a block scalar,
 * a folded plain scalar) it covers the whole value.
 */
import type { Diagnostic } from './diagnostic.js';
import type { SourceFile } from './source.js';

export interface Suppression {
  /** 1-based line of the comment. */
  line: number;
  /** 1-based last line it covers: the next line, or the whole YAML value that starts there. */
  lastLine: number;
  start: number;
  end: number;
  /** Empty: every rule. */
  ruleIds: string[];
  used: Set<string>;
}

const DIRECTIVE = /(?:^|\s)(?:#|\/\/)\s*chs-disable-next-line\b([^\n]*)/g;

export function findSuppressions(file: SourceFile): Suppression[] {
  const out: Suppression[] = [];
  if (!file.text.includes('chs-disable-next-line')) return out;
  for (const match of file.text.matchAll(DIRECTIVE)) {
    const start = (match.index ?? 0) + match[0].indexOf('chs-disable');
    const rest = (match[1] ?? '').split('--')[0] ?? '';
    const ruleIds = rest
      .split(/[\s,]+/)
      .map((s) => s.trim())
      .filter((s) => s.length > 0);
    const line = file.position(start).line;
    out.push({
      line,
      lastLine: valueEnd(file, line + 1),
      start,
      end: start + match[0].trimEnd().length - match[0].indexOf('chs-disable'),
      ruleIds,
      used: new Set(),
    });
  }
  return out;
}

/** Removes suppressed diagnostics; marks what each suppression used. */
export function applySuppressions(
  diagnostics: readonly Diagnostic[],
  files: ReadonlyMap<string, SourceFile>,
  suppressions: ReadonlyMap<string, Suppression[]>,
): Diagnostic[] {
  const kept: Diagnostic[] = [];
  for (const diagnostic of diagnostics) {
    const list = suppressions.get(diagnostic.file);
    const file = files.get(diagnostic.file);
    if (!list || !file || !diagnostic.range) {
      kept.push(diagnostic);
      continue;
    }
    const line = file.position(diagnostic.range.start).line;
    const match = list.find(
      (s) =>
        line > s.line &&
        line <= s.lastLine &&
        (s.ruleIds.length === 0 || s.ruleIds.includes(diagnostic.ruleId)),
    );
    if (match) match.used.add(diagnostic.ruleId);
    else kept.push(diagnostic);
  }
  return kept;
}

const YAML_FILE = /\.ya?ml$/i;
/** `key: >`, `- key: |-` ...: a block scalar starts on the next line. */
const BLOCK_SCALAR_KEY = /^(\s*(?:-\s+)*)[^\s#][^:#]*:\s*[|>][-+0-9]*\s*(?:#.*)?$/;
/** `key: value` (a scalar that may fold onto the more indented lines after it). */
const INLINE_SCALAR_KEY = /^(\s*(?:-\s+)*)[^\s#-][^:#]*:\s+[^\s#|>&*!]/;

/** The last line of the YAML value whose key is on `line` (that line when it is one line). */
function valueEnd(file: SourceFile, line: number): number {
  if (!YAML_FILE.test(file.path) || line > file.lineCount) return line;
  const text = file.lineText(line);
  const key = BLOCK_SCALAR_KEY.exec(text) ?? INLINE_SCALAR_KEY.exec(text);
  if (!key) return line;
  // The key's own column: the continuation lines of its value are indented further.
  const column = (key[1] ?? '').length;
  let last = line;
  for (let next = line + 1; next <= file.lineCount; next++) {
    const body = file.lineText(next);
    if (body.trim() === '') continue;
    if (body.length - body.trimStart().length <= column) break;
    last = next;
  }
  return last;
}
