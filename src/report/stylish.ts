/** Console output in ESLint's "stylish" shape: grouped by file, aligned, colour on a TTY only. */
import type { LintReport } from './positions.js';
import { maxOf } from '../core/arrays.js';
import type { Colors } from './colors.js';

export function stylish(report: LintReport, colors: Colors): string {
  const lines: string[] = [];
  const byFile = new Map<string, LintReport['diagnostics']>();
  for (const d of report.diagnostics) {
    const list = byFile.get(d.file) ?? [];
    list.push(d);
    byFile.set(d.file, list);
  }
  for (const [file, list] of byFile) {
    lines.push(colors.underline(file));
    const positions = list.map((d) => `${d.line}:${d.column}`);
    const width = maxOf(
      positions.map((p) => p.length),
      0,
    );
    const sevWidth = maxOf(
      list.map((d) => d.severity.length),
      0,
    );
    list.forEach((d, i) => {
      const sev = d.severity.padEnd(sevWidth);
      const painted =
        d.severity === 'error'
          ? colors.red(sev)
          : d.severity === 'warning'
            ? colors.yellow(sev)
            : colors.blue(sev);
      const code = d.falcoCode ? ` ${colors.dim(`(${d.falcoCode})`)}` : '';
      lines.push(
        `  ${colors.dim((positions[i] as string).padEnd(width))}  ${painted}  ${d.message}  ${colors.dim(d.ruleId)}${code}`,
      );
    });
    lines.push('');
  }
  const { errors, warnings, infos } = report.summary;
  const total = errors + warnings + infos;
  const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
  if (total === 0) {
    lines.push(colors.green(`✔ ${plural(report.files.length, 'file')} checked, no problems`));
  } else {
    const text = `✖ ${plural(total, 'problem')} (${plural(errors, 'error')}, ${plural(warnings, 'warning')}${infos ? `, ${infos} info` : ''}) in ${plural(report.files.length, 'file')}`;
    lines.push(errors > 0 ? colors.red(colors.bold(text)) : colors.yellow(colors.bold(text)));
  }
  return lines.join('\n') + '\n';
}
