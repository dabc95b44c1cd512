/**
 * One fold per policy language, its summary an icon and a one-line impact: the workloads it
 * affects (pod security as a workload × control matrix with one fix per control), the Falco
 * rules' alerts before and after as bars, the changed items one line per profile or policy with
 * the full list folded, and the informational findings gathered in one line.
 */
import type { ImpactFinding, ItemChange, SectionResult } from '../impact/model.js';
import { codeSpan, escapeHtml, escapeText, htmlCode } from './markdown-blocks.js';
import type { MdBlock } from './markdown-blocks.js';
import { LANGUAGE, plural } from './note-first-screen.js';
import { fileRef, lineRef } from './note-links.js';
import type { NoteLinks } from './note-links.js';

export type Severity = 'block' | 'warn' | 'info';

export const SEVERITY_ICON: Record<Severity, string> = { block: '⛔', warn: '⚠️', info: 'ℹ️' };

export function sectionSeverity(section: SectionResult): Severity {
  if (section.impacts.some((i) => i.severity === 'block')) return 'block';
  if (section.impacts.some((i) => i.severity === 'warn')) return 'warn';
  return 'info';
}

/** A table without the columns that are empty or the same on every row (said once above it). */
function compactTable(header: string[], rows: string[][], keep: readonly string[] = []): MdBlock[] {
  const constant: string[] = [];
  const columns = header
    .map((name, i) => ({ name, i }))
    .filter(({ name, i }) => {
      if (keep.includes(name)) return true;
      const values = new Set(rows.map((r) => r[i] ?? ''));
      if (values.size > 1) return true;
      const [only] = values;
      if (only && rows.length > 1) constant.push(`${name}: ${only}`);
      return rows.length === 1 && only !== '' && only !== undefined;
    });
  const blocks: MdBlock[] = [];
  if (constant.length > 0) blocks.push({ type: 'raw', text: constant.join(' · ') });
  blocks.push({
    type: 'table',
    header: columns.map((c) => c.name),
    rows: rows.map((r) => columns.map((c) => r[c.i] ?? '')),
  });
  return blocks;
}

function distinctWorkloads(impacts: readonly ImpactFinding[], severity: Severity): number {
  return new Set(
    impacts
      .filter((i) => i.severity === severity && i.namespace !== undefined)
      .map((i) => `${i.target ?? ''}/${i.namespace}/${i.subject}`),
  ).size;
}

const BLOCK_VERB: Record<string, string> = {
  apparmor: 'denies accesses of',
  seccomp: 'refuses system calls of',
  'pod-security': 'rejects',
};

/** The fold's summary (HTML): icon, title and what the change does, in one line. */
function summaryOf(section: SectionResult): string {
  const parts: string[] = [];
  for (const item of section.items.filter((i) => i.change === 'mode-changed'))
    parts.push(`${htmlCode(item.name)} ${escapeHtml(item.from ?? '?')} → ${escapeHtml(item.to ?? '?')}`);
  const blocked = distinctWorkloads(section.impacts, 'block');
  const warned = distinctWorkloads(section.impacts, 'warn');
  if (blocked > 0) parts.push(`${BLOCK_VERB[section.kind] ?? 'blocks'} ${plural(blocked, 'workload')}`);
  if (warned > 0) parts.push(`warns about ${plural(warned, 'workload')}`);
  if (section.kind === 'falco') {
    const louder = section.impacts.filter((i) => i.severity === 'warn').length;
    if (louder > 0) parts.push(`${plural(louder, 'rule')} ${louder === 1 ? 'alerts' : 'alert'} more`);
  }
  parts.push(`${plural(section.items.length, 'item')} changed`);
  return `${SEVERITY_ICON[sectionSeverity(section)]} ${escapeHtml(section.title)}: ${parts.join('; ')}`;
}

