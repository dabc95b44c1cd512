/**
 * `chs import gitlab-cmp DIR [--out DIR]`: writes a policy repository from a cluster management
 * project, then lints it and says what to fix first. Nothing is written when any file it would
 * write already exists (an import never overwrites a repository's files).
 */
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { displayPath } from '../core/discovery.js';
import { EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, UserError } from '../core/errors.js';
import { lint } from '../core/runner.js';
import { planImport, REPORT_FILE } from '../import/gitlab-cmp.js';
import type { ReportEntry } from '../import/gitlab-cmp.js';
import { languages, registry } from '../languages/index.js';
import { buildReport } from '../report/positions.js';
import type { CommandContext } from './run.js';

export interface ImportFlags {
  out?: string;
  project?: string;
}

const MAX_LISTED = 10;

function entryLine(e: ReportEntry): string {
  return `  ${e.file}${e.line === undefined ? '' : `:${e.line}`}: ${e.message}`;
}

function section(title: string, entries: readonly ReportEntry[]): string[] {
  return entries.length === 0 ? [] : [`${title} (${entries.length}):`, ...entries.map(entryLine), ''];
}

export async function importGitlabCmpCommand(
  ctx: CommandContext,
  source: string,
  flags: ImportFlags,
): Promise<number> {
  const dir = isAbsolute(source) ? source : resolve(ctx.cwd, source);
  if (!existsSync(dir) || !statSync(dir).isDirectory())
    throw new UserError(`${source}: not a directory; give the checkout of the cluster management project`);
  const out = resolve(ctx.cwd, flags.out ?? '.');
  if (existsSync(out) && !statSync(out).isDirectory())
    throw new UserError(`--out ${flags.out ?? '.'}: not a directory`);
  const plan = planImport(dir, flags.project === undefined ? {} : { project: flags.project });
  const taken = [...plan.files.keys(), REPORT_FILE].filter((p) => existsSync(join(out, p)));
  if (taken.length > 0)
    throw new UserError(
      `${displayPath(join(out, taken[0] as string), ctx.cwd)} already exists${taken.length > 1 ? ` (and ${taken.length - 1} more)` : ''}: import into a new directory with --out DIR; nothing was written`,
    );
  for (const [path, content] of plan.files) {
    mkdirSync(dirname(join(out, path)), { recursive: true });
    writeFileSync(join(out, path), content);
  }

  const lines: string[] = [
    `Imported ${displayPath(dir, ctx.cwd)} into ${displayPath(out, ctx.cwd)}.`,
    '',
    ...section(
      'Carried',
      plan.report.filter((e) => e.kind === 'carried'),
    ),
    ...section(
      'Not carried',
      plan.report.filter((e) => e.kind === 'not-carried'),
    ),
    ...section(
      'To do by hand',
      plan.report.filter((e) => e.kind === 'action'),
    ),
  ];

  const result = await lint({ cwd: out, paths: [], languages, registry });
  let code = EXIT_OK;
  if (result.configProblems.length > 0) {
    lines.push('The chs.yaml written does not load (please report it):');
    for (const d of buildReport(result.configProblems, result.files, []).diagnostics)
      lines.push(`  ${d.file}:${d.line}:${d.column}: ${d.message}`);
    code = EXIT_ERROR;
  } else {
    const report = buildReport(result.diagnostics, result.files, []);
    const { errors, warnings } = report.summary;
    lines.push(`chs lint of the result: ${errors} error(s), ${warnings} warning(s).`);
    const byRule = new Map<string, typeof report.diagnostics>();
    for (const d of report.diagnostics.filter((x) => x.severity === 'error'))
      byRule.set(d.ruleId, [...(byRule.get(d.ruleId) ?? []), d]);
    // The rule behind the most errors first: one fix (a baseline, a renamed macro) often clears them all.
    const first = [...byRule.entries()].sort((a, b) => b[1].length - a[1].length)[0];
    if (first) {
      const [ruleId, found] = first;
      const d = found[0] as (typeof found)[number];
      const at = (file: string): string => displayPath(join(out, file), ctx.cwd);
      lines.push(
        `Fix first: ${found.length} error(s) of ${ruleId} (chs rules ${ruleId}), the first at`,
        `  ${at(d.file)}:${d.line}:${d.column}: ${d.message}`,
      );
      for (const other of report.diagnostics.filter((x) => x !== d).slice(0, MAX_LISTED - 1))
        lines.push(
          `  ${at(other.file)}:${other.line}:${other.column}: ${other.severity}: ${other.message} (${other.ruleId})`,
        );
      if (report.diagnostics.length > MAX_LISTED)
        lines.push(`  ... run chs lint in ${displayPath(out, ctx.cwd)} for all ${report.diagnostics.length}`);
      code = EXIT_FINDINGS;
    } else {
      for (const d of report.diagnostics.slice(0, MAX_LISTED))
        lines.push(`  ${d.file}:${d.line}:${d.column}: ${d.severity}: ${d.message} (${d.ruleId})`);
      lines.push('Next: chs test, chs render and chs preview work on it as on any policy repository.');
    }
  }
  const text = `${lines.join('\n')}\n`;
  mkdirSync(dirname(join(out, REPORT_FILE)), { recursive: true });
  writeFileSync(
    join(out, REPORT_FILE),
    `# Import from the cluster management project\n\n\`\`\`text\n${text}\`\`\`\n`,
  );
  ctx.stdout.write(text);
  return code;
}
