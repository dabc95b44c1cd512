/** Lint findings of the change: those the head introduces and those it fixes, against the base. */
import type { LoadedConfig } from '../core/config.js';
import type { Diagnostic } from '../core/diagnostic.js';
import type { Language } from '../core/language.js';
import type { RuleRegistry } from '../core/registry.js';
import { lint } from '../core/runner.js';
import { buildReport } from '../report/positions.js';
import type { LintDelta, LintFinding } from './model.js';

/**
 * Lints one side. `config`: the configuration to use instead of the side's own; given, it is the
 * trusted one (the head's with the base's include roots and baselines), else the side's own is
 * (the base's).
 */
export async function lintSide(
  root: string,
  languages: readonly Language[],
  registry: RuleRegistry,
  config?: LoadedConfig,
  checkpoint?: (where: string) => void,
): Promise<LintFinding[]> {
  const result = await lint({
    cwd: root,
    paths: [],
    languages,
    registry,
    trustConfig: true,
    ...(config ? { config } : {}),
    ...(checkpoint ? { checkpoint } : {}),
  });
  const diagnostics: Diagnostic[] = [...result.configProblems, ...result.diagnostics];
  return buildReport(diagnostics, result.files, []).diagnostics.map((d) => ({
    file: d.file,
    line: d.line,
    column: d.column,
    severity: d.severity,
    ruleId: d.ruleId,
    message: d.message,
  }));
}

/** Lines move when a file is edited: findings are matched on file, rule and message, as a multiset. */
function key(finding: LintFinding): string {
  return `${finding.file}\0${finding.ruleId}\0${finding.message}`;
}

function minus(a: readonly LintFinding[], b: readonly LintFinding[]): LintFinding[] {
  const remaining = new Map<string, number>();
  for (const f of b) remaining.set(key(f), (remaining.get(key(f)) ?? 0) + 1);
  const out: LintFinding[] = [];
  for (const f of a) {
    const k = key(f);
    const n = remaining.get(k) ?? 0;
    if (n > 0) remaining.set(k, n - 1);
    else out.push(f);
  }
  return out;
}

function count(findings: readonly LintFinding[]): { errors: number; warnings: number } {
  return {
    errors: findings.filter((f) => f.severity === 'error').length,
    warnings: findings.filter((f) => f.severity === 'warning').length,
  };
}

export function lintDelta(base: readonly LintFinding[], head: readonly LintFinding[]): LintDelta {
  return { introduced: minus(head, base), fixed: minus(base, head), head: count(head), base: count(base) };
}
