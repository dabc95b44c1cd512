/**
 * What a reviewer reads before any fold: whether the change is safe to merge and why, each
 * affected workload once (where, what blocks it, what would break, how to fix it), the mode
 * switches, the head's policy tests and the Falco rules that get noisier.
 */
import type { PolicyKind } from '../core/kinds.js';
import type { ImpactFinding, ImpactReport, ItemChange } from '../impact/model.js';
import { codeSpan, escapeText } from './markdown-blocks.js';
import type { MdBlock } from './markdown-blocks.js';

const ICON: Record<ImpactReport['verdict']['level'], string> = {
  none: '✅',
  info: 'ℹ️',
  warning: '⚠️',
  blocking: '⛔',
};

const VERDICT: Record<ImpactReport['verdict']['level'], string> = {
  none: 'Safe to merge',
  info: 'No known impact',
  warning: 'Review before merging',
  blocking: 'Not safe to merge',
};

/** How a policy language is named in a sentence. */
export const LANGUAGE: Record<PolicyKind, string> = {
  falco: 'Falco',
  apparmor: 'AppArmor',
  seccomp: 'seccomp',
  'pod-security': 'pod security',
};

/** What a block means for the workload, by kind. */
const BREAK_VERB: Record<PolicyKind, string> = {
  falco: 'alerts on',
  apparmor: 'denied',
  seccomp: 'refused',
  'pod-security': 'rejected at admission, fails',
};

export function plural(n: number, one: string, many: string = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** The verdict: safe or not, and why, in one line. */
function verdictLine(report: ImpactReport): string {
  const { level, headline } = report.verdict;
  const why = headline.charAt(0).toLowerCase() + headline.slice(1);
  return `**${ICON[level]} ${VERDICT[level]}: ${escapeText(why)}**`;
}

export interface WorkloadRow {
  severity: 'block' | 'warn';
  target?: string;
  namespace: string;
  subject: string;
  findings: ImpactFinding[];
}

/** Findings about workloads (not rules or profiles), one row per workload, blocked first. */
export function workloadRows(report: ImpactReport): WorkloadRow[] {
  const rows = new Map<string, WorkloadRow>();
  for (const finding of report.sections.flatMap((s) => s.impacts)) {
    if (finding.severity === 'info' || finding.namespace === undefined || finding.kind === 'falco') continue;
    const key = `${finding.target ?? ''}\u0000${finding.namespace}\u0000${finding.subject}`;
    const row = rows.get(key) ?? {
      severity: finding.severity,
      ...(finding.target !== undefined ? { target: finding.target } : {}),
      namespace: finding.namespace,
      subject: finding.subject,
      findings: [],
    };
    if (finding.severity === 'block') row.severity = 'block';
    row.findings.push(finding);
    rows.set(key, row);
  }
  // The sort key of each row made once, not at each comparison.
  const keyed = [...rows.values()].map((row) => ({
    row,
    rank: row.severity === 'block' ? 0 : 1,
    text: `${row.target ?? ''} ${row.namespace} ${row.subject}`,
  }));
  keyed.sort((a, b) => a.rank - b.rank || (a.text < b.text ? -1 : 1));
  return keyed.map((k) => k.row);
}

function policyCell(f: ImpactFinding): string {
  return `${LANGUAGE[f.kind]} ${codeSpan(f.policy ?? f.category, true)}`;
}

function breaksCell(f: ImpactFinding): string {
  // The controls are named in the fix and in the matrix of the pod security fold.
  if (f.controls && f.controls.length > 0)
    return `${f.severity === 'block' ? 'new pods rejected at admission' : 'admitted with a warning'}: ${plural(f.controls.length, 'control')} ${f.controls.length === 1 ? 'fails' : 'fail'}`;
  const breaks = f.breaks ?? f.examples ?? [];
  if (breaks.length === 0) return escapeText(f.category);
  return `${BREAK_VERB[f.kind]} ${breaks.map((b) => codeSpan(b, true)).join(', ')}`;
}

/** A fix as Markdown: the fields to set (`a.b=c`) as code, the rest as text. */
function fixMarkdown(fix: string, inTable = false): string {
  return fix
    .split(/(\b[\w.]+=(?:\[[^\]]*\]|[^\s,;]+))/)
    .map((part, i) => (i % 2 === 1 ? codeSpan(part, inTable) : escapeText(part)))
    .join('');
}

