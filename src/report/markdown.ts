/**
 * The impact report as Markdown for the merge request note: the first screen (verdict, each
 * affected workload once with its fix, mode switches, tests), then the folds by severity, the
 * diff, the inputs and a footer. Every name, path and message from the repository or the cluster
 * goes through escapeText or codeSpan.
 */
import { ruleDocsUrl } from '../core/rule-docs.js';
import type { FileChange, ImpactReport, LintFinding } from '../impact/model.js';
import {
  GITLAB_NOTE_LIMIT,
  codeSpan,
  escapeHtml,
  escapeText,
  htmlCode,
  renderBlocks,
} from './markdown-blocks.js';
import type { MdBlock } from './markdown-blocks.js';
import { firstScreen, plural } from './note-first-screen.js';
import { fileRef } from './note-links.js';
import type { NoteLinks } from './note-links.js';
import { SEVERITY_ICON, sectionFold, sectionSeverity } from './note-sections.js';
import type { Severity } from './note-sections.js';

export { GITLAB_NOTE_LIMIT } from './markdown-blocks.js';

export interface MarkdownOptions {
  /** Longest output in characters; past it the report is cut and points to the artifact. */
  limit?: number;
  /** The artifact's file name, and where to download it when known (CI_JOB_URL). */
  artifact?: string;
  artifactUrl?: string;
  /** Links to files, the job and the artifact (in CI). */
  links?: NoteLinks;
  /** chs's version, for the footer. */
  version?: string;
}

const KIND_TITLE: Record<string, string> = {
  falco: 'Falco rules',
  apparmor: 'AppArmor profiles',
  seccomp: 'seccomp profiles',
  'pod-security': 'Pod security policies',
  tests: 'Policy tests',
  config: 'Configuration',
};

/** Diffs longer than this many lines are cut in the note (the artifact has them whole). */
const MAX_DIFF_LINES = 400;

function fileBlock(file: FileChange): MdBlock {
  const counts = file.note ? escapeHtml(file.note) : `+${file.additions} −${file.deletions}`;
  const summary = `${htmlCode(file.path)} ${file.change} (${counts})`;
  if (file.diff === '')
    return {
      type: 'details',
      summary,
      children: [{ type: 'raw', text: escapeText(file.note ?? 'no textual change') }],
    };
  const lines = file.diff.split('\n');
  const shown =
    lines.length > MAX_DIFF_LINES
      ? `${lines.slice(0, MAX_DIFF_LINES).join('\n')}\n… ${lines.length - MAX_DIFF_LINES} more lines in the artifact`
      : file.diff;
  return { type: 'details', summary, children: [{ type: 'code', lang: 'diff', text: shown }] };
}

const LINT_ICON: Record<string, string> = { error: '⛔', warning: '⚠️', info: 'ℹ️' };

function lintRows(findings: readonly LintFinding[], links: NoteLinks): string[][] {
  return findings.map((f) => {
    const docs = ruleDocsUrl(f.ruleId);
    return [
      `${LINT_ICON[f.severity] ?? ''} ${escapeText(f.severity)}`,
      fileRef(links, f.file, f.line, true),
      docs ? `[${codeSpan(f.ruleId, true)}](${docs})` : codeSpan(f.ruleId, true),
      escapeText(f.message),
    ];
  });
}

function lintCounts(report: ImpactReport): string {
  const { introduced, fixed } = report.lint;
  const by = (severity: string): number => introduced.filter((f) => f.severity === severity).length;
  const parts = [
    by('error') ? plural(by('error'), 'new error') : '',
    by('warning') ? plural(by('warning'), 'new warning') : '',
    by('info') ? `${by('info')} new info` : '',
    introduced.length === 0 ? 'nothing new' : '',
    fixed.length > 0 ? `${fixed.length} fixed` : '',
  ];
  return parts.filter(Boolean).join(', ');
}

function lintSeverity(report: ImpactReport): Severity {
  const { introduced } = report.lint;
  if (introduced.some((f) => f.severity === 'error')) return 'block';
  if (introduced.some((f) => f.severity === 'warning')) return 'warn';
  return 'info';
}

function lintBlock(report: ImpactReport, links: NoteLinks): MdBlock | undefined {
  const { introduced, fixed } = report.lint;
  if (introduced.length === 0 && fixed.length === 0) return undefined;
  const children: MdBlock[] = [];
  if (introduced.length > 0) {
    children.push({ type: 'raw', text: '**New findings**' });
    children.push({
      type: 'table',
      header: ['Severity', 'Where', 'Rule', 'Message'],
      rows: lintRows(introduced, links),
    });
  }
  if (fixed.length > 0) {
    children.push({ type: 'raw', text: '**Fixed findings**' });
    children.push({
      type: 'table',
      header: ['Severity', 'Where', 'Rule', 'Message'],
      rows: lintRows(fixed, links),
    });
  }
  return {
    type: 'details',
    summary: `${SEVERITY_ICON[lintSeverity(report)]} Lint: ${lintCounts(report)}`,
    children,
  };
}

