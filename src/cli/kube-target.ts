/** What deploy and drift share: rendering every selected target and reaching its cluster. */
import type { Config, TargetConfig } from '../core/config.js';
import { UserError } from '../core/errors.js';
import type { KubeClient } from '../kube/client.js';
import { readPolicyFiles, renderTarget, selectTargets } from '../render/index.js';
import type { RenderedTarget } from '../render/index.js';
import { formatProblem } from './repository.js';
import type { CommandContext } from './run.js';

export interface KubeFlags {
  target?: string;
  kubeconfig?: string;
  kubeContext?: string;
}

/** Renders the selected targets; problems in the policy files are printed and returned as null. */
export function renderSelected(
  ctx: CommandContext,
  config: Config,
  flags: KubeFlags,
): RenderedTarget[] | null {
  const targets = selectTargets(config, flags.target);
  const { files, problems } = readPolicyFiles(config, ctx.cwd);
  const rendered = targets.map((t) => renderTarget(config, t, files));
  const all = [...problems, ...rendered.flatMap((r) => r.problems)];
  for (const note of new Set(rendered.flatMap((r) => r.notes))) ctx.stderr.write(`chs: note: ${note}\n`);
  if (all.length === 0) return rendered;
  for (const p of all) ctx.stderr.write(`${formatProblem(p)}\n`);
  return null;
}

export async function connectTarget(
  ctx: CommandContext,
  config: Config,
  target: TargetConfig,
  flags: KubeFlags,
): Promise<KubeClient> {
  const { connect } = await import('../kube/client.js');
  const kubeconfig = flags.kubeconfig ?? target.kubeconfig;
  const context = flags.kubeContext ?? target.kubeContext;
  return connect({
    // --kubeconfig is relative to the working directory, the target's kubeconfig to chs.yaml.
    cwd: flags.kubeconfig !== undefined ? ctx.cwd : config.root,
    ...(kubeconfig !== undefined ? { kubeconfig } : {}),
    ...(context !== undefined ? { context } : {}),
  });
}

/** A cluster that cannot be reached or refuses us is an error of the setup (exit 2). */
export function unreachable(client: KubeClient, error: unknown): UserError {
  const message = error instanceof Error ? error.message : String(error);
  return new UserError(
    `cluster of context "${client.context}" (${client.server}): ${message.split('\n')[0] ?? ''}`,
  );
}
