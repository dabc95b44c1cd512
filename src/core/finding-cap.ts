/**
 * At most `limit` findings of one rule in one file are kept; the rest are counted and come back as
 * one `chs/more-findings` finding each (as a compiler stops listing errors). A 5 MB seccomp profile
 * of 750,000 unknown names made 750,000 findings that took 1.4 GB; memory now follows the input.
 */
import type { Severity } from './diagnostic.js';
import type { Finding } from './rule.js';
import { moreFindings } from './rules.js';

export const MAX_FINDINGS_PER_RULE = 1000;

interface Count {
  kept: number;
  dropped: number;
  /** The first finding not kept: where the summary points, and its severity. */
  first?: Finding;
}

export class FindingCap {
  /** By file, then by rule id: no key is built per finding (750,000 of one rule in one file). */
  private readonly counts = new Map<string, Map<string, Count>>();

  constructor(private readonly limit = MAX_FINDINGS_PER_RULE) {}

  /** Whether the finding is kept; counts it either way. */
  admit(finding: Finding): boolean {
    let byRule = this.counts.get(finding.file);
    if (!byRule) this.counts.set(finding.file, (byRule = new Map<string, Count>()));
    let count = byRule.get(finding.rule.meta.id);
    if (!count) byRule.set(finding.rule.meta.id, (count = { kept: 0, dropped: 0 }));
    if (count.kept < this.limit) {
      count.kept++;
      return true;
    }
    if (count.dropped++ === 0) count.first = finding;
    return false;
  }

  /** One finding per rule and file that went past the limit, `severity` giving each one's. */
  summaries(severity: (finding: Finding) => Severity): Finding[] {
    const out: Finding[] = [];
    for (const { dropped, first } of [...this.counts.values()].flatMap((byRule) => [...byRule.values()])) {
      if (!first) continue;
      out.push({
        rule: moreFindings,
        messageId: 'more',
        data: {
          count: dropped.toLocaleString('en-US'),
          rule: first.rule.meta.id,
          limit: this.limit.toLocaleString('en-US'),
        },
        file: first.file,
        severity: severity(first),
        ...(first.range ? { range: first.range } : {}),
      });
    }
    return out;
  }
}