/** Steering settings the head changes: shown, never used (src/core/steering.ts). */
function configurationBlocks(report: ImpactReport): MdBlock[] {
  const changes = report.configurationChanges ?? [];
  if (changes.length === 0) return [];
  return [
    {
      type: 'raw',
      text: `**🔒 ${plural(changes.length, 'configuration change')} awaiting merge.** This merge request changes chs.yaml settings that steer credentials, the network or what the job reads. This preview used the target branch's values; the new ones take effect once the change is merged.`,
    },
    {
      type: 'table',
      header: ['Setting', 'In force (target branch)', 'This merge request'],
      rows: changes.map((c) => [
        codeSpan(c.setting, true),
        c.base === undefined ? 'not set' : codeSpan(c.base, true),
        c.head === undefined ? 'not set' : codeSpan(c.head, true),
      ]),
    },
  ];
}

function countOf(events: number | undefined): string {
  return events === undefined ? '' : ` (${events.toLocaleString('en-US')} event${events === 1 ? '' : 's'})`;
}

function inputsBlock(report: ImpactReport): MdBlock {
  const lines: string[] = [];
  const base = report.base.ref
    ? `git ${codeSpan(report.base.ref)}`
    : `directory ${codeSpan(report.base.dir ?? '?')}`;
  lines.push(`- Base: ${base}`);
  lines.push(
    `- Recorded events: ${report.inputs.events.length === 0 ? 'none' : report.inputs.events.map((e, i) => `${codeSpan(e)}${countOf(report.inputs.eventCounts?.[i])}`).join(', ')}`,
  );
  lines.push(
    `- Cluster: ${report.inputs.snapshot ? `snapshot ${codeSpan(report.inputs.snapshot)}` : report.inputs.kubeContext ? `context ${codeSpan(report.inputs.kubeContext)}` : 'none'}`,
  );
  if (report.notAnalysed.length > 0)
    lines.push(
      `- Not analysed in this version (file diff and lint only): ${report.notAnalysed.map((k) => escapeText(KIND_TITLE[k] ?? k)).join(', ')}`,
    );
  return { type: 'details', summary: '📥 Inputs', children: [{ type: 'raw', text: lines.join('\n') }] };
}

function footer(report: ImpactReport, options: MarkdownOptions): MdBlock {
  const links = options.links ?? {};
  const parts = [`chs ${escapeText(options.version ?? '')}`.trim()];
  if (links.commit) {
    const short = codeSpan(links.commit.slice(0, 12));
    parts.push(`head ${links.project ? `[${short}](${links.project}/-/commit/${links.commit})` : short}`);
  }
  parts.push(
    `base ${report.base.ref ? codeSpan(report.base.ref.slice(0, 12)) : codeSpan(report.base.dir ?? '?')}`,
  );
  if (links.job) parts.push(`[job](${links.job})`);
  if (options.artifactUrl) parts.push(`[full report](${options.artifactUrl})`);
  return { type: 'raw', text: `<sub>${parts.join(' · ')}</sub>` };
}

function diffFold(report: ImpactReport): MdBlock {
  const plus = report.files.reduce((n, f) => n + f.additions, 0);
  const minus = report.files.reduce((n, f) => n + f.deletions, 0);
  return {
    type: 'details',
    summary: `📝 Policy diff: ${plural(report.files.length, 'file')} changed (+${plus} −${minus})`,
    children: report.files.map(fileBlock),
  };
}

const RANK: Record<Severity, number> = { block: 0, warn: 1, info: 2 };

function blocksOf(report: ImpactReport, options: MarkdownOptions): MdBlock[] {
  const links = options.links ?? {};
  // A configuration change of the head that awaits merge is shown on the first screen, before the folds.
  const blocks: MdBlock[] = [...firstScreen(report), ...configurationBlocks(report)];
  const folds: { severity: Severity; block: MdBlock }[] = report.sections.map((section) => ({
    severity: sectionSeverity(section),
    block: sectionFold(section, links),
  }));
  const lint = lintBlock(report, links);
  if (lint) folds.push({ severity: lintSeverity(report), block: lint });
  // Sorted by severity; the order of the languages within one severity is kept.
  folds.sort((a, b) => RANK[a.severity] - RANK[b.severity]);
  blocks.push(...folds.map((f) => f.block));
  if (report.files.length > 0) blocks.push(diffFold(report));
  blocks.push(inputsBlock(report));
  blocks.push(footer(report, options));
  return blocks;
}

function truncationNotice(options: MarkdownOptions): string {
  const name = options.artifact ?? 'chs-preview.md';
  const where = options.artifactUrl ? `[${escapeText(name)}](${options.artifactUrl})` : codeSpan(name);
  return `---\n**This report was cut to fit GitLab's ${GITLAB_NOTE_LIMIT.toLocaleString('en-US')}-character limit.** The whole report is in the job artifact ${where}.`;
}

/** The report as Markdown: whole (the artifact), and cut to a limit (the note) from the same blocks. */
export interface MarkdownReport {
  whole: string;
  within(limit: number): string;
}

export function markdownReport(report: ImpactReport, options: MarkdownOptions = {}): MarkdownReport {
  const blocks = blocksOf(report, options);
  const whole = `${renderBlocks(blocks).text}\n`;
  return {
    whole,
    within(limit) {
      if (whole.length <= limit) return whole;
      const notice = truncationNotice(options);
      const cut = renderBlocks(blocks, limit - notice.length - 3);
      return `${cut.text}\n\n${notice}\n`;
    },
  };
}

export function impactMarkdown(report: ImpactReport, options: MarkdownOptions = {}): string {
  const rendered = markdownReport(report, options);
  return options.limit === undefined ? rendered.whole : rendered.within(options.limit);
}
