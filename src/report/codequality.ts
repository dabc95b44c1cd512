/**
 * GitLab Code Quality report (a subset of Code Climate's format): description, check_name,
 * fingerprint, severity and location. Fingerprints are stable across runs (they hash the rule,
 * file, message and the text of the line, not its number, so inserting lines above keeps them)
 * and unique within a report (repeats get an occurrence counter). `content.body` (Code Climate's
 * Markdown details) links the rule's page.
 */
import { createHash } from 'node:crypto';
import { ruleDocsUrl } from '../core/rule-docs.js';
import type { LintReport, ResolvedDiagnostic } from './positions.js';

const SEVERITY: Record<ResolvedDiagnostic['severity'], string> = {
  error: 'major',
  warning: 'minor',
  info: 'info',
};

export function codeQuality(report: LintReport): string {
  const seen = new Map<string, number>();
  const issues = report.diagnostics.map((d) => {
    const basis = [d.ruleId, d.file, d.message, d.lineText.trim()].join('\u0000');
    const occurrence = seen.get(basis) ?? 0;
    seen.set(basis, occurrence + 1);
    const fingerprint = createHash('sha256').update(`${basis}\u0000${occurrence}`).digest('hex').slice(0, 32);
    return {
      type: 'issue',
      description: d.message,
      check_name: d.ruleId,
      fingerprint,
      severity: SEVERITY[d.severity],
      categories: [d.ruleId.startsWith('chs/') ? 'Bug Risk' : 'Security'],
      location: { path: d.file, lines: { begin: d.line, end: d.endLine } },
      content: { body: `[${d.ruleId}](${ruleDocsUrl(d.ruleId)})` },
    };
  });
  return JSON.stringify(issues, null, 2) + '\n';
}
