/** `chs test [PATH...] [--format json] [--report TYPE=FILE]...`: runs the policy test cases. */
import { loadConfig } from '../core/config.js';
import { EXIT_FINDINGS, EXIT_OK, UserError } from '../core/errors.js';
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
  const { config, problems } = loadConfig(ctx.cwd, ctx.cwd);
  if (problems.length > 0)
    throw new UserError(`chs.yaml: ${problems[0]?.message ?? 'invalid configuration'}`);
  const run = await runTests({
    cwd: ctx.cwd,
    config,
    paths,
    context: createRunContext({ config, cwd: ctx.cwd, includeDirs: flags.includeDir ?? [] }),
  });
  if (run.files.length === 0 && flags.format !== 'json') {
    ctx.stderr.write('chs: no test files found (policies/tests/**/*.yaml, or chs.yaml paths.tests)\n');
  }
  if (reports.length > 0) {
    const { testCodeQuality, testJUnit } = await import('../testing/reports.js');
    const results =
      flags.reportBase === undefined
        ? run.results
        : rebaseFiles(run.results, ctx.cwd, reportBase(ctx.cwd, flags.reportBase));
    await writeReports(reports, async (type) =>
      type === 'junit' ? testJUnit(results) : testCodeQuality(results),
    );
  }
  ctx.stdout.write(
    flags.format === 'json' ? testJson(run.results) : testText(run.results, colorsFor(ctx.stdout)),
  );
  return summarize(run.results).failed > 0 ? EXIT_FINDINGS : EXIT_OK;
}
