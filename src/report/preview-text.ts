/**
 * The impact report for the job log: plain text, no Markdown (the log shows every character as
 * it is). The first screen of the note in lines, one line per fold, and where the note is.
 */
import type { ImpactReport } from '../impact/model.js';
import { LANGUAGE, modeSwitches, plural, workloadRows } from './note-first-screen.js';

const LEVEL: Record<ImpactReport['verdict']['level'], string> = {
  none: 'safe to merge',
  info: 'safe to merge',
  warning: 'review before merging',
  blocking: 'NOT SAFE TO MERGE',
};

/** Control and other invisible characters out, one line: names come from the repository and the cluster. */
function flat(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f\u200b-\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]+/g, ' ');
}

export function impactText(report: ImpactReport, artifact: string): string {
  const lines: string[] = [`${LEVEL[report.verdict.level]}: ${flat(report.verdict.headline)}`];
  const rows = workloadRows(report);
  if (rows.length > 0) lines.push('', `Workloads (${rows.length}):`);
  for (const row of rows) {
    lines.push(
      `  ${row.severity === 'block' ? 'blocked' : 'warned'}  ${flat(row.subject)} (${row.target ? `${flat(row.target)}, ` : ''}namespace ${flat(row.namespace)})`,
    );
    for (const f of row.findings) {
      lines.push(
        `      by ${LANGUAGE[f.kind]} ${flat(f.policy ?? f.category)}: ${flat((f.breaks ?? f.examples ?? []).join(', '))}`,
      );
      if (f.fix) lines.push(`      fix: ${flat(f.fix)}`);
    }
  }
  const switches = modeSwitches(report);
  if (switches.length > 0)
    lines.push(
      '',
      `Mode switches: ${switches.map((i) => `${LANGUAGE[i.kind]} ${flat(i.name)} ${i.from ?? '?'} -> ${i.to ?? '?'}`).join('; ')}`,
    );
  if (report.tests) {
    lines.push(`Policy tests on the head: ${report.tests.passed} passed, ${report.tests.failed} failed`);
    for (const f of report.tests.failures)
      lines.push(`  failed: ${flat(f.file)}: ${flat(f.name)}: ${flat(f.message)}`);
  }
  for (const section of report.sections) {
    const counts = ['block', 'warn', 'info'].map(
      (s) => section.impacts.filter((i) => i.severity === s).length,
    );
    lines.push(
      `${section.title}: ${plural(section.items.length, 'item')} changed; ${counts[0]} blocking, ${counts[1]} warning, ${counts[2]} info finding(s)`,
    );
  }
  const { introduced, fixed } = report.lint;
  lines.push(`Lint: ${introduced.length} new, ${fixed.length} fixed finding(s)`);
  lines.push('', `The whole report (Markdown, as the merge request note shows it): ${artifact}`);
  return `${lines.join('\n')}\n`;
}
