/**
 * The drift issue's title and body for a target: what is missing, changed (with the diff) and
 * extra. No time stamps or job links: the body changes only when the drift does, so that an
 * unchanged drift leaves the issue alone.
 */
import type { DriftReport } from '../kube/drift.js';
import { maxOf } from '../core/arrays.js';
import { describeRef } from '../kube/objects.js';

/** GitLab's description limit is 1,048,576 characters; leave room for the marker. */
const BODY_LIMIT = 1_000_000;

export function driftIssueTitle(target: string): string {
  return `Drift in target ${target}: the cluster differs from the repository`;
}

function fence(text: string): string {
  const longest = maxOf(
    [...text.matchAll(/`+/g)].map((m) => m[0].length),
    2,
  );
  const ticks = '`'.repeat(longest + 1);
  return `${ticks}diff\n${text.trimEnd()}\n${ticks}`;
}

export function driftIssueBody(report: DriftReport & { context: string }): string {
  const lines: string[] = [
    `\`chs drift\` found that the cluster of target **${report.target}** (kube context \`${report.context}\`) differs from the repository: ${report.missing.length} missing, ${report.changed.length} changed, ${report.extra.length} extra.`,
    '',
    'Run `chs deploy` (or merge a change) to bring the cluster back in line; this issue closes itself once `chs drift --issue` finds no drift.',
  ];
  if (report.missing.length > 0) {
    lines.push('', '### Missing from the cluster', '');
    for (const ref of report.missing) lines.push(`- \`${describeRef(ref)}\``);
  }
  if (report.changed.length > 0) {
    lines.push('', '### Changed in the cluster', '');
    for (const change of report.changed) {
      lines.push(`- \`${describeRef(change.ref)}\``, '', fence(change.diff), '');
    }
  }
  if (report.extra.length > 0) {
    lines.push('', '### In the cluster but no longer in the repository', '');
    for (const ref of report.extra) lines.push(`- \`${describeRef(ref)}\``);
  }
  const body = `${lines.join('\n').trimEnd()}\n`;
  if (body.length <= BODY_LIMIT) return body;
  return `${body.slice(0, BODY_LIMIT)}\n\n… (cut: the full report is in the job log of \`chs drift\`)\n`;
}
