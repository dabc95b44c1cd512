/** `--format json` of `chs lint`: the contract's shape (PRODUCT.md). */
import type { LintReport } from './positions.js';

export function lintJson(report: LintReport): string {
  const diagnostics = report.diagnostics.map((d) => ({
    file: d.file,
    line: d.line,
    column: d.column,
    endLine: d.endLine,
    endColumn: d.endColumn,
    severity: d.severity,
    ruleId: d.ruleId,
    message: d.message,
    ...(d.falcoCode ? { falcoCode: d.falcoCode } : {}),
  }));
  return (
    JSON.stringify(
      { diagnostics, summary: { ...report.summary } },
      null,
      2,
    ) + '\n'
  );
}
