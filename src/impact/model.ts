/**
 * The impact report: what a policy change does, as data. `src/report/markdown.ts` renders it for
 * the merge request note; `--format json` prints it as is.
 */
import type { Severity } from '../core/diagnostic.js';
import type { PolicyKind } from '../core/kinds.js';
import type { SteeringChange } from '../core/steering.js';

export type FileKind = PolicyKind | 'tests' | 'config';

export interface FileChange {
  /** Relative to the repository root, `/`-separated. */
  path: string;
  kind: FileKind;
  change: 'added' | 'removed' | 'modified';
  additions: number;
  deletions: number;
  /** Unified diff hunks (no file headers); empty when the file could not be compared as text. */
  diff: string;
  /** Why there is no diff (binary, unreadable, too large to compare). */
  note?: string;
}

/** An item-level change, classified as the falcosecurity/rules `compare` checker does. */
export interface ItemChange {
  kind: PolicyKind;
  file: string;
  /** rule, macro, list, profile, profile rule, seccomp group, control, ... */
  itemType: string;
  name: string;
  change: 'added' | 'removed' | 'widened' | 'narrowed' | 'modified' | 'mode-changed' | 'priority-changed';
  /** e.g. the old and the new mode, priority or action. */
  from?: string;
  to?: string;
  detail?: string;
}

/** Something the change does to the cluster or to recorded activity. */
export interface ImpactFinding {
  kind: PolicyKind;
  /** block: workloads rejected, containers failing or accesses denied; warn: alerts, warnings. */
  severity: 'block' | 'warn' | 'info';
  /** A short category such as "rejected by admission" or "new alerts". */
  category: string;
  target?: string;
  namespace?: string;
  /** The workload, profile or rule concerned (as named in the cluster or the repository). */
  subject: string;
  reason: string;
  count?: number;
  examples?: string[];
}

/** What one policy language contributes: its item diff and its impact. */
export interface SectionResult {
  kind: PolicyKind;
  title: string;
  items: ItemChange[];
  impacts: ImpactFinding[];
  /** Plain remarks for the reader (inputs that were missing, limits applied). */
  notes: string[];
}

export interface LintFinding {
  file: string;
  line: number;
  column: number;
  severity: Severity;
  ruleId: string;
  message: string;
}

export interface LintDelta {
  /** Findings of the head that the base does not have. */
  introduced: LintFinding[];
  /** Findings of the base that the head no longer has. */
  fixed: LintFinding[];
  head: { errors: number; warnings: number };
  base: { errors: number; warnings: number };
}

export interface Verdict {
  level: 'none' | 'info' | 'warning' | 'blocking';
  /** One line, first in the note: "No policy change", "Blocks 3 workloads in production", ... */
  headline: string;
}

export interface ImpactReport {
  version: 1;
  /** The base as given: a git ref, or a directory (as the user wrote it). */
  base: { ref?: string; dir?: string };
  verdict: Verdict;
  files: FileChange[];
  sections: SectionResult[];
  /** Kinds whose files changed but whose item diff and impact this version cannot compute. */
  notAnalysed: PolicyKind[];
  lint: LintDelta;
  /**
   * Settings that steer credentials, the network or what the job reads, changed by the head: the
   * preview used the base's values; they take effect once merged.
   */
  configurationChanges?: SteeringChange[];
  /** Set when the preview stopped over its time or memory budget: nothing else was measured. */
  stopped?: { resource: 'time' | 'memory'; where: string; spent: string; limit: string };
  inputs: {
    /** The event sources: file paths, or a store's URL with its query or index. */
    events: string[];
    /** Events read from each source, in the same order (when the events were read). */
    eventCounts?: number[];
    snapshot?: string;
    kubeContext?: string;
  };
}
