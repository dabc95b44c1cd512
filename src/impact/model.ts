/**
 * The impact report: what a policy change does, as data. `src/report/markdown.ts` renders it for
 * the merge request note; `--format json` prints it as is.
 */
import type { Severity } from '../core/diagnostic.js';
import type { PolicyKind } from '../core/kinds.js';
import type { SteeringChange } from '../core/steering.js';

/** A policy kind, `tests` or `config` (PolicyKind is any string: the languages list is open). */
export type FileKind = PolicyKind;

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
  /** `does-not-load`: the head's policy is one its runtime refuses; it is evaluated nowhere. */
  change:
    | 'added'
    | 'removed'
    | 'widened'
    | 'narrowed'
    | 'modified'
    | 'mode-changed'
    | 'priority-changed'
    | 'does-not-load';
  /** e.g. the old and the new mode, priority or action. */
  from?: string;
  to?: string;
  detail?: string;
  /** The profile or policy a rule, call group or control belongs to. */
  group?: string;
  /** 1-based line of the item in `file`, when known (for links to the file). */
  line?: number;
}

/** A pod security control that a workload fails, and what to set to pass it. */
export interface FailedControl {
  /** `runAsNonRoot`, `capabilities`, or a level's check id. */
  control: string;
  /** The policy that has the control. */
  policy: string;
  /** The containers concerned (empty when the pod as a whole is). */
  containers: string[];
  /** What to change, as an instruction ("set securityContext.runAsNonRoot=true"). */
  fix: string;
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
  /** The policy that blocks or warns (a profile, policy or rule as the repository names it). */
  policy?: string;
  /** What would break, short phrases: a recorded access, a system call, a failed control. */
  breaks?: string[];
  /** How to fix it, one instruction. */
  fix?: string;
  /** Pod security: the controls the workload fails. */
  controls?: FailedControl[];
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

/** The policy tests of the head, run by the preview. */
export interface TestSummary {
  passed: number;
  failed: number;
  /** The failed cases. */
  failures: { file: string; name: string; message: string }[];
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
  /** The head's policy tests (absent when the head has none). */
  tests?: TestSummary;
  inputs: {
    /** The event sources: file paths, or a store's URL with its query or index. */
    events: string[];
    /** Events read from each source, in the same order (when the events were read). */
    eventCounts?: number[];
    snapshot?: string;
    kubeContext?: string;
  };
}
