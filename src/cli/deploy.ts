/**
 * `chs deploy`: the approval gate, then the rendered objects to each target, by server-side apply
 * (`--via apply`) or committed to the cluster management project (`--via cluster-management-project`,
 * the default when chs.yaml names one).
 */
import type { Config, TargetConfig } from '../core/config.js';
import { EXIT_FINDINGS, EXIT_OK, UserError } from '../core/errors.js';
import type { ClientOptions } from '../gitlab/client.js';
import type { Platform } from '../gitlab/platform.js';
import type { Env, GitLabSettings, TokenUseName } from '../gitlab/settings.js';
import type { DeployResult, Step } from '../kube/deploy.js';
import { describeRef } from '../kube/objects.js';
import type { RenderedTarget } from '../render/index.js';
import { selectTargets } from '../render/index.js';
import { connectTarget, renderSelected, unreachable } from './kube-target.js';
import type { KubeFlags } from './kube-target.js';
import { passesLint } from './lint-gate.js';
import { loadRepositoryConfig } from './repository.js';
import type { CommandContext } from './run.js';
import { packageVersion } from './version.js';

interface DeployFlags extends KubeFlags {
  dryRun?: boolean;
  via?: 'apply' | 'cluster-management-project';
  prune?: boolean;
  forceConflicts?: boolean;
  requireApproval?: boolean;
  allowLintErrors?: boolean;
}

/** What tests replace: the environment and the GitLab client's retry settings. */
export interface DeployDeps {
  env?: Env;
  clientOptions?: ClientOptions;
}

type Via = 'apply' | 'cluster-management-project';

const DONE: Record<Step['action'], string> = {
  create: 'created',
  update: 'configured',
  unchanged: 'unchanged',
  delete: 'pruned',
};
const WOULD: Record<Step['action'], string> = {
  create: 'would be created',
  update: 'would be configured',
  unchanged: 'unchanged',
  delete: 'would be pruned',
};

export async function deployCommand(
  ctx: CommandContext,
  flags: DeployFlags,
  deps: DeployDeps = {},
): Promise<number> {
  const env = deps.env ?? process.env;
  const config = loadRepositoryConfig(ctx);
  // A pipeline run with the variable set (as the drift issue says) is the flag given.
  if (flags.forceConflicts !== true && forceFromEnv(env)) {
    flags = { ...flags, forceConflicts: true };
    ctx.stderr.write('chs: CHS_FORCE_CONFLICTS=true: fields that other field managers own are taken over\n');
  }
  const via = (target: TargetConfig): Via =>
    flags.via ?? target.via ?? (config.clusterManagementProject ? 'cluster-management-project' : 'apply');
  const throughCmp = selectTargets(config, flags.target).filter(
    (t) => via(t) === 'cluster-management-project',
  );
  if (throughCmp.length > 0 && !config.clusterManagementProject)
    throw new UserError(
      `target ${throughCmp[0]?.name ?? ''} deploys through the cluster management project, but ${config.source?.path ?? 'chs.yaml'} names none: add clusterManagementProject: {project: group/cluster-management}, or use --via apply`,
    );
  if (throughCmp.length > 1)
    throw new UserError(
      `targets ${throughCmp.map((t) => t.name).join(', ')} all deploy through the one cluster management project, which manages one cluster: deploy one with --target, or set via: apply on the others`,
    );
  if (!(await passesLint(ctx, config, flags.allowLintErrors === true, 'deployed'))) return EXIT_FINDINGS;
  const rendered = renderSelected(ctx, config, flags);
  if (rendered === null) {
    ctx.stderr.write('chs: nothing deployed: fix the policy files first (chs lint)\n');
    return EXIT_FINDINGS;
  }

  const openPlatform = async (projectId: string, use: TokenUseName): Promise<Platform> => {
    const { TOKEN_USES, gitLabSettings } = await import('../gitlab/settings.js');
    const { openGitLab } = await import('../gitlab/client.js');
    const settings: GitLabSettings = gitLabSettings(env, TOKEN_USES[use], config.gitlab.tokenVariable);
    return openGitLab({ ...settings, projectId }, { ...deps.clientOptions, onRetry: retryLine(ctx) });
  };

  if (!(await gate(ctx, env, flags, openPlatform))) {
    ctx.stderr.write('chs: deploy refused: nothing was applied\n');
    return EXIT_FINDINGS;
  }

  let exit = EXIT_OK;
  for (const target of rendered) {
    const code =
      via(target.target) === 'cluster-management-project'
        ? await deployThroughCmp(ctx, env, config, target, flags, openPlatform)
        : await deployByApply(ctx, config, target, flags);
    if (code !== EXIT_OK) exit = code;
  }
  return exit;
}