function workloadTable(rows: readonly WorkloadRow[]): MdBlock {
  // Workloads made from one template share their fix: each distinct fix is written once.
  const fixes = new Map<string, string>();
  const fixCell = (fix: string): string => {
    let cell = fixes.get(fix);
    if (cell === undefined) fixes.set(fix, (cell = fixMarkdown(fix, true)));
    return cell;
  };
  return {
    type: 'table',
    header: ['Workload', 'Where', 'Blocked or warned by', 'What would break', 'How to fix it'],
    rows: rows.map((r) => [
      `${r.severity === 'block' ? '⛔' : '⚠️'} ${codeSpan(r.subject, true)}`,
      `${r.target ? `${escapeText(r.target)} · ` : ''}${codeSpan(r.namespace, true)}`,
      r.findings.map(policyCell).join('<br>'),
      r.findings.map(breaksCell).join('<br>'),
      r.findings.map((f) => fixCell(f.fix ?? '')).join('<br>'),
    ]),
  };
}

export function modeSwitches(report: ImpactReport): ItemChange[] {
  return report.sections.flatMap((s) => s.items).filter((i) => i.change === 'mode-changed');
}

function modeLine(switches: readonly ItemChange[]): string {
  return `**Mode switches:** ${switches
    .map(
      (i) =>
        `${LANGUAGE[i.kind]} ${codeSpan(i.name)} ${escapeText(i.from ?? '?')} → **${escapeText(i.to ?? '?')}**`,
    )
    .join(' · ')}`;
}

function testsLine(report: ImpactReport): string {
  const t = report.tests;
  if (!t) return '**Policy tests on the head:** none';
  const head = `**Policy tests on the head:** ${t.failed > 0 ? '❌' : '✅'} ${t.passed} passed, ${t.failed} failed`;
  const shown = t.failures
    .slice(0, 5)
    .map((f) => `${codeSpan(f.name)} (${codeSpan(f.file)}): ${escapeText(f.message)}`);
  const more =
    t.failures.length > shown.length ? [`… ${t.failures.length - shown.length} more in the artifact`] : [];
  return [head, ...[...shown, ...more].map((line) => `- ${line}`)].join('\n');
}

function falcoLine(report: ImpactReport): string | undefined {
  const noisier = report.sections
    .flatMap((s) => s.impacts)
    .filter((i) => i.kind === 'falco' && i.severity === 'warn');
  if (noisier.length === 0) return undefined;
  return `**Falco:** ${noisier
    .map(
      (i) =>
        `${codeSpan(i.subject)} ${escapeText(i.reason.replace(/ alert\(s\) before, /, ' → ').replace(/ after.*$/, ' alerts'))}`,
    )
    .join(' · ')}`;
}

/** The blocks of the first screen, verdict first. */
export function firstScreen(report: ImpactReport): MdBlock[] {
  const blocks: MdBlock[] = [{ type: 'raw', text: verdictLine(report) }];
  const rows = workloadRows(report);
  if (rows.length > 0) {
    const blocked = rows.filter((r) => r.severity === 'block').length;
    const warned = rows.length - blocked;
    const counts = [
      blocked ? `${plural(blocked, 'workload')} blocked` : '',
      warned ? `${plural(warned, 'workload')} warned` : '',
    ]
      .filter(Boolean)
      .join(', ');
    blocks.push({ type: 'raw', text: `${counts}:` });
    blocks.push(workloadTable(rows));
  }
  const lines: string[] = [];
  const switches = modeSwitches(report);
  if (switches.length > 0) lines.push(modeLine(switches));
  const falco = falcoLine(report);
  if (falco) lines.push(falco);
  if (report.files.length > 0) lines.push(testsLine(report));
  // Two trailing spaces would be a hard break: one line per paragraph instead.
  for (const line of lines) blocks.push({ type: 'raw', text: line });
  return blocks;
}
