/**
 * Building the impact report from two directories: the file diff, each kind's section (when
 * its provider exists), the lint delta and the verdict.
 */
import type { PolicyKind } from '../core/kinds.js';
import type { LoadedConfig } from '../core/config.js';
import type { SteeringChange } from '../core/steering.js';
import type { PolicyLanguage } from '../languages/language.js';
import type { RuleRegistry } from '../core/registry.js';
import { diffTrees } from './file-diff.js';
import { lintDelta, lintSide } from './lint-delta.js';
import type { ClusterState } from './cluster.js';
import { EventSubjects } from './attribution.js';
import { EventFeed } from './events.js';
import type { EventSource } from './sources/index.js';
import type { ProgressWriter } from './sources/progress.js';
import { phaseClock } from '../core/timing.js';
import type { Spent } from '../core/timing.js';
import type { ImpactReport, SectionResult, TestSummary } from './model.js';
import { loadConfig } from '../core/config.js';
import { UserError } from '../core/errors.js';
import { createRunContext } from '../testing/context.js';
import { runTests } from '../testing/run.js';
import { loadTree } from './tree.js';
import { verdictOf } from './verdict.js';

/**
 * Events the pass gives the sections before the cluster state is there, at most; then it waits
 * for the state. AppArmor and seccomp hold back a few references for each (tens of MB a million).
 */
const MAX_HELD_EVENTS = 1_000_000;

export interface BuildOptions {
  /** Absolute directories of both sides. */
  baseDir: string;
  headDir: string;
  /** How the base is shown in the report. */
  base: { ref?: string; dir?: string };
  /** Where the recorded events come from: files and stores. */
  events: readonly EventSource[];
  /** Standard error, for the progress of long reads (shown when it is a terminal). */
  progress?: ProgressWriter;
  snapshot?: { absolute: string; display: string };
  kubeContext?: string;
  /**
   * The cluster's objects (from the snapshot or the context), read by the caller: a promise while
   * they are read beside the rest (a failure ends the event pass and the preview).
   */
  cluster?: ClusterState | Promise<ClusterState | undefined>;
  /** The languages: what each lints, and the impact section of those that have one. */
  languages: readonly PolicyLanguage[];
  registry: RuleRegistry;
  /** Called after each phase with the time it took (`CHS_TIMING=1`, the benchmark). */
  onPhase?: (phase: string, spent: Spent) => void;
  /**
   * The head's configuration with the base's steering settings (`steeringFromBase`), and the
   * steering changes the head makes, shown as awaiting merge. Absent: each side's own.
   */
  headConfig?: LoadedConfig;
  configurationChanges?: readonly SteeringChange[];
  /** Called between steps; throws to stop the preview (the job's budget, `src/core/budget.ts`). */
  checkpoint?: (where: string) => void;
}

/**
 * The head's policy tests, as `chs test` runs them, with the head's configuration as the preview
 * trusts it (steering settings from the base). Undefined when it has none, or when they cannot run
 * (a test file outside the repository, a broken chs.yaml): lint reports why.
 */
async function headTests(root: string, trusted: LoadedConfig | undefined): Promise<TestSummary | undefined> {
  const { config, problems } = trusted ?? loadConfig(root, root);
  if (problems.length > 0) return undefined;
  let run;
  try {
    run = await runTests({
      cwd: root,
      config,
      paths: [],
      context: createRunContext({ config, cwd: root, trustConfig: trusted !== undefined }),
    });
  } catch (error) {
    if (error instanceof UserError) return undefined;
    throw error;
  }
  if (run.files.length === 0) return undefined;
  const failed = run.results.filter((r) => !r.passed);
  return {
    passed: run.results.length - failed.length,
    failed: failed.length,
    failures: failed.map((r) => ({ file: r.file, name: r.name, message: r.message })),
  };
}