function forceFromEnv(env: Env): boolean {
  const value = env.CHS_FORCE_CONFLICTS?.trim().toLowerCase() ?? '';
  if (value === '' || value === 'false' || value === '0') return false;
  if (value === 'true' || value === '1') return true;
  throw new UserError(
    `CHS_FORCE_CONFLICTS=${env.CHS_FORCE_CONFLICTS ?? ''}: set it to true (take over fields other field managers own) or false`,
  );
}

function retryLine(ctx: CommandContext): NonNullable<ClientOptions['onRetry']> {
  return ({ method, endpoint, status, waitMs, attempt }) => {
    const what =
      typeof status === 'number' ? `GitLab answered ${status} to` : `cannot reach GitLab (${status}) for`;
    ctx.stderr.write(
      `chs: ${what} ${method} ${endpoint}; retrying in ${Math.ceil(waitMs / 1000)} s (attempt ${attempt + 1})\n`,
    );
  };
}

/**
 * Deploys run from the default branch or a protected tag (checked in every CI job), and with the
 * gate on, only for a commit that a merged and approved merge request brought there.
 */
async function gate(
  ctx: CommandContext,
  env: Env,
  flags: DeployFlags,
  openPlatform: (projectId: string, use: TokenUseName) => Promise<Platform>,
): Promise<boolean> {
  const inCi = env.GITLAB_CI === 'true' || env.CI_COMMIT_SHA !== undefined;
  const requireApproval = flags.requireApproval !== false;
  if (!inCi && !requireApproval) return true;
  if (!inCi)
    throw new UserError(
      'the approval gate needs a GitLab CI/CD job (CI_COMMIT_SHA, CI_DEFAULT_BRANCH, CI_PROJECT_ID): run chs deploy in the pipeline of the default branch, or pass --require-approval=false to deploy without it (nothing was applied)',
    );
  const { approvalVerdict, refVerdict } = await import('../gitlab/deploy-gate.js');
  const ref = refVerdict(env);
  if (!ref.allowed) {
    ctx.stderr.write(`chs: ${ref.reason}\n`);
    return false;
  }
  if (!requireApproval) {
    ctx.stderr.write(
      `chs: deploying from the ${ref.reason}; the approval gate is off (--require-approval=false)\n`,
    );
    return true;
  }
  const projectId = env.CI_PROJECT_ID?.trim();
  if (!projectId) throw new UserError('CI_PROJECT_ID is not set: the approval gate needs a GitLab CI/CD job');
  const approval = await approvalVerdict(await openPlatform(projectId, 'approvals'), env);
  ctx.stderr.write(`chs: ${approval.allowed ? 'approved' : 'not approved'}: ${approval.reason}\n`);
  return approval.allowed;
}

