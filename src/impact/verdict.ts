/** The verdict line: the one sentence a reviewer reads first. */
import type { PolicyKind } from '../core/kinds.js';
import type { FileChange, ImpactFinding, LintDelta, SectionResult, Verdict } from './model.js';

function plural(n: number, one: string, many: string = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** Distinct subjects per target, largest first ("3 workloads in production"). */
function byTarget(impacts: readonly ImpactFinding[]): string {
  const groups = new Map<string, Set<string>>();
  for (const impact of impacts) {
    const target = impact.target ?? '';
    const set = groups.get(target) ?? new Set<string>();
    set.add(`${impact.namespace ?? ''}/${impact.subject}`);
    groups.set(target, set);
  }
  return [...groups]
    .sort((a, b) => b[1].size - a[1].size)
    .map(([target, set]) => `${plural(set.size, 'workload')}${target ? ` in ${target}` : ''}`)
    .join(', ');
}

export function verdictOf(
  files: readonly FileChange[],
  sections: readonly SectionResult[],
  notAnalysed: readonly PolicyKind[],
  lint: LintDelta,
): Verdict {
  const impacts = sections.flatMap((s) => s.impacts);
  const blocking = impacts.filter((i) => i.severity === 'block');
  const warning = impacts.filter((i) => i.severity === 'warn' && i.kind !== 'falco');
  // Falco findings are about rules (more alerts on the recorded events), not about workloads.
  const noisier = new Set(
    impacts.filter((i) => i.severity === 'warn' && i.kind === 'falco').map((i) => i.subject),
  );
  const toBlock = sections
    .flatMap((s) => s.items)
    .filter((i) => i.change === 'mode-changed' && i.to === 'block');
  const newErrors = lint.introduced.filter((f) => f.severity === 'error').length;
  const newWarnings = lint.introduced.filter((f) => f.severity === 'warning').length;

  const clauses: string[] = [];
  if (blocking.length > 0) clauses.push(`Blocks ${byTarget(blocking)}`);
  if (newErrors > 0) clauses.push(`introduces ${plural(newErrors, 'lint error')}`);
  if (toBlock.length > 0)
    clauses.push(`switches ${plural(toBlock.length, 'policy', 'policies')} from monitor to block`);
  if (warning.length > 0) clauses.push(`warns about ${byTarget(warning)}`);
  if (noisier.size > 0) clauses.push(`adds alerts to ${plural(noisier.size, 'Falco rule')}`);
  if (newWarnings > 0) clauses.push(`introduces ${plural(newWarnings, 'lint warning')}`);
  const sentence = (parts: string[]): string => {
    const text = parts.join('; ');
    return text.charAt(0).toUpperCase() + text.slice(1);
  };
  if (blocking.length > 0 || newErrors > 0) return { level: 'blocking', headline: sentence(clauses) };
  if (clauses.length > 0) return { level: 'warning', headline: sentence(clauses) };
  const policyFiles = files.filter((f) => f.kind !== 'tests' && f.kind !== 'config');
  if (files.length === 0) return { level: 'none', headline: 'No policy change' };
  if (policyFiles.length === 0)
    return {
      level: 'none',
      headline: `No policy change (${plural(files.length, 'configuration or test file')} changed)`,
    };
  if (notAnalysed.length > 0)
    return {
      level: 'info',
      headline: `${plural(policyFiles.length, 'policy file')} changed; impact not analysed for ${notAnalysed.join(', ')} in this version`,
    };
  return { level: 'none', headline: 'No workload affected' };
}
