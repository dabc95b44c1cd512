/** Loading the repository's configuration for the commands that render, deploy and check drift. */
import type { Config } from '../core/config.js';
import { loadConfig } from '../core/config.js';
import { UserError } from '../core/errors.js';
import type { RenderProblem } from '../render/types.js';

/** chs.yaml of the repository; any problem with it is a UserError (exit 2). */
export function loadRepositoryConfig(ctx: { root: string; cwd: string }): Config {
  const { config, problems } = loadConfig(ctx.root, ctx.cwd);
  const first = problems[0];
  if (first) {
    const at = first.range && config.source ? config.source.position(first.range.start) : undefined;
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem(s); run chs lint)` : '';
    throw new UserError(`${first.file}${at ? `:${at.line}:${at.column}` : ''}: ${first.message}${more}`);
  }
  return config;
}

export function formatProblem(problem: RenderProblem): string {
  return `${problem.file}${problem.line !== undefined ? `:${problem.line}` : ''}: ${problem.message}`;
}
