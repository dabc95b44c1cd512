/**
 * Inline suppressions: `# chs-disable-next-line [ruleId[, ruleId...]]` on the line before a
 * finding. Without ids it suppresses every rule on that line. A suppression that suppresses
 * nothing is itself a finding.
 */
import type { Diagnostic } from './diagnostic.js';
import type { SourceFile } from './source.js';

export interface Suppression {
  /** 1-based line of the comment. */
  line: number;
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
    out.push({
      line: file.position(start).line,
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
      (s) => s.line === line - 1 && (s.ruleIds.length === 0 || s.ruleIds.includes(diagnostic.ruleId)),
    );
    if (match) match.used.add(diagnostic.ruleId);
    else kept.push(diagnostic);
  }
  return kept;
}
