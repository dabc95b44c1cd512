/** `chs preview`: the impact report of a merge request, written as an artifact and optionally posted as its note. */
import { existsSync, statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { printable } from '../core/printable.js';
import { writeArtifact } from '../core/artifact.js';
import { Budget, BudgetExceeded, DEFAULT_TIME_LIMIT_SECONDS, defaultMemoryLimitMiB } from '../core/budget.js';
import type { Meter } from '../core/budget.js';
import { loadConfig } from '../core/config.js';
import type { EventSourceConfig } from '../core/config.js';
import { displayPath } from '../core/discovery.js';
import { OUTSIDE_REASON, Reach } from '../core/reach.js';
import { credentialVariables, protectVariables, secrets } from '../core/secrets.js';
import { steeringFromBase } from '../core/steering.js';
import { EXIT_FINDINGS, EXIT_OK, UserError } from '../core/errors.js';
import { toPosix } from '../core/paths.js';
import { notADataInput, notARegularFile } from '../core/read.js';
import { configuredSources, fileSource } from '../impact/sources/index.js';
import type { EventSource, StoreHttpOptions } from '../impact/sources/index.js';
import { buildImpactReport } from '../impact/preview.js';
import type { ClusterState } from '../impact/cluster.js';
import { phaseClock, timingLine } from '../core/timing.js';
import type { Spent } from '../core/timing.js';
import type { ImpactReport } from '../impact/model.js';
import { languages, registry } from '../languages/index.js';
import { GITLAB_NOTE_LIMIT, markdownReport } from '../report/markdown.js';
import { linksFromEnv } from '../report/note-links.js';
import { impactText } from '../report/preview-text.js';
import { packageVersion } from './version.js';
import type { ClientOptions } from '../gitlab/client.js';
import type { Platform } from '../gitlab/platform.js';
import type { GitLabSettings } from '../gitlab/settings.js';
import { checkoutBase } from './git-base.js';
import type { CommandContext } from './run.js';

export interface PreviewFlags {
  base?: string;
  baseDir?: string;
  events?: string[];
  /** A store to read events from, with its settings as flags (the keys of chs.yaml's entries). */
  eventsFrom?: 'loki' | 'elasticsearch';
  storeUrl?: string;
  storeQuery?: string;
  storeIndex?: string;
  since?: string;
  from?: string;
  to?: string;
  tenant?: string;
  tokenEnv?: string;
  apiKeyEnv?: string;
  userEnv?: string;
  passwordEnv?: string;
  snapshot?: string;
  kubeContext?: string;
  format?: 'text' | 'markdown' | 'json';
  out?: string;
  post?: boolean;
  /** The job's budget: seconds and MiB of resident memory (src/core/budget.ts). */
  timeLimit?: number;
  memoryLimit?: number;
}

/** What tests replace: the environment and the GitLab client's retry settings. */
export interface PreviewDeps {
  env?: Readonly<Record<string, string | undefined>>;
  clientOptions?: ClientOptions;
  /** The clock and memory gauge of the budget. */
  meter?: Meter;
  /** The event stores' retry settings and clock. */
  storeOptions?: Omit<StoreHttpOptions, 'env' | 'onRetry'>;
}

interface InputFile {
  absolute: string;
  display: string;
}

/** A data input named on the command line; `pipes` when it may be a pipe read as a stream. */
function inputFile(value: string, cwd: string, flag: string, pipes = false): InputFile {
  const absolute = isAbsolute(value) ? value : resolve(cwd, value);
  let stat;
  try {
    stat = statSync(absolute);
  } catch {
    throw new UserError(`${flag} ${value}: no such file`);
  }
  const what = pipes ? notADataInput(stat) : notARegularFile(stat);
  if (what !== undefined)
    throw new UserError(`${flag} ${value}: is ${what}; give a file${pipes ? ' or a pipe' : ''}`);
  return { absolute, display: value };
}

/** The store given on the command line (`--events-from`), as the entry chs.yaml would hold. */
function flagStore(flags: PreviewFlags): EventSourceConfig | undefined {
  const storeFlags = [
    flags.storeUrl,
    flags.storeQuery,
    flags.storeIndex,
    flags.since,
    flags.from,
    flags.to,
    flags.tenant,
    flags.tokenEnv,
    flags.apiKeyEnv,
    flags.userEnv,
    flags.passwordEnv,
  ];
  if (flags.eventsFrom === undefined) {
    if (storeFlags.some((f) => f !== undefined))
      throw new UserError(
        '--store-url, --since and the other store flags need --events-from loki|elasticsearch',
      );
    return undefined;
  }
  if (flags.storeUrl === undefined || !/^https?:\/\/\S+$/.test(flags.storeUrl))
    throw new UserError(`--events-from ${flags.eventsFrom} needs --store-url http(s)://host:port`);
  const common = {
    url: flags.storeUrl,
    ...(flags.since !== undefined ? { since: flags.since } : {}),
    ...(flags.from !== undefined ? { from: flags.from } : {}),
    ...(flags.to !== undefined ? { to: flags.to } : {}),
    ...(flags.tokenEnv !== undefined ? { tokenEnv: flags.tokenEnv } : {}),
    ...(flags.apiKeyEnv !== undefined ? { apiKeyEnv: flags.apiKeyEnv } : {}),
    ...(flags.userEnv !== undefined ? { userEnv: flags.userEnv } : {}),
    ...(flags.passwordEnv !== undefined ? { passwordEnv: flags.passwordEnv } : {}),
  };
  if (flags.since === undefined && flags.from === undefined) common.since = '7d';
  if (flags.eventsFrom === 'loki') {
    if (flags.storeIndex !== undefined)
      throw new UserError('--store-index is for --events-from elasticsearch; Loki takes --store-query');
    if (flags.storeQuery === undefined)
      throw new UserError(
        '--events-from loki needs --store-query, a LogQL selector such as \'{source="syscall"}\'',
      );
    return {
      loki: {
        ...common,
        query: flags.storeQuery,
        ...(flags.tenant !== undefined ? { tenant: flags.tenant } : {}),
      },
    };
  }
  if (flags.tenant !== undefined) throw new UserError('--tenant is for --events-from loki');
  if (flags.storeIndex === undefined)
    throw new UserError(
      '--events-from elasticsearch needs --store-index, an index or pattern such as falco-*',
    );
  let query: Record<string, unknown> | undefined;
  if (flags.storeQuery !== undefined) {
    try {
      query = JSON.parse(flags.storeQuery) as Record<string, unknown>;
    } catch {
      query = undefined;
    }
    if (query === undefined || typeof query !== 'object' || Array.isArray(query))
      throw new UserError(
        '--store-query for elasticsearch must be a JSON object of query DSL, such as \'{"term":{"source":"syscall"}}\'',
      );
  }
  return { elasticsearch: { ...common, index: flags.storeIndex, ...(query ? { query } : {}) } };
}

/** The event sources: the command line's when it names any, else chs.yaml's `preview.events`. */
function eventSources(
  flags: PreviewFlags,
  configured: readonly EventSourceConfig[],
  root: string,
  cwd: string,
  http: StoreHttpOptions,
): EventSource[] {
  const store = flagStore(flags);
  const files = (flags.events ?? []).map((e) => inputFile(e, cwd, '--events', true));
  if (files.length === 0 && store === undefined) return configuredSources(configured, root, cwd, http);
  return [
    ...files.map((f) => fileSource(f.absolute, f.display)),
    ...(store ? configuredSources([store], root, cwd, http) : []),
  ];
}

/** A file named by chs.yaml: inside the repository, or a configuration error. */
function repositoryFile(value: string, root: string, cwd: string, setting: string): InputFile {
  const absolute = resolve(root, value);
  if (!new Reach([root]).contains(absolute))
    throw new UserError(`chs.yaml ${setting} '${value}' is ${OUTSIDE_REASON}`);
  return inputFile(displayPath(absolute, cwd), cwd, setting);
}

function artifactUrl(env: Readonly<Record<string, string | undefined>>, out: string): string | undefined {
  const job = env.CI_JOB_URL;
  if (!job || !/^https?:\/\/[^\s()<>]+$/.test(job)) return undefined;
  return `${job.replace(/\/+$/, '')}/artifacts/file/${encodeURI(toPosix(out))}`;
}

/** What the live read lists (read-only): the resources of `SNAPSHOT_KINDS`. */
const READ_ACCESS = 'namespaces, pods, deployments, daemonsets, statefulsets, jobs and cronjobs';

/**
 * The cluster state, read beside the rest of the preview: the snapshot file in a worker thread,
 * else a live read-only listing through the kube context (network waits, on the main thread).
 * `watch` checks the job's budget while the main thread only waits for it.
 */
async function readCluster(
  snapshot: InputFile | undefined,
  kubeContext: string | undefined,
  cwd: string,
  env: Readonly<Record<string, string | undefined>>,
  watch: () => void,
): Promise<{ state: Promise<ClusterState | undefined>; cancel(): void }> {
  if (snapshot) {
    const { readSnapshotBeside } = await import('../impact/snapshot-thread.js');
    return readSnapshotBeside(snapshot, { env, watch });
  }
  if (kubeContext === undefined) return { state: Promise.resolve(undefined), cancel: () => undefined };
  return { state: readLive(kubeContext, cwd), cancel: () => undefined };
}

async function readLive(kubeContext: string, cwd: string): Promise<ClusterState> {
  const { connect, KubeApiError } = await import('../kube/client.js');
  const { readLiveSnapshot } = await import('../kube/snapshot.js');
  const client = await connect({ cwd, context: kubeContext });
  try {
    return await readLiveSnapshot(client);
  } catch (error) {
    const message = (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
    const status = error instanceof KubeApiError ? error.status : undefined;
    const why =
      status === 401
        ? "the API server refused the credentials (401 Unauthorized): renew the token or the agent's kubeconfig"
        : status === 403
          ? `${message} (the preview needs get and list on ${READ_ACCESS} in every namespace)`
          : message;
    throw new UserError(`cluster of context "${kubeContext}": ${why}`);
  }
}

/**
 * The report of a preview stopped over its budget: one verdict line saying which limit, where and
 * what to do; the configuration changes and inputs, as they are known before any analysis.
 */
function stoppedReport(
  error: BudgetExceeded,
  base: ImpactReport['base'],
  inputs: ImpactReport['inputs'],
  changes: ImpactReport['configurationChanges'],
): ImpactReport {
  const flag = error.resource === 'time' ? '--time-limit' : '--memory-limit';
  return {
    version: 1,
    base,
    verdict: {
      level: 'blocking',
      headline: `Preview stopped: ${error.message}. Nothing was measured; if the change is meant to be this large, raise ${flag} in the preview job`,
    },
    files: [],
    sections: [],
    notAnalysed: [],
    lint: { introduced: [], fixed: [], head: { errors: 0, warnings: 0 }, base: { errors: 0, warnings: 0 } },
    ...(changes && changes.length > 0 ? { configurationChanges: changes } : {}),
    stopped: { resource: error.resource, where: error.where, spent: error.spent, limit: error.limit },
    inputs,
  };
}

/**
 * `CHS_TIMING=1`: each phase of the preview and the time it took (wall clock and CPU) on standard
 * error, as the lint's phases are.
 */
function previewTimer(
  env: Readonly<Record<string, string | undefined>>,
  stderr: CommandContext['stderr'],
): { phase: (name: string, spent: Spent) => void; tick: (name?: string) => void } | undefined {
  if (!env.CHS_TIMING) return undefined;
  const phase = (name: string, spent: Spent): void =>
    void stderr.write(timingLine(`preview: ${name}`, spent, 57));
  return { phase, tick: phaseClock(phase) };
}

export async function previewCommand(
  ctx: CommandContext,
  flags: PreviewFlags,
  deps: PreviewDeps = {},
): Promise<number> {
  const env = deps.env ?? process.env;
  if (flags.base !== undefined && flags.baseDir !== undefined)
    throw new UserError('give either --base REF or --base-dir DIR, not both');
  const timer = previewTimer(env, ctx.stderr);
  const budget = new Budget(
    {
      seconds: flags.timeLimit ?? DEFAULT_TIME_LIMIT_SECONDS,
      memoryMiB: flags.memoryLimit ?? defaultMemoryLimitMiB(),
    },
    deps.meter,
  );

  // The base first: what steers credentials, the network and the reading comes from its chs.yaml.
  let baseDir: string;
  let cleanup = (): void => {};
  let base: ImpactReport['base'];
  if (flags.baseDir !== undefined) {
    baseDir = resolve(ctx.cwd, flags.baseDir);
    if (!existsSync(baseDir) || !statSync(baseDir).isDirectory())
      throw new UserError(`--base-dir ${flags.baseDir}: no such directory`);
    base = { dir: flags.baseDir };
  } else {
    const ref = flags.base ?? env.CI_MERGE_REQUEST_DIFF_BASE_SHA;
    if (!ref)
      throw new UserError(
        'no base to compare with: give --base REF or --base-dir DIR (in a merge request pipeline the default is $CI_MERGE_REQUEST_DIFF_BASE_SHA)',
      );
    const checkedOut = checkoutBase(ctx.root, ref);
    baseDir = checkedOut.dir;
    cleanup = checkedOut.cleanup;
    base = { ref };
  }
  try {
    return await previewWithBase(ctx, flags, deps, env, { baseDir, base, timer, budget });
  } finally {
    cleanup();
  }
}

async function previewWithBase(
  ctx: CommandContext,
  flags: PreviewFlags,
  deps: PreviewDeps,
  env: Readonly<Record<string, string | undefined>>,
  side: {
    baseDir: string;
    base: ImpactReport['base'];
    timer: ReturnType<typeof previewTimer>;
    budget: Budget;
  },
): Promise<number> {
  const { baseDir, base, timer, budget } = side;
  const headLoaded = loadConfig(ctx.root, ctx.cwd);
  const baseLoaded = loadConfig(baseDir, baseDir);
  const trusted = steeringFromBase(baseLoaded.config, headLoaded.config);
  const config = trusted.config;
  const headConfig = { config, problems: headLoaded.problems };
  // Every secret the job holds, with the credential variables either side's chs.yaml names.
  protectVariables(env, [
    ...credentialVariables([baseLoaded.config.gitlab, baseLoaded.config.preview.events]),
    ...credentialVariables([headLoaded.config.gitlab, headLoaded.config.preview.events]),
  ]);
  // Store URLs and credential names come from this configuration object only (the base's, by
  // steeringFromBase): the sources never read chs.yaml themselves.
  const events = eventSources(flags, config.preview.events, config.root, ctx.cwd, {
    ...deps.storeOptions,
    env,
    onRetry: (line) => void ctx.stderr.write(`${line}\n`),
  });
  const snapshot =
    flags.snapshot !== undefined
      ? inputFile(flags.snapshot, ctx.cwd, '--snapshot', true)
      : config.preview.snapshot === undefined
        ? undefined
        : repositoryFile(config.preview.snapshot, config.root, ctx.cwd, 'preview.snapshot');
  const out = flags.out ?? 'chs-preview.md';
  // Settings before the work: a job without its variables fails before any work is done.
  let gitlab: { settings: GitLabSettings; iid: number } | undefined;
  if (flags.post) {
    const { TOKEN_USES, gitLabSettings, mergeRequestIid } = await import('../gitlab/settings.js');
    gitlab = {
      settings: gitLabSettings(env, TOKEN_USES.note, config.gitlab.tokenVariable),
      iid: mergeRequestIid(env),
    };
  }
  // With the client open before any output: the project's masked variables are masked too,
  // when the token may list them.
  let platform: Platform | undefined;
  if (gitlab) {
    const { openGitLab } = await import('../gitlab/client.js');
    platform = await openGitLab(gitlab.settings, {
      ...deps.clientOptions,
      onRetry: ({ method, endpoint, status, waitMs, attempt }) => {
        const what =
          typeof status === 'number' ? `GitLab answered ${status} to` : `cannot reach GitLab (${status}) for`;
        ctx.stderr.write(
          `chs: ${what} ${method} ${endpoint}; retrying in ${Math.ceil(waitMs / 1000)} s (attempt ${attempt + 1})\n`,
        );
      },
    });
    protectVariables(env, (await platform.maskedVariables()) ?? []);
  }
  timer?.tick('the base');

  const inputs = {
    events: events.map((e) => e.display),
    ...(snapshot ? { snapshot: snapshot.display } : {}),
    ...(flags.kubeContext ? { kubeContext: flags.kubeContext } : {}),
  };
  // Everything the merge request can make long or large, under the job's budget.
  const analyse = async (): Promise<ImpactReport> => {
    const started = performance.now();
    budget.check('reading the cluster state');
    const reading = await readCluster(snapshot, flags.kubeContext, ctx.cwd, env, () =>
      budget.check('reading the cluster state'),
    );
    const cluster = reading.state.then((state) => {
      timer?.phase('the cluster state, read beside the rest', { wall: performance.now() - started });
      return state;
    });
    // Its failure is the preview's when the preview gets to it; a preview stopped before (its
    // budget, a mistake in the head) leaves it unsaid, not unhandled.
    cluster.catch(() => undefined);
    try {
      return await buildImpactReport({
        baseDir,
        headDir: ctx.root,
        base,
        events,
        progress: ctx.stderr,
        ...(snapshot ? { snapshot } : {}),
        ...(flags.kubeContext ? { kubeContext: flags.kubeContext } : {}),
        cluster,
        languages,
        registry,
        ...(timer ? { onPhase: timer.phase } : {}),
        headConfig,
        configurationChanges: trusted.changes,
        checkpoint: (where) => budget.check(where),
      });
    } finally {
      reading.cancel();
    }
  };
  const built = await analyse().catch((error: unknown) => {
    if (error instanceof BudgetExceeded) return stoppedReport(error, base, inputs, trusted.changes);
    throw error;
  });
  if (built.stopped) ctx.stderr.write(`chs: ${built.verdict.headline}\n`);
  // Masked before it is rendered: escaping (Markdown, JSON) would hide a secret from the final mask.
  const report = secrets.maskDeep(built);
  timer?.tick();

  const url = artifactUrl(env, out);
  const links = linksFromEnv(env, out);
  const noteOptions = {
    artifact: out,
    ...(url ? { artifactUrl: url } : {}),
    links,
    version: packageVersion(),
  };
  // The artifact and the note are read by reviewers: what the head's files say is shown, not obeyed.
  // One rendering for the artifact and the note: the note is the same blocks, cut when too long.
  const rendered = markdownReport(report, noteOptions);
  const markdown = printable(rendered.whole);
  writeArtifact(resolve(ctx.cwd, out), markdown, 'the report', out);
  // The job log shows characters as they are: plain text there, Markdown in the artifact and note.
  ctx.stdout.write(
    flags.format === 'json'
      ? `${JSON.stringify(report, null, 2)}\n`
      : flags.format === 'markdown'
        ? markdown
        : printable(impactText(report, out)),
  );
  timer?.tick('render and write the report');

  if (gitlab && platform) {
    const { PREVIEW_MARKER, upsertStickyNote } = await import('../gitlab/sticky-note.js');
    const { iid } = gitlab;
    const note = rendered.within(GITLAB_NOTE_LIMIT - PREVIEW_MARKER.length - 1);
    const result = await upsertStickyNote(platform, iid, note);
    const removed = result.removed.length > 0 ? `; removed ${result.removed.length} duplicate(s)` : '';
    ctx.stderr.write(`chs: merge request !${iid} note ${result.action} (note ${result.noteId})${removed}\n`);
  }
  return report.verdict.level === 'blocking' ? EXIT_FINDINGS : EXIT_OK;
}