export async function buildImpactReport(options: BuildOptions): Promise<ImpactReport> {
  const tick = phaseClock(options.onPhase);
  const checkpoint = options.checkpoint ?? ((): void => undefined);
  const base = loadTree(options.baseDir, options.languages);
  const head = loadTree(options.headDir, options.languages, options.headConfig);
  checkpoint('reading both sides');
  const files = diffTrees(base, head, options.languages);
  tick('read both sides, diff the files');
  checkpoint('comparing the files');
  const notAnalysed: PolicyKind[] = [];
  const feed = new EventFeed(options.events, options.progress, checkpoint);
  const cluster = options.cluster;
  if (cluster instanceof Promise) {
    // Awaited below (after the sections, which may not need it); the event pass stops at once.
    cluster.catch((error: unknown) => feed.stop(error));
    feed.holdBackUntil(cluster, MAX_HELD_EVENTS);
  }
  const subjects = new EventSubjects();
  const running: Promise<SectionResult>[] = [];
  const changedKinds = options.languages.filter(({ kind }) => files.some((f) => f.kind === kind));
  const providers = await Promise.all(changedKinds.map(async (language) => language.impact?.()));
  for (const [index, { kind }] of changedKinds.entries()) {
    const changed = files.filter((f) => f.kind === kind);
    const provider = providers[index];
    if (!provider) {
      notAnalysed.push(kind);
      continue;
    }
    // Every provider subscribes to the feed while it prepares; the events are then read once.
    running.push(
      provider.analyse({
        base,
        head,
        changed,
        events: options.events.map((e) => e.display),
        feed,
        ...(options.snapshot ? { snapshot: options.snapshot.absolute } : {}),
        ...(options.kubeContext ? { kubeContext: options.kubeContext } : {}),
        ...(cluster ? { cluster } : {}),
        subjects,
      }),
    );
  }
  tick('providers: load policies, diff items, cluster');
  checkpoint('loading the policies of both sides');
  const all = Promise.all(running);
  // Awaited below, once the events were read; a provider failing meanwhile is not unhandled.
  all.catch(() => undefined);
  const eventStats = await feed.run();
  tick();
  if (options.onPhase && feed.sources.length > 0) {
    const { pass, consumers } = feed.times;
    options.onPhase('events: one pass for every provider', pass);
    let rest = pass.wall;
    for (const [label, wall] of consumers) {
      options.onPhase(`  of which ${label}`, { wall });
      rest -= wall;
    }
    // The events held back for the cluster state are judged in this pass when the state comes
    // during it (with pod security's workloads): the rest then holds that work too.
    options.onPhase('  of which the rest: reading, parsing, what waited for the cluster', { wall: rest });
  }
  // Lint and tests need no cluster state: they run while it may still be read.
  const baseFindings = await lintSide(options.baseDir, options.languages, options.registry);
  tick('lint the base');
  const headFindings = await lintSide(
    options.headDir,
    options.languages,
    options.registry,
    options.headConfig,
  );
  tick('lint the head');
  const lint = lintDelta(baseFindings, headFindings);
  const tests = await headTests(options.headDir, options.headConfig);
  tick("run the head's policy tests");
  const sections = await all;
  // A cluster state no section needed still had to be read: its mistakes are the user's to know.
  await cluster;
  tick('providers: summarise');
  return {
    version: 1,
    base: options.base,
    verdict: verdictOf(files, sections, notAnalysed, lint),
    files,
    sections,
    notAnalysed,
    lint,
    ...(options.configurationChanges && options.configurationChanges.length > 0
      ? { configurationChanges: [...options.configurationChanges] }
      : {}),
    ...(tests ? { tests } : {}),
    inputs: {
      events: options.events.map((e) => e.display),
      ...(eventStats.perSource.length > 0 ? { eventCounts: eventStats.perSource.map((s) => s.events) } : {}),
      ...(options.snapshot ? { snapshot: options.snapshot.display } : {}),
      ...(options.kubeContext ? { kubeContext: options.kubeContext } : {}),
    },
  };
}