/** Info findings by category, in one line: "no workload uses it: `a`, `b` · never fires ...: `r`". */
function infoLine(impacts: readonly ImpactFinding[]): MdBlock | undefined {
  const byCategory = new Map<string, string[]>();
  for (const i of impacts.filter((i) => i.severity === 'info')) {
    const list = byCategory.get(i.category) ?? [];
    list.push(i.subject);
    byCategory.set(i.category, list);
  }
  if (byCategory.size === 0) return undefined;
  return {
    type: 'raw',
    text: `ℹ️ ${[...byCategory]
      .map(
        ([category, subjects]) => `${escapeText(category)}: ${subjects.map((s) => codeSpan(s)).join(', ')}`,
      )
      .join(' · ')}`,
  };
}

/** The change as one phrase: the detail when there is one, else the change and its values. */
function changeText(item: ItemChange): string {
  if (item.change === 'mode-changed')
    return `**mode ${escapeText(item.from ?? '?')} → ${escapeText(item.to ?? '?')}**`;
  if (item.detail) return escapeText(item.detail);
  if (item.change === 'added' && item.to !== undefined) return escapeText(`added (${item.to})`);
  if (item.from !== undefined || item.to !== undefined)
    return escapeText(
      `${item.change} ${item.from ?? ''}${item.from !== undefined && item.to !== undefined ? ' → ' : ''}${item.to ?? ''}`.trim(),
    );
  return escapeText(item.change);
}

function shortName(item: ItemChange): string {
  const prefix = item.group !== undefined ? `${item.group}: ` : '';
  return prefix && item.name.startsWith(prefix) ? item.name.slice(prefix.length) : item.name;
}

const CHANGE_ORDER = [
  'does-not-load',
  'mode-changed',
  'removed',
  'narrowed',
  'priority-changed',
  'modified',
  'widened',
  'added',
];

function itemRows(items: readonly ItemChange[], links: NoteLinks): string[][] {
  return [...items]
    .sort((a, b) => CHANGE_ORDER.indexOf(a.change) - CHANGE_ORDER.indexOf(b.change))
    .map((item) => [
      codeSpan(shortName(item), true),
      changeText(item),
      escapeText(item.itemType),
      fileRef(links, item.file, undefined, true),
      lineRef(links, item.file, item.line),
    ]);
}

/** "14 allow rules added, 13 deny rules added": how many items each kind of change has. */
function counts(items: readonly ItemChange[]): string {
  const tally = new Map<string, number>();
  for (const item of items) {
    const key = item.detail ?? item.change;
    tally.set(key, (tally.get(key) ?? 0) + 1);
  }
  return [...tally]
    .sort((a, b) => b[1] - a[1])
    .map(([what, n]) => `${n} × ${escapeText(what)}`)
    .join(', ');
}

/** Items grouped by profile or policy: one line each, the full list folded when it is long. */
function itemBlocks(section: SectionResult, links: NoteLinks): MdBlock[] {
  const groups = new Map<
    string,
    { head: ItemChange[]; members: ItemChange[]; file: string; line?: number }
  >();
  const loose: ItemChange[] = [];
  for (const item of section.items) {
    const name =
      item.group ?? (item.itemType === 'profile' || item.itemType === 'policy' ? item.name : undefined);
    if (name === undefined) {
      loose.push(item);
      continue;
    }
    const group = groups.get(name) ?? { head: [], members: [], file: item.file };
    (item.group === undefined ? group.head : group.members).push(item);
    if (item.group === undefined && item.line !== undefined) group.line ??= item.line;
    groups.set(name, group);
  }
  const blocks: MdBlock[] = [];
  const lines: string[] = [];
  const folds: MdBlock[] = [];
  for (const [name, group] of groups) {
    const own = group.head.map(changeText);
    const few = group.members.length <= 3;
    const members = few
      ? group.members.map((m) => `${codeSpan(shortName(m))} ${changeText(m)}`).join('; ')
      : counts(group.members);
    const parts = [...own, members].filter(Boolean);
    const where =
      name === group.file
        ? fileRef(links, name, group.line)
        : `${codeSpan(name)} (${fileRef(links, group.file, group.line)})`;
    lines.push(`- ${where}: ${parts.join('; ')}`);
    if (!few) {
      folds.push({
        type: 'details',
        summary: `All ${group.members.length} changes of ${htmlCode(name)}`,
        children: compactTable(['Item', 'Change', 'Type', 'File', 'Line'], itemRows(group.members, links), [
          'Item',
          'Change',
        ]),
      });
    }
  }
  if (lines.length > 0) blocks.push({ type: 'raw', text: lines.join('\n') });
  blocks.push(...folds);
  if (loose.length > 0)
    blocks.push(
      ...compactTable(['Item', 'Change', 'Type', 'File', 'Line'], itemRows(loose, links), ['Item', 'Change']),
    );
  return blocks;
}

