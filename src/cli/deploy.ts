/** `chs deploy --via apply`: server-side apply of the rendered objects, target by target. */
import { EXIT_FINDINGS, EXIT_OK, UserError } from '../core/errors.js';
import type { DeployResult, Step } from '../kube/deploy.js';
import { describeRef } from '../kube/objects.js';
import { connectTarget, renderSelected, unreachable } from './kube-target.js';
import type { KubeFlags } from './kube-target.js';
import { loadRepositoryConfig } from './repository.js';
import type { CommandContext } from './run.js';

interface DeployFlags extends KubeFlags {
  dryRun?: boolean;
  via?: 'apply' | 'cluster-management-project';
  prune?: boolean;
  forceConflicts?: boolean;
  requireApproval?: boolean;
}

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

export async function deployCommand(ctx: CommandContext, flags: DeployFlags): Promise<number> {
  const config = loadRepositoryConfig(ctx.cwd);
  const rendered = renderSelected(ctx, config, flags);
  for (const { target } of rendered ?? []) {
    const via =
      flags.via ?? target.via ?? (config.clusterManagementProject ? 'cluster-management-project' : 'apply');
    if (via === 'cluster-management-project') {
      throw new UserError(
        `target ${target.name}: deploying through the cluster management project is not available yet in this version; use --via apply (nothing was applied)`,
      );
    }
  }
  if (flags.requireApproval !== false) {
    throw new UserError(
      'the approval gate of chs deploy is not available yet in this version: pass --require-approval=false to deploy without it (nothing was applied)',
    );
  }
  if (rendered === null) {
    ctx.stderr.write('chs: nothing deployed: fix the policy files first (chs lint)\n');
    return EXIT_FINDINGS;
  }
  const { deploy, succeeded } = await import('../kube/deploy.js');
  let exit = EXIT_OK;
  for (const { target, objects } of rendered) {
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
    if (!succeeded(result)) exit = EXIT_FINDINGS;
    if (result.refused.length > 0 || (result.conflicts.length > 0 && result.failed === undefined)) {
      for (const reason of result.refused) ctx.stderr.write(`chs: ${reason}\n`);
      for (const conflict of result.conflicts) writeConflict(ctx, conflict);
      ctx.stderr.write(`chs: deploy to target ${target.name} refused: nothing was applied\n`);
      continue;
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
