/** `chs test [PATH...] [--format json] [--report TYPE=FILE]...`: runs the policy test cases. */
import { loadConfig } from '../core/config.js';
import { discover, displayPath, nothingToCheck } from '../core/discovery.js';
import { EXIT_FINDINGS, EXIT_OK, UserError } from '../core/errors.js';
import { secrets } from '../core/secrets.js';
import { languages } from '../languages/index.js';
import { rebaseFiles } from '../report/paths.js';
import { colorsFor } from '../report/colors.js';
import { summarize, testJson, testText } from '../testing/report.js';
import { createRunContext } from '../testing/context.js';
import { runTests } from '../testing/run.js';
import { parseReportFlags, reportBase, writeReports } from './reports.js';
import type { CommandContext } from './run.js';

const REPORT_TYPES = ['codequality', 'junit'];

export async function testCommand(
  ctx: CommandContext,
  paths: string[],
  flags: { format?: 'text' | 'json'; includeDir?: string[]; report?: string[]; reportBase?: string },
): Promise<number> {
  const reports = parseReportFlags(flags.report ?? [], ctx.cwd, REPORT_TYPES);
  const { config, problems } = loadConfig(ctx.root, ctx.cwd);
  if (problems.length > 0)
    throw new UserError(`chs.yaml: ${problems[0]?.message ?? 'invalid configuration'}`);
  const context = createRunContext({ config, cwd: ctx.cwd, languages, includeDirs: flags.includeDir ?? [] });
  for (const { dir } of context.scope.refused)
    ctx.stderr.write(
      `chs: note: chs.yaml apparmor.includeDirs '${displayPath(dir, ctx.cwd)}' is outside the repository and this chs.yaml is not trusted here (a job on an unprotected branch or a merge request): it is not searched; give it with --include-dir in the job definition\n`,
    );
  const run = await runTests({ cwd: ctx.cwd, config, paths, languages, context });
  if (run.files.length === 0) {
    // Policies without tests are a repository that has not written any yet; no policy at all is
    // a run in the wrong place.
    const policies = discover(config.root, ctx.cwd, context.layout, []).filter((f) => f.kind !== 'tests');
    const testGlobs = context.layout.filter((l) => l.kind === 'tests').flatMap((l) => l.globs);
    if (policies.length === 0)
      throw nothingToCheck(
        'policy file',
        config.root,
        context.layout.flatMap((l) => l.globs),
      );
    ctx.stderr.write(
      `chs: note: no test file in ${displayPath(config.root, ctx.cwd)} (looked for ${testGlobs.join(', ')}): nothing to run; write test cases in policies/tests/*.yaml (docs/commands.md)\n`,
    );
  }
  if (reports.length > 0) {
    const { testCodeQuality, testJUnit } = await import('../testing/reports.js');
    // Masked before it is formatted: XML or JSON escaping would hide a secret from the final mask.
    const results = secrets.maskDeep(
      flags.reportBase === undefined
        ? run.results
        : rebaseFiles(run.results, ctx.cwd, reportBase(ctx.cwd, flags.reportBase)),
    );
    await writeReports(reports, async (type) =>
      type === 'junit' ? testJUnit(results) : testCodeQuality(results),
    );
  }
  ctx.stdout.write(
    flags.format === 'json' ? testJson(run.results) : testText(run.results, colorsFor(ctx.stdout)),
  );
  return summarize(run.results).failed > 0 ? EXIT_FINDINGS : EXIT_OK;
}