async function deployThroughCmp(
  ctx: CommandContext,
  env: Env,
  config: Config,
  rendered: RenderedTarget,
  flags: DeployFlags,
  openPlatform: (projectId: string, use: TokenUseName) => Promise<Platform>,
): Promise<number> {
  const cmp = config.clusterManagementProject;
  if (!cmp) return EXIT_OK; // checked by the caller
  const { clusterManagementFiles, withHelmfileEntry } = await import('../render/helmfile.js');
  const { deployToClusterManagementProject } = await import('../gitlab/cluster-management.js');
  const target = rendered.target.name;
  const files = clusterManagementFiles({
    target,
    objects: rendered.objects,
    files: rendered.files,
    falcoNamespace: config.render.falcoNamespace,
    version: packageVersion(),
  });
  const sha = env.CI_COMMIT_SHA?.slice(0, 12);
  const source = env.CI_PROJECT_PATH;
  const origin = sha ? ` from ${source ? `${source}@` : ''}${sha}` : '';
  const result = await deployToClusterManagementProject(
    await openPlatform(cmp.project, 'clusterManagement'),
    {
      directory: cmp.directory,
      ...(cmp.branch !== undefined ? { branch: cmp.branch } : {}),
      ...(cmp.mergeRequest !== undefined ? { mergeRequest: cmp.mergeRequest } : {}),
      files,
      rootHelmfile: (existing) => withHelmfileEntry(existing, cmp.directory),
      message: `container-host-security: deploy the policies of target ${target}${origin}`,
      mergeRequestTitle: `container-host-security: deploy the policies of target ${target}`,
      mergeRequestDescription: `The rendered policies of target ${target}${origin}, written by \`chs deploy\`. Merging this merge request lets the cluster management project's pipeline install them (helmfile).`,
      dryRun: flags.dryRun === true,
    },
  );
  const dry = flags.dryRun === true;
  ctx.stdout.write(
    `target ${target} (cluster management project ${result.project}, branch ${result.branch})${dry ? ', dry run' : ''}:\n`,
  );
  if (result.actions.length === 0) {
    ctx.stdout.write(`  nothing to commit: ${cmp.directory} is up to date on ${result.base}\n`);
  }
  for (const action of result.actions) {
    ctx.stdout.write(`  ${action.filePath} ${dry ? `would be ${action.action}d` : `${action.action}d`}\n`);
  }
  if (result.commit) ctx.stdout.write(`  committed ${result.commit.slice(0, 12)} to ${result.branch}\n`);
  if (result.mergeRequest) {
    ctx.stdout.write(
      `  merge request !${result.mergeRequest.iid} ${result.mergeRequest.opened ? 'opened' : 'open'}: ${result.mergeRequest.webUrl}\n`,
    );
  }
  return EXIT_OK;
}

async function deployByApply(
  ctx: CommandContext,
  config: Config,
  rendered: RenderedTarget,
  flags: DeployFlags,
): Promise<number> {
  const { target, objects } = rendered;
  const { deploy, succeeded } = await import('../kube/deploy.js');
  const client = await connectTarget(ctx, config, target, flags);
  let result: DeployResult;
  try {
    result = await deploy(client, objects, {
      target: target.name,
      dryRun: flags.dryRun === true,
      prune: flags.prune === true,
      force: flags.forceConflicts === true,
    });
  } catch (error) {
    throw unreachable(client, error);
  }
  const dry = flags.dryRun === true;
  ctx.stdout.write(`target ${target.name} (context ${client.context})${dry ? ', dry run' : ''}:\n`);
  const exit = succeeded(result) ? EXIT_OK : EXIT_FINDINGS;
  if (result.refused.length > 0 || (result.conflicts.length > 0 && result.failed === undefined)) {
    for (const reason of result.refused) ctx.stderr.write(`chs: ${reason}\n`);
    for (const conflict of result.conflicts) writeConflict(ctx, conflict);
    ctx.stderr.write(`chs: deploy to target ${target.name} refused: nothing was applied\n`);
    return exit;
  }
  if (result.plan.length === 0) ctx.stdout.write('  nothing to deploy\n');
  const written = new Set(result.done);
  for (const step of result.plan) {
    if (result.failed && step.action !== 'unchanged' && !written.has(step)) continue;
    ctx.stdout.write(`  ${describeRef(step.ref)} ${(dry ? WOULD : DONE)[step.action]}\n`);
  }
  if (result.failed) {
    const { step, message } = result.failed;
    for (const conflict of result.conflicts) writeConflict(ctx, conflict);
    ctx.stderr.write(
      `chs: deploy to target ${target.name} broken off at ${describeRef(step.ref)}: ${message}\n`,
    );
    ctx.stderr.write(`chs: applied: ${list(result.done)}\n`);
    ctx.stderr.write(`chs: not applied: ${list([step, ...result.notDone])}\n`);
    ctx.stderr.write('chs: run chs deploy again: what was applied stays, the rest is applied\n');
  }
  return exit;
}

function list(steps: readonly Step[]): string {
  return steps.length === 0 ? 'nothing' : steps.map((s) => describeRef(s.ref)).join(', ');
}

function writeConflict(ctx: CommandContext, conflict: DeployResult['conflicts'][number]): void {
  for (const { manager, fields } of conflict.managers) {
    ctx.stderr.write(
      `chs: ${describeRef(conflict.ref)}: field manager "${manager}" owns ${fields.join(', ')}, which this deploy would change; pass --force-conflicts to take ${fields.length === 1 ? 'it' : 'them'} over\n`,
    );
  }
}
