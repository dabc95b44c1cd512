/** `chs preview`: the impact report of a merge request, written as an artifact and optionally posted as its note. */
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { loadConfig } from '../core/config.js';
import { displayPath, walkFiles } from '../core/discovery.js';
import { EXIT_FINDINGS, EXIT_OK, UserError } from '../core/errors.js';
import { globBase, globToRegExp } from '../core/glob.js';
import { notARegularFile } from '../core/read.js';
import { buildImpactReport } from '../impact/preview.js';
import type { ClusterState } from '../impact/cluster.js';
import { phaseClock, timingLine } from '../core/timing.js';
import type { Spent } from '../core/timing.js';
import type { ImpactReport } from '../impact/model.js';
import { languages, registry } from '../languages/index.js';
import { GITLAB_NOTE_LIMIT, impactMarkdown } from '../report/markdown.js';
import type { ClientOptions } from '../gitlab/client.js';
import type { GitLabSettings } from '../gitlab/settings.js';
import { checkoutBase } from './git-base.js';
import type { CommandContext } from './run.js';

export interface PreviewFlags {
  base?: string;
  baseDir?: string;
  events?: string[];
  snapshot?: string;
  kubeContext?: string;
  format?: 'markdown' | 'json';
  out?: string;
  post?: boolean;
}

/** What tests replace: the environment and the GitLab client's retry settings. */
export interface PreviewDeps {
  env?: Readonly<Record<string, string | undefined>>;
  clientOptions?: ClientOptions;
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
  const what = notARegularFile(stat);
  if (what !== undefined && !(pipes && stat.isFIFO()))
    throw new UserError(`${flag} ${value}: is ${what}; give a file${pipes ? ' or a pipe' : ''}`);
  return { absolute, display: value };
}

/** chs.yaml's preview.events are globs relative to the repository root. */
function configuredEvents(globs: readonly string[], root: string, cwd: string): InputFile[] {
  const out: InputFile[] = [];
  for (const glob of globs) {
    const matcher = globToRegExp(glob);
    for (const file of walkFiles(resolve(root, globBase(glob)), [], cwd)) {
      const rel = relative(root, file).split('\\').join('/');
      if (matcher.test(rel)) out.push({ absolute: file, display: displayPath(file, cwd) });
    }
  }
  return out;
}

function artifactUrl(env: Readonly<Record<string, string | undefined>>, out: string): string | undefined {
  const job = env.CI_JOB_URL;
  if (!job || !/^https?:\/\/[^\s()<>]+$/.test(job)) return undefined;
  return `${job.replace(/\/+$/, '')}/artifacts/file/${encodeURI(out.split('\\').join('/'))}`;
}

/** What the live read lists (read-only): the resources of `SNAPSHOT_KINDS`. */
const READ_ACCESS = 'namespaces, pods, deployments, daemonsets, statefulsets, jobs and cronjobs';

/** The cluster state: the snapshot file, else a live read-only listing through the kube context. */
async function readCluster(
  snapshot: InputFile | undefined,
  kubeContext: string | undefined,
  cwd: string,
): Promise<ClusterState | undefined> {
  if (snapshot) {
    const { readSnapshotFile } = await import('../kube/snapshot.js');
    const { snapshot: state, problems } = readSnapshotFile(snapshot.absolute, snapshot.display);
    const first = problems[0];
    if (first)
      throw new UserError(
        `${first.file}:${first.line}:${first.column}: ${first.message}${problems.length > 1 ? ` (and ${problems.length - 1} more problems)` : ''}`,
      );
    return state;
  }
  if (kubeContext === undefined) return undefined;
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
  const { config } = loadConfig(ctx.cwd, ctx.cwd);
  const events =
    flags.events && flags.events.length > 0
      ? flags.events.map((e) => inputFile(e, ctx.cwd, '--events'))
      : configuredEvents(config.preview.events, config.root, ctx.cwd);
  const snapshotPath =
    flags.snapshot ??
    (config.preview.snapshot === undefined
      ? undefined
      : displayPath(resolve(config.root, config.preview.snapshot), ctx.cwd));
  const snapshot =
    snapshotPath === undefined ? undefined : inputFile(snapshotPath, ctx.cwd, '--snapshot', true);
  const out = flags.out ?? 'chs-preview.md';
  // Settings first: a job without its variables fails before any work is done.
  let gitlab: { settings: GitLabSettings; iid: number } | undefined;
  if (flags.post) {
    const { TOKEN_USES, gitLabSettings, mergeRequestIid } = await import('../gitlab/settings.js');
    gitlab = {
      settings: gitLabSettings(env, TOKEN_USES.note, config.gitlab.tokenVariable),
      iid: mergeRequestIid(env),
    };
  }

  const timer = previewTimer(env, ctx.stderr);
  const cluster = await readCluster(snapshot, flags.kubeContext, ctx.cwd);
  timer?.tick('read the cluster state');

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
    const checkedOut = checkoutBase(ctx.cwd, ref);
    baseDir = checkedOut.dir;
    cleanup = checkedOut.cleanup;
    base = { ref };
  }

  timer?.tick('the base');
  let report: ImpactReport;
  try {
    report = await buildImpactReport({
      baseDir,
      headDir: ctx.cwd,
      base,
      events,
      ...(snapshot ? { snapshot } : {}),
      ...(flags.kubeContext ? { kubeContext: flags.kubeContext } : {}),
      ...(cluster ? { cluster } : {}),
      languages,
      registry,
      ...(timer ? { onPhase: timer.phase } : {}),
    });
  } finally {
    cleanup();
  }
  timer?.tick();

  const url = artifactUrl(env, out);
  const markdown = impactMarkdown(report, { artifact: out, ...(url ? { artifactUrl: url } : {}) });
  const outPath = resolve(ctx.cwd, out);
  try {
    mkdirSync(dirname(outPath), { recursive: true });
    writeFileSync(outPath, markdown);
  } catch (error) {
    throw new UserError(
      `cannot write the report to ${out}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
    );
  }
  ctx.stdout.write(flags.format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : markdown);
  timer?.tick('render and write the report');

  if (gitlab) {
    const { openGitLab } = await import('../gitlab/client.js');
    const { PREVIEW_MARKER, upsertStickyNote } = await import('../gitlab/sticky-note.js');
    const { settings, iid } = gitlab;
    const platform = await openGitLab(settings, {
      ...deps.clientOptions,
      onRetry: ({ method, endpoint, status, waitMs, attempt }) => {
        const what =
          typeof status === 'number' ? `GitLab answered ${status} to` : `cannot reach GitLab (${status}) for`;
        ctx.stderr.write(
          `chs: ${what} ${method} ${endpoint}; retrying in ${Math.ceil(waitMs / 1000)} s (attempt ${attempt + 1})\n`,
        );
      },
    });
    const note = impactMarkdown(report, {
      artifact: out,
      ...(url ? { artifactUrl: url } : {}),
      limit: GITLAB_NOTE_LIMIT - PREVIEW_MARKER.length - 1,
    });
    const result = await upsertStickyNote(platform, iid, note);
    const removed = result.removed.length > 0 ? `; removed ${result.removed.length} duplicate(s)` : '';
    ctx.stderr.write(`chs: merge request !${iid} note ${result.action} (note ${result.noteId})${removed}\n`);
  }
  return report.verdict.level === 'blocking' ? EXIT_FINDINGS : EXIT_OK;
}
