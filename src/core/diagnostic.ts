export type Severity = 'error' | 'warning' | 'info';

/** A half-open range of 0-based offsets into a source file's text. */
export interface Range {
  start: number;
  end: number;
}

export interface Diagnostic {
  /** The path as the user gave it. */
  file: string;
  /** Where in the file; absent when the finding is about the file as a whole and it has no text. */
  range?: Range;
  severity: Severity;
  ruleId: string;
  message: string;
  /** Falco's own load result code, where Falco's loader reports the same problem. */
  falcoCode?: string;
}

export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  const as = a.range?.start ?? -1;
  const bs = b.range?.start ?? -1;
  if (as !== bs) return as - bs;
  if (a.ruleId !== b.ruleId) return a.ruleId < b.ruleId ? -1 : 1;
  return a.message < b.message ? -1 : a.message > b.message ? 1 : 0;
}