/** Workload findings of AppArmor and seccomp: who, where, how often, what. */
function workloadImpacts(section: SectionResult): MdBlock[] {
  const impacts = section.impacts.filter((i) => i.severity !== 'info');
  if (impacts.length === 0) return [];
  return compactTable(
    ['', 'Workload', 'Target', 'Namespace', 'Profile', 'Recorded', 'Examples'],
    impacts.map((i) => [
      SEVERITY_ICON[i.severity],
      codeSpan(i.subject, true),
      i.target ? escapeText(i.target) : '—',
      i.namespace ? codeSpan(i.namespace, true) : '—',
      i.policy ? codeSpan(i.policy, true) : '—',
      i.count !== undefined ? String(i.count) : '—',
      (i.breaks ?? i.examples ?? []).map((e) => codeSpan(e, true)).join(', '),
    ]),
    ['', 'Workload', 'Examples'],
  );
}

/** A field to set as code: "set `securityContext.runAsNonRoot=true`". */
function fixText(fix: string): string {
  const m = /^(do not )?set (\S+)(.*)$/.exec(fix);
  return m ? `${m[1] ?? ''}set ${codeSpan(m[2] as string)}${escapeText(m[3] ?? '')}` : escapeText(fix);
}

/** A workload's row of the matrix: ✗ under each control it fails. */
function failing(impact: ImpactFinding, controls: readonly { control: string }[]): string[] {
  const failed = new Set((impact.controls ?? []).map((k) => k.control));
  return controls.map((c) => (failed.has(c.control) ? '✗' : ''));
}

/** Pod security: workloads × controls, one fix per control, the admission messages folded. */
function podSecurityBlocks(section: SectionResult): MdBlock[] {
  const impacts = section.impacts.filter((i) => i.severity !== 'info');
  if (impacts.length === 0) return [];
  // Each control once, in the order the impacts first name it (with its first fix and policy).
  const first = new Map<string, { control: string; fix: string; policy: string }>();
  for (const i of impacts)
    for (const c of i.controls ?? [])
      if (!first.has(c.control)) first.set(c.control, { control: c.control, fix: c.fix, policy: c.policy });
  const controls = [...first.values()];
  const blocks = compactTable(
    ['', 'Workload', 'Target', 'Namespace', ...controls.map((c) => codeSpan(c.control, true))],
    impacts.map((i) => [
      SEVERITY_ICON[i.severity],
      codeSpan(i.subject, true),
      i.target ? escapeText(i.target) : '—',
      i.namespace ? codeSpan(i.namespace, true) : '—',
      // Which containers fail is in the admission messages below: the matrix stays narrow.
      ...failing(i, controls),
    ]),
    ['', 'Workload', ...controls.map((c) => codeSpan(c.control, true))],
  );
  blocks.push({
    type: 'raw',
    text: [
      '**How to pass each control**',
      ...controls.map((c) => `- ${codeSpan(c.control)} (${codeSpan(c.policy)}): ${fixText(c.fix)}`),
    ].join('\n'),
  });
  const switched = section.items
    .filter((i) => i.change === 'mode-changed' && i.to === 'block')
    .map((i) => codeSpan(i.name));
  if (switched.length > 0)
    blocks.push({
      type: 'raw',
      text: `Or keep ${switched.join(', ')} in monitor until these workloads pass: they are then only warned about.`,
    });
  blocks.push({
    type: 'details',
    summary: 'Admission messages, as the API server would return them',
    children: [
      { type: 'code', lang: 'text', text: impacts.map((i) => `${i.subject}: ${i.reason}`).join('\n') },
    ],
  });
  return blocks;
}

