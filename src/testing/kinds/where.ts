/** `file:line:column` of an offset, as every failure message points at a policy file. */
import type { Config } from '../../core/config.js';
import type { Finding } from '../../core/rule.js';
import { findingMessage } from '../../core/rule.js';
import type { SourceFile } from '../../core/source.js';

export function at(file: SourceFile, offset: number): string {
  const { line, column } = file.position(offset);
  return `${file.path}:${line}:${column}`;
}

/**
 * The findings of loading a policy file that make it unusable: errors, after chs.yaml's severity
 * overrides (a rule turned off there does not stop the tests either), each as `file:line:column: message (rule)`.
 */
export function loadErrors(
  findings: readonly Finding[],
  config: Config,
  files: ReadonlyMap<string, SourceFile>,
): string[] {
  const errors: string[] = [];
  for (const finding of findings) {
    const severity = config.rules[finding.rule.meta.id] ?? finding.severity ?? finding.rule.meta.severity;
    if (severity !== 'error') continue;
    const message = findingMessage(finding);
    const file = files.get(finding.file);
    const where = file && finding.range ? at(file, finding.range.start) : finding.file;
    errors.push(`${where}: ${message} (${finding.rule.meta.id})`);
  }
  return errors;
}
