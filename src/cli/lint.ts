/** `chs lint`. */
import { resolve } from 'node:path';
import { writeArtifact } from '../core/artifact.js';
import { EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, UserError } from '../core/errors.js';
import type { PolicyKind } from '../core/kinds.js';
import { lint } from '../core/runner.js';
import { secrets } from '../core/secrets.js';
import { languages, registry } from '../languages/index.js';
import { colorsFor } from '../report/colors.js';
import { lintJson } from '../report/json.js';
import { buildReport } from '../report/positions.js';
import type { LintReport } from '../report/positions.js';
import { stylish } from '../report/stylish.js';
import type { CommandContext } from './run.js';
import { packageVersion } from './version.js';

interface LintFlags {
  kind?: PolicyKind;
  format?: 'text' | 'stylish' | 'json';
  report?: string[];
  includeDir?: string[];
  maxWarnings?: number;
  quiet?: boolean;
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

export function parseReportFlags(values: readonly string[], cwd: string): { type: string; path: string }[] {
  return values.map((value) => {
    const eq = value.indexOf('=');
    const type = eq === -1 ? value : value.slice(0, eq);
    const path = eq === -1 ? '' : value.slice(eq + 1);
    if (!(type in REPORTERS) || path === '') {
      throw new UserError(
        `--report takes TYPE=FILE with TYPE one of ${Object.keys(REPORTERS).join(', ')}, not "${value}"`,
      );
    }
    return { type, path: resolve(cwd, path) };
  });
}

export async function lintCommand(ctx: CommandContext, paths: string[], flags: LintFlags): Promise<number> {
  const reports = parseReportFlags(flags.report ?? [], ctx.cwd);
  if (flags.kind && paths.length === 0)
    throw new UserError('--kind applies to the files named: give the paths too');
  const result = await lint({
    cwd: ctx.cwd,
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
  const diagnostics = flags.quiet
    ? result.diagnostics.filter((d) => d.severity === 'error')
    : result.diagnostics;
  const linted = [...result.filesByKind.values()].flat().map((f) => f.path);
  // Masked before it is formatted: escaping (JSON, XML) would hide a secret from the final mask.
  const report = secrets.maskDeep(buildReport(diagnostics, result.files, linted));
  for (const { type, path } of reports) {
    const reporter = await (REPORTERS[type] as () => Promise<Reporter>)();
    writeArtifact(path, reporter(report), `the ${type} report`);
  }
  ctx.stdout.write(flags.format === 'json' ? lintJson(report) : stylish(report, colorsFor(ctx.stdout)));
  if (report.summary.errors > 0) return EXIT_FINDINGS;
  if (flags.maxWarnings !== undefined && report.summary.warnings > flags.maxWarnings) {
    ctx.stderr.write(
      `chs: ${report.summary.warnings} warnings, more than --max-warnings ${flags.maxWarnings}\n`,
    );
    return EXIT_FINDINGS;
  }
  return EXIT_OK;
}