const BAR_WIDTH = 12;

/** A bar of block characters (they show in every client, e-mail included) and the number. */
function bar(n: number, max: number, full: string): string {
  const width = n === 0 ? 0 : Math.max(1, Math.round((n / Math.max(1, max)) * BAR_WIDTH));
  // A no-break space: the count stays beside its bar in a narrow cell.
  return codeSpan(`${full.repeat(width)}${'·'.repeat(BAR_WIDTH - width)}\u00a0${n}`, true);
}

/** An alert as its time to the second and the fields in its output's parentheses. */
function shortAlert(output: string): string {
  const time = /^(\d\d:\d\d:\d\d)(?:\.\d+)?:?\s*/.exec(output);
  const rest = time ? output.slice(time[0].length) : output;
  const fields = /\((\w[\w.]*=.*)\)\s*$/.exec(rest)?.[1];
  const text = `${time ? `${time[1]} ` : ''}${fields ?? rest.replace(/^[A-Z][a-z]+\s+/, '')}`;
  return text.length > 90 ? `${text.slice(0, 89)}…` : text;
}

function alertCounts(i: ImpactFinding): { before: number; after: number } {
  const m = /^(\d+) alert\(s\) before, (\d+) after/.exec(i.reason);
  return m ? { before: Number(m[1]), after: Number(m[2]) } : { before: 0, after: i.count ?? 0 };
}

/** Falco: each rule whose alerts change, before → after as bars, with two short examples. */
function falcoBlocks(section: SectionResult): MdBlock[] {
  const changed = section.impacts.filter((i) => i.severity !== 'info' || !/never fires/.test(i.category));
  const rows = changed.filter((i) => {
    const { before, after } = alertCounts(i);
    return before !== after || i.severity !== 'info';
  });
  if (rows.length === 0) return [];
  const max = Math.max(...rows.map((i) => Math.max(alertCounts(i).before, alertCounts(i).after)));
  return [
    {
      type: 'table',
      header: ['', 'Rule', 'Alerts before', 'after', 'Examples'],
      rows: rows.map((i) => {
        const { before, after } = alertCounts(i);
        return [
          SEVERITY_ICON[i.severity],
          codeSpan(i.subject, true),
          bar(before, max, '░'),
          bar(after, max, '█'),
          (i.examples ?? [])
            .slice(0, 2)
            .map((e) => codeSpan(shortAlert(e), true))
            .join('<br>'),
        ];
      }),
    },
  ];
}

export function sectionFold(section: SectionResult, links: NoteLinks): MdBlock {
  const children: MdBlock[] = [];
  if (section.kind === 'pod-security') children.push(...podSecurityBlocks(section));
  else if (section.kind === 'falco') children.push(...falcoBlocks(section));
  else children.push(...workloadImpacts(section));
  const info = infoLine(section.impacts);
  if (info) children.push(info);
  if (section.items.length > 0) {
    children.push({ type: 'raw', text: `**Changed in ${escapeText(LANGUAGE[section.kind] ?? section.kind)} policies**` });
    children.push(...itemBlocks(section, links));
  }
  for (const note of section.notes) children.push({ type: 'raw', text: escapeText(note) });
  if (children.length === 0) children.push({ type: 'raw', text: 'No item changed.' });
  return { type: 'details', summary: summaryOf(section), children };
}
