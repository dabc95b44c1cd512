/** `chs drift`: the cluster against the repository, for each target; exit 1 on drift. */
import { printable } from '../core/printable.js';
import { EXIT_FINDINGS, EXIT_OK } from '../core/errors.js';
import type { ClientOptions } from '../gitlab/client.js';
import type { Env } from '../gitlab/settings.js';
import type { DriftReport } from '../kube/drift.js';
import { describeRef } from '../kube/objects.js';
import type { ObjectRef } from '../kube/objects.js';
import { connectTarget, renderSelected, unreachable } from './kube-target.js';
import type { KubeFlags } from './kube-target.js';
import { loadRepositoryConfig } from './repository.js';
import type { CommandContext } from './run.js';

interface DriftFlags extends KubeFlags {
  format?: 'text' | 'json';
  issue?: boolean;
}

/** What tests replace: the environment and the GitLab client's retry settings. */
export interface DriftDeps {
  env?: Env;
  clientOptions?: ClientOptions;
}

export async function driftCommand(
  ctx: CommandContext,
  flags: DriftFlags,
  deps: DriftDeps = {},
): Promise<number> {
  const env = deps.env ?? process.env;
  const config = loadRepositoryConfig(ctx);
  // The GitLab settings first: a job without its variables fails before the cluster is read.
  const gitlabSettings = flags.issue ? await import('../gitlab/settings.js') : undefined;
  const settings = gitlabSettings?.gitLabSettings(
    env,
    gitlabSettings.TOKEN_USES.driftIssue,
    config.gitlab.tokenVariable,
  );
  const rendered = renderSelected(ctx, config, flags);
  if (rendered === null) {
    ctx.stderr.write('chs: cannot check drift: fix the policy files first (chs lint)\n');
    return EXIT_FINDINGS;
  }
  const { checkDrift, hasDrift } = await import('../kube/drift.js');
  const reports: (DriftReport & {
    context: string;
    objects: number;
    via: 'apply' | 'cluster-management-project';
  })[] = [];
  for (const { target, objects } of rendered) {
    const client = await connectTarget(ctx, config, target, flags);
    try {
      reports.push({
        ...(await checkDrift(client, target.name, objects)),
        context: client.context,
        objects: objects.length,
        via: target.via ?? (config.clusterManagementProject ? 'cluster-management-project' : 'apply'),
      });
    } catch (error) {
      throw unreachable(client, error);
    }
  }
  const drift = reports.some(hasDrift);
  if (flags.format === 'json') {
    const ref = (r: ObjectRef): ObjectRef => r;
    ctx.stdout.write(
      `${JSON.stringify(
        {
          drift,
          targets: reports.map((r) => ({
            target: r.target,
            context: r.context,
            missing: r.missing.map(ref),
            changed: r.changed.map((c) => ({ ...c.ref, diff: c.diff })),
            extra: r.extra.map(ref),
          })),
        },
        null,
        2,
      )}\n`,
    );
  } else {
    for (const r of reports) {
      if (!hasDrift(r)) {
        ctx.stdout.write(`target ${r.target} (context ${r.context}): no drift (${r.objects} object(s))\n`);
        continue;
      }
      ctx.stdout.write(
        `target ${r.target} (context ${r.context}): drift: ${r.missing.length} missing, ${r.changed.length} changed, ${r.extra.length} extra\n`,
      );
      for (const m of r.missing) ctx.stdout.write(printable(`  missing: ${describeRef(m)}\n`));
      for (const c of r.changed) {
        const by = c.managers && c.managers.length > 0 ? ` (changed by ${c.managers.join(', ')})` : '';
        ctx.stdout.write(printable(`  changed: ${describeRef(c.ref)}${by}\n`));
        for (const line of c.diff.trimEnd().split('\n')) ctx.stdout.write(printable(`    ${line}\n`));
      }
      for (const e of r.extra) ctx.stdout.write(printable(`  extra: ${describeRef(e)}\n`));
    }
    const conflicts = reports.some((r) => r.changed.some((c) => (c.managers ?? []).length > 0));
    if (drift)
      ctx.stdout.write(
        conflicts
          ? 'run chs deploy --force-conflicts (in a pipeline: CHS_FORCE_CONFLICTS=true) to bring the cluster back in line with the repository: other field managers own fields it must take back\n'
          : 'run chs deploy to bring the cluster back in line with the repository\n',
      );
  }
  if (settings) {
    const { openGitLab } = await import('../gitlab/client.js');
    const { upsertDriftIssue } = await import('../gitlab/drift-issue.js');
    const { driftIssueBody, driftIssueTitle } = await import('./drift-issue.js');
    const platform = await openGitLab(settings, deps.clientOptions ?? {});
    for (const report of reports) {
      const result = await upsertDriftIssue(platform, {
        target: report.target,
        title: driftIssueTitle(report.target),
        // Cluster objects' names and diffs: printable in the issue as in the job log.
        body: printable(
          driftIssueBody(report, {
            via: report.via,
            ...(env.CI_PROJECT_URL ? { projectUrl: env.CI_PROJECT_URL } : {}),
            ...(env.CI_DEFAULT_BRANCH ? { defaultBranch: env.CI_DEFAULT_BRANCH } : {}),
            ...(env.CI_JOB_NAME ? { jobName: env.CI_JOB_NAME } : {}),
          }),
        ),
        drifted: hasDrift(report),
      });
      const duplicates =
        result.closedDuplicates.length > 0
          ? `; closed duplicate(s) ${result.closedDuplicates.map((i) => `#${i}`).join(', ')}`
          : '';
      const where =
        result.iid !== undefined ? ` #${result.iid}${result.webUrl ? ` (${result.webUrl})` : ''}` : '';
      const what = result.action === 'none' ? 'none open' : result.action;
      ctx.stderr.write(`chs: drift issue of target ${report.target}${where}: ${what}${duplicates}\n`);
    }
  }
  return drift ? EXIT_FINDINGS : EXIT_OK;
}
