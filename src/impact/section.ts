/**
 * The extension point of the preview: one `ImpactSection` per policy kind computes that kind's
 * item-level diff (rules, macros, profiles, controls...) and its impact on the cluster and on
 * recorded events. A language brings its own (`PolicyLanguage.impact`); kinds without one are
 * reported as not analysed, never guessed.
 */
import type { Config } from '../core/config.js';
import type { PolicyKind } from '../core/kinds.js';
import type { EventSubjects } from './attribution.js';
import type { ClusterState } from './cluster.js';
import type { EventFeed } from './events.js';
import type { FileChange, SectionResult } from './model.js';

/** One side of the comparison: a directory and its policy files by kind. */
export interface PolicyTree {
  /** Absolute directory. */
  root: string;
  config: Config;
  /** Relative paths (`/`-separated) of the policy files of each kind, in load order. */
  files: ReadonlyMap<PolicyKind, readonly string[]>;
  /** A file's text by relative path (undefined when absent or unreadable). */
  read(path: string): string | undefined;
}

export interface ImpactInputs {
  base: PolicyTree;
  head: PolicyTree;
  /** The changed files of this section's kind. */
  changed: readonly FileChange[];
  /** How the event sources are named (files and stores); empty when no events were given. */
  events: readonly string[];
  /**
   * The recorded events, streamed once for all sections: subscribe while preparing, before the
   * first `await` of `analyse` (the preview starts the stream once every section was called).
   */
  feed: EventFeed;
  /** Absolute path of a cluster snapshot (kubectl get ... -o yaml). */
  snapshot?: string;
  /** A kube context to read the live cluster from (read-only). */
  kubeContext?: string;
  /**
   * The cluster's objects, read by the CLI from the snapshot or the context: a promise while they
   * are read beside the event pass (await it after subscribing to the feed; events that need it
   * are held back meanwhile: `HeldBack`).
   */
  cluster?: ClusterState | Promise<ClusterState | undefined>;
  /** The pods events name, shared by the sections that attribute events to workloads. */
  subjects?: EventSubjects;
}

export interface ImpactSection {
  kind: PolicyKind;
  title: string;
  analyse(inputs: ImpactInputs): Promise<SectionResult>;
}
