/**
 * The one place where 0-based offsets become 1-based lines and columns, for every formatter.
 */
import type { Diagnostic, Severity } from '../core/diagnostic.js';
import type { SourceFile } from '../core/source.js';
import { printable } from '../core/printable.js';
import { rebaseFiles, rebasePath } from './paths.js';

export interface ResolvedDiagnostic {
  file: string;
  /** 1-based; 1 when the finding has no range. */
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  severity: Severity;
  ruleId: string;
  message: string;
  falcoCode?: string;
  /** The text of the line, for excerpts and fingerprints. */
  lineText: string;
}

export interface LintReport {
  diagnostics: ResolvedDiagnostic[];
  /** Every file that was linted (for JUnit's passing cases), in order. */
  files: string[];
  summary: { errors: number; warnings: number; infos: number };
}

/**
 * The printable text of a line, once per line: a minified file is one line of megabytes, and its
 * thousand findings each scanned all of it again (seven seconds for a 5 MB seccomp profile).
 */
class LineTexts {
  private readonly texts = new Map<SourceFile, Map<number, string>>();

  get(file: SourceFile, line: number): string {
    let lines = this.texts.get(file);
    if (!lines) this.texts.set(file, (lines = new Map<number, string>()));
    let text = lines.get(line);
    if (text === undefined) lines.set(line, (text = printable(file.lineText(line))));
    return text;
  }
}

function resolveDiagnostic(
  diagnostic: Diagnostic,
  file: SourceFile | undefined,
  lineTexts: LineTexts,
): ResolvedDiagnostic {
  const out: ResolvedDiagnostic = {
    // Every lint format is built from this: text from the files leaves here printable.
    file: printable(diagnostic.file),
    line: 1,
    column: 1,
    endLine: 1,
    endColumn: 1,
    severity: diagnostic.severity,
    ruleId: diagnostic.ruleId,
    message: printable(diagnostic.message),
    lineText: '',
  };
  if (diagnostic.falcoCode) out.falcoCode = diagnostic.falcoCode;
  if (file && diagnostic.range) {
    const start = file.position(diagnostic.range.start);
    const end = file.position(Math.max(diagnostic.range.start, diagnostic.range.end));
    out.line = start.line;
    out.column = start.column;
    out.endLine = end.line;
    out.endColumn = end.column;
    out.lineText = lineTexts.get(file, start.line);
  }
  return out;
}

export function buildReport(
  diagnostics: readonly Diagnostic[],
  files: ReadonlyMap<string, SourceFile>,
  linted: readonly string[],
): LintReport {
  const lineTexts = new LineTexts();
  const resolved = diagnostics.map((d) => resolveDiagnostic(d, files.get(d.file), lineTexts));
  const summary = { errors: 0, warnings: 0, infos: 0 };
  for (const d of resolved) {
    if (d.severity === 'error') summary.errors++;
    else if (d.severity === 'warning') summary.warnings++;
    else summary.infos++;
  }
  const all = new Set(linted);
  for (const d of resolved) all.add(d.file);
  return { diagnostics: resolved, files: [...all], summary };
}

/** The report with its paths relative to `base` instead of `cwd` (for `--report-base`). */
export function rebaseReport(report: LintReport, cwd: string, base: string): LintReport {
  return {
    ...report,
    diagnostics: rebaseFiles(report.diagnostics, cwd, base),
    files: report.files.map((file) => rebasePath(file, cwd, base)),
  };
}
