/**
 * Building the impact report from two directories: the file diff, each kind's section (when
 * its provider exists), the lint delta and the verdict.
 */
import { POLICY_KINDS } from '../core/kinds.js';
import type { PolicyKind } from '../core/kinds.js';
import type { Language } from '../core/language.js';
import type { RuleRegistry } from '../core/registry.js';
import { diffTrees } from './file-diff.js';
import { lintDelta, lintSide } from './lint-delta.js';
import type { ClusterState } from './cluster.js';
import { EventFeed } from './events.js';
import { phaseClock } from '../core/timing.js';
import type { Spent } from '../core/timing.js';
import type { ImpactReport, SectionResult, TestSummary } from './model.js';
import { loadConfig } from '../core/config.js';
import { createRunContext } from '../testing/context.js';
import { runTests } from '../testing/run.js';
import type { ImpactSection } from './section.js';
import { impactSections } from './sections.js';
import { loadTree } from './tree.js';
import { verdictOf } from './verdict.js';

export interface BuildOptions {
  /** Absolute directories of both sides. */
  baseDir: string;
  headDir: string;
  /** How the base is shown in the report. */
  base: { ref?: string; dir?: string };
  /** Recorded events: absolute paths for the providers, display paths for the report. */
  events: readonly { absolute: string; display: string }[];
  snapshot?: { absolute: string; display: string };
  kubeContext?: string;
  /** The cluster's objects (from the snapshot or the context), read by the caller. */
  cluster?: ClusterState;
  languages: readonly Language[];
  registry: RuleRegistry;
  sections?: Partial<Record<PolicyKind, ImpactSection>>;
  /** Called after each phase with the time it took (`CHS_TIMING=1`, the benchmark). */
  onPhase?: (phase: string, spent: Spent) => void;
}

/** The head's policy tests, as `chs test` runs them; undefined when it has none. */
async function headTests(root: string): Promise<TestSummary | undefined> {
  const { config, problems } = loadConfig(root, root);
  if (problems.length > 0) return undefined;
  const run = await runTests({
    cwd: root,
    config,
    paths: [],
    context: createRunContext({ config, cwd: root }),
  });
  if (run.files.length === 0) return undefined;
  const failed = run.results.filter((r) => !r.passed);
  return {
    passed: run.results.length - failed.length,
    failed: failed.length,
    failures: failed.map((r) => ({ file: r.file, name: r.name, message: r.message })),
  };
}

export async function buildImpactReport(options: BuildOptions): Promise<ImpactReport> {
  const providers = options.sections ?? impactSections;
  const tick = phaseClock(options.onPhase);
  const base = loadTree(options.baseDir);
  const head = loadTree(options.headDir);
  const files = diffTrees(base, head);
  tick('read both sides, diff the files');
  const notAnalysed: PolicyKind[] = [];
  const feed = new EventFeed(options.events);
  const running: Promise<SectionResult>[] = [];
  for (const kind of POLICY_KINDS) {
    const changed = files.filter((f) => f.kind === kind);
    if (changed.length === 0) continue;
    const provider = providers[kind];
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
        events: options.events.map((e) => e.absolute),
        feed,
        ...(options.snapshot ? { snapshot: options.snapshot.absolute } : {}),
        ...(options.kubeContext ? { kubeContext: options.kubeContext } : {}),
        ...(options.cluster ? { cluster: options.cluster } : {}),
      }),
    );
  }
  tick('providers: load policies, diff items, cluster');
  const all = Promise.all(running);
  // Awaited below, once the events were read; a provider failing meanwhile is not unhandled.
  all.catch(() => undefined);
  await feed.run();
  tick();
  if (options.onPhase && feed.files.length > 0) {
    const { pass, consumers } = feed.times;
    options.onPhase('events: one pass for every provider', pass);
    let rest = pass.wall;
    for (const [label, wall] of consumers) {
      options.onPhase(`  of which ${label}`, { wall });
      rest -= wall;
    }
    options.onPhase('  of which reading and parsing (the rest)', { wall: rest });
  }
  const sections = await all;
  tick('providers: summarise');
  const baseFindings = await lintSide(options.baseDir, options.languages, options.registry);
  tick('lint the base');
  const headFindings = await lintSide(options.headDir, options.languages, options.registry);
  tick('lint the head');
  const lint = lintDelta(baseFindings, headFindings);
  const tests = await headTests(options.headDir);
  tick("run the head's policy tests");
  return {
    version: 1,
    base: options.base,
    verdict: verdictOf(files, sections, notAnalysed, lint),
    files,
    sections,
    notAnalysed,
    lint,
    ...(tests ? { tests } : {}),
    inputs: {
      events: options.events.map((e) => e.display),
      ...(options.snapshot ? { snapshot: options.snapshot.display } : {}),
      ...(options.kubeContext ? { kubeContext: options.kubeContext } : {}),
    },
  };
}
