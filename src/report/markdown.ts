/**
 * The impact report as Markdown for the merge request note: the verdict line first, a summary
 * table, then the details folded in <details>. Every name, path and message from the repository
 * or the cluster goes through escapeText or codeSpan.
 */
import type { FileChange, ImpactFinding, ImpactReport, LintFinding, SectionResult } from '../impact/model.js';
import {
  GITLAB_NOTE_LIMIT,
  codeSpan,
  escapeHtml,
  escapeText,
  htmlCode,
  renderBlocks,
} from './markdown-blocks.js';
import type { MdBlock } from './markdown-blocks.js';

export { GITLAB_NOTE_LIMIT, codeSpan, escapeText } from './markdown-blocks.js';

export interface MarkdownOptions {
  /** Longest output in characters; past it the report is cut and points to the artifact. */
  limit?: number;
  /** The artifact's file name, and where to download it when known (CI_JOB_URL). */
  artifact?: string;
  artifactUrl?: string;
}

const ICON: Record<ImpactReport['verdict']['level'], string> = {
  none: '✅',
  info: 'ℹ️',
  warning: '⚠️',
  blocking: '⛔',
};

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

function plural(n: number, one: string, many: string = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

function summaryTable(report: ImpactReport): MdBlock {
  const rows: string[][] = [];
  const kinds = [...new Set(report.files.map((f) => f.kind))];
  for (const kind of kinds) {
    const files = report.files.filter((f) => f.kind === kind);
    const plus = files.reduce((n, f) => n + f.additions, 0);
    const minus = files.reduce((n, f) => n + f.deletions, 0);
    const section = report.sections.find((s) => s.kind === kind);
    let impact = '—';
    if (section) {
      const block = section.impacts.filter((i) => i.severity === 'block').length;
      const warn = section.impacts.filter((i) => i.severity === 'warn').length;
      impact =
        block + warn === 0
          ? 'none'
          : [block ? `${block} blocking` : '', warn ? `${warn} warning` : ''].filter(Boolean).join(', ');
    } else if (report.notAnalysed.includes(kind as never)) impact = 'not analysed in this version';
    const items = section ? plural(section.items.length, 'item') : '—';
    rows.push([
      escapeText(KIND_TITLE[kind] ?? kind),
      `${plural(files.length, 'file')} (+${plus} −${minus})`,
      items,
      impact,
    ]);
  }
  const { introduced, fixed } = report.lint;
  const errors = introduced.filter((f) => f.severity === 'error').length;
  const warnings = introduced.filter((f) => f.severity === 'warning').length;
  const others = introduced.length - errors - warnings;
  const lintChange =
    introduced.length === 0
      ? 'no new finding'
      : [
          errors ? plural(errors, 'new error') : '',
          warnings ? plural(warnings, 'new warning') : '',
          others ? `${others} new info` : '',
        ]
          .filter(Boolean)
          .join(', ');
  rows.push(['Lint', lintChange, '—', fixed.length > 0 ? `${fixed.length} fixed` : '—']);
  return { type: 'table', header: ['Area', 'Files', 'Items', 'Impact'], rows };
}

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

function impactRows(impacts: readonly ImpactFinding[]): string[][] {
  return impacts.map((i) => [
    i.severity === 'block' ? '⛔ block' : i.severity === 'warn' ? '⚠️ warn' : 'ℹ️ info',
    i.target ? codeSpan(i.target, true) : '—',
    i.namespace ? codeSpan(i.namespace, true) : '—',
    codeSpan(i.subject, true),
    escapeText(i.category),
    escapeText(i.reason) +
      (i.count !== undefined ? ` (${i.count}×)` : '') +
      (i.examples && i.examples.length > 0
        ? `<br>e.g. ${i.examples
            .slice(0, 3)
            .map((e) => codeSpan(e, true))
            .join(', ')}`
        : ''),
  ]);
}

function sectionBlock(section: SectionResult): MdBlock {
  const children: MdBlock[] = [];
  if (section.items.length > 0) {
    children.push({
      type: 'table',
      header: ['Item', 'Type', 'Change', 'File', 'Detail'],
      rows: section.items.map((item) => [
        codeSpan(item.name, true),
        escapeText(item.itemType),
        item.change === 'mode-changed'
          ? `**mode ${escapeText(item.from ?? '?')} → ${escapeText(item.to ?? '?')}**`
          : escapeText(item.change),
        codeSpan(item.file, true),
        escapeText(item.detail ?? ''),
      ]),
    });
  }
  if (section.impacts.length > 0) {
    children.push({
      type: 'table',
      header: ['', 'Target', 'Namespace', 'Subject', 'What', 'Why'],
      rows: impactRows(section.impacts),
    });
  }
  for (const note of section.notes) children.push({ type: 'raw', text: escapeText(note) });
  if (children.length === 0) children.push({ type: 'raw', text: 'No item changed.' });
  const summary = `${escapeHtml(section.title)}: ${plural(section.items.length, 'item')} changed, ${plural(section.impacts.length, 'impact')}`;
  return { type: 'details', summary, children };
}

function lintRows(findings: readonly LintFinding[]): string[][] {
  return findings.map((f) => [
    escapeText(f.severity),
    codeSpan(`${f.file}:${f.line}:${f.column}`, true),
    codeSpan(f.ruleId, true),
    escapeText(f.message),
  ]);
}

function lintBlock(report: ImpactReport): MdBlock | undefined {
  const { introduced, fixed } = report.lint;
  if (introduced.length === 0 && fixed.length === 0) return undefined;
  const children: MdBlock[] = [];
  if (introduced.length > 0) {
    children.push({ type: 'raw', text: '**New findings**' });
    children.push({
      type: 'table',
      header: ['Severity', 'Where', 'Rule', 'Message'],
      rows: lintRows(introduced),
    });
  }
  if (fixed.length > 0) {
    children.push({ type: 'raw', text: '**Fixed findings**' });
    children.push({ type: 'table', header: ['Severity', 'Where', 'Rule', 'Message'], rows: lintRows(fixed) });
  }
  return {
    type: 'details',
    summary: `Lint: ${introduced.length} new, ${fixed.length} fixed`,
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
  return { type: 'details', summary: 'Inputs', children: [{ type: 'raw', text: lines.join('\n') }] };
}

function blocksOf(report: ImpactReport): MdBlock[] {
  const blocks: MdBlock[] = [
    { type: 'raw', text: `**${ICON[report.verdict.level]} ${escapeText(report.verdict.headline)}**` },
    ...configurationBlocks(report),
  ];
  if (report.files.length > 0) blocks.push(summaryTable(report));
  for (const section of report.sections) blocks.push(sectionBlock(section));
  if (report.files.length > 0)
    blocks.push({
      type: 'details',
      summary: `Policy diff: ${plural(report.files.length, 'file')} changed`,
      children: report.files.map(fileBlock),
    });
  const lint = lintBlock(report);
  if (lint) blocks.push(lint);
  blocks.push(inputsBlock(report));
  return blocks;
}

function truncationNotice(options: MarkdownOptions): string {
  const name = options.artifact ?? 'chs-preview.md';
  const where = options.artifactUrl ? `[${escapeText(name)}](${options.artifactUrl})` : codeSpan(name);
  return `---\n**This report was cut to fit GitLab's ${GITLAB_NOTE_LIMIT.toLocaleString('en-US')}-character limit.** The whole report is in the job artifact ${where}.`;
}

export function impactMarkdown(report: ImpactReport, options: MarkdownOptions = {}): string {
  const limit = options.limit ?? Infinity;
  const blocks = blocksOf(report);
  const whole = renderBlocks(blocks);
  if (whole.text.length + 1 <= limit) return `${whole.text}\n`;
  const notice = truncationNotice(options);
  const cut = renderBlocks(blocks, limit - notice.length - 3);
  return `${cut.text}\n\n${notice}\n`;
}
