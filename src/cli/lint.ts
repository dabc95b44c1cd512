/** `chs lint`. */
import { resolve } from 'node:path';
import { writeArtifact } from '../core/artifact.js';
import { EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, UserError } from '../core/errors.js';
import type { PolicyKind } from '../core/kinds.js';
import { lint } from '../core/runner.js';
import type { LintResult } from '../core/runner.js';
import { nothingToCheck } from '../core/discovery.js';
import { secrets } from '../core/secrets.js';
import { languages, registry } from '../languages/index.js';
import { NO_COLORS, colorsFor } from '../report/colors.js';
import { lintJson } from '../report/json.js';
import { buildReport, rebaseReport } from '../report/positions.js';
import type { LintReport } from '../report/positions.js';
import { stylish } from '../report/stylish.js';
import { parseReportFlags, reportBase, writeReports } from './reports.js';
import type { CommandContext } from './run.js';
import { packageVersion } from './version.js';

interface LintFlags {
  kind?: PolicyKind;
  format?: 'text' | 'stylish' | 'json';
  report?: string[];
  reportBase?: string;
  includeDir?: string[];
  maxWarnings?: number;
  quiet?: boolean;
  outputFile?: string;
}

type Reporter = (report: LintReport) => string;

/** The report formats, each loaded only when asked for (Code Quality's hashes need node:crypto). */
const REPORTERS: Record<string, () => Promise<Reporter>> = {
  codequality: async () => (await import('../report/codequality.js')).codeQuality,
  junit: async () => (await import('../report/junit.js')).junit,
  sarif: async () => {
    const { sarif } = await import('../report/sarif.js');
    return (report) => sarif(report, registry.all(), packageVersion());
  },
};

export async function lintCommand(ctx: CommandContext, paths: string[], flags: LintFlags): Promise<number> {
  const reports = parseReportFlags(flags.report ?? [], ctx.cwd, Object.keys(REPORTERS));
  if (flags.kind && paths.length === 0)
    throw new UserError('--kind applies to the files named: give the paths too');
  const result = await lint({
    cwd: ctx.cwd,
    root: ctx.root,
    paths,
    ...(flags.kind ? { kind: flags.kind } : {}),
    includeDirs: flags.includeDir ?? [],
    languages,
    registry,
  });
  if (result.configProblems.length > 0) {
    const report = buildReport(result.configProblems, result.files, []);
    for (const d of report.diagnostics) ctx.stderr.write(`${d.file}:${d.line}:${d.column}: ${d.message}\n`);
    return EXIT_ERROR;
  }
  if (result.found === 0) throw nothingFound(result, paths);
  const diagnostics = flags.quiet
    ? result.diagnostics.filter((d) => d.severity === 'error')
    : result.diagnostics;
  const linted = [...result.filesByKind.values()].flat().map((f) => f.path);
  // Masked before it is formatted: escaping (JSON, XML) would hide a secret from the final mask.
  const report = secrets.maskDeep(buildReport(diagnostics, result.files, linted));
  const rebased =
    flags.reportBase === undefined
      ? report
      : rebaseReport(report, ctx.cwd, reportBase(ctx.cwd, flags.reportBase));
  await writeReports(reports, async (type) =>
    (await (REPORTERS[type] as () => Promise<Reporter>)())(rebased),
  );
  // ESLint's --output-file: the report goes to the file instead of the terminal, without colours.
  if (flags.outputFile === undefined)
    ctx.stdout.write(flags.format === 'json' ? lintJson(report) : stylish(report, colorsFor(ctx.stdout)));
  else
    writeArtifact(
      resolve(ctx.cwd, flags.outputFile),
      flags.format === 'json' ? lintJson(report) : stylish(report, NO_COLORS),
      'the lint report',
      flags.outputFile,
    );
  if (report.summary.errors > 0) return EXIT_FINDINGS;
  // As ESLint's: --quiet hides warnings from the report, --max-warnings still counts them.
  const warnings = result.diagnostics.filter((d) => d.severity === 'warning').length;
  if (flags.maxWarnings !== undefined && warnings > flags.maxWarnings) {
    const hidden = flags.quiet ? ' (hidden by --quiet: run without it to see them)' : '';
    ctx.stderr.write(`chs: ${warnings} warnings${hidden}, more than --max-warnings ${flags.maxWarnings}\n`);
    return EXIT_FINDINGS;
  }
  return EXIT_OK;
}

/** No policy file where one was expected: the repository's layout, or the directories named. */
function nothingFound(result: LintResult, paths: readonly string[]): UserError {
  if (paths.length > 0)
    return new UserError(`no policy file under ${paths.join(', ')}: name the policy files or their directories`);
  const globs = result.layout.filter((l) => l.kind !== 'tests').flatMap((l) => l.globs);
  return nothingToCheck('policy file', result.config.root, globs);
}
