/**
 * What `chs render` and `chs deploy` check first: the repository's lint errors. A policy with
 * lint errors is one its runtime refuses or reads otherwise than it says (an action that does not
 * exist, a rule that does not compile), so it is not rendered unless the user says so.
 */
import type { Config } from '../core/config.js';
import { lint } from '../core/runner.js';
import { secrets } from '../core/secrets.js';
import { languages, registry } from '../languages/index.js';
import { buildReport } from '../report/positions.js';
import type { CommandContext } from './run.js';

/** At most this many errors are listed; `chs lint` shows them all. */
const LISTED = 20;

/**
 * Lints the repository and lists its errors on standard error; false when there are some and
 * `allow` is not given (the caller exits 1, having written nothing).
 */
export async function passesLint(
  ctx: CommandContext,
  config: Config,
  allow: boolean,
  verb: 'rendered' | 'deployed',
): Promise<boolean> {
  const result = await lint({
    cwd: ctx.cwd,
    root: config.root,
    paths: [],
    config: { config, problems: [] },
    languages,
    registry,
  });
  const errors = result.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length === 0) return true;
  const report = secrets.maskDeep(buildReport(errors, result.files, []));
  for (const d of report.diagnostics.slice(0, LISTED))
    ctx.stderr.write(`${d.file}:${d.line}:${d.column}: error: ${d.message} [${d.ruleId}]\n`);
  if (errors.length > LISTED) ctx.stderr.write(`... and ${errors.length - LISTED} more (chs lint lists them all)\n`);
  const count = `${errors.length} lint error${errors.length === 1 ? '' : 's'}`;
  if (allow) {
    ctx.stderr.write(`chs: note: ${count}, ${verb} anyway (--allow-lint-errors)\n`);
    return true;
  }
  ctx.stderr.write(
    `chs: nothing ${verb}: ${count} in the policy files; fix them (chs lint shows each with its fix), or pass --allow-lint-errors to ${verb === 'rendered' ? 'render' : 'deploy'} them as they are\n`,
  );
  return false;
}
