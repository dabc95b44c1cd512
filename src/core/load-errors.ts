/** `file:line:column` of an offset, as every failure message points at a policy file. */
import type { Config } from './config.js';
import { configuredSeverity } from './severity.js';
import type { Finding } from './rule.js';
import { findingMessage } from './rule.js';
import type { SourceFile } from './source.js';

export function at(file: SourceFile, offset: number): string {
  const { line, column } = file.position(offset);
  return `${file.path}:${line}:${column}`;
}

/**
 * The findings of loading a policy file that make it unusable: errors, after chs.yaml's severity
 * overrides (a rule turned off there does not stop the tests either), each as `file:line:column: message (rule)`.
 * `cwd` is what the findings' paths are relative to.
 */
export function loadErrors(
  findings: readonly Finding[],
  config: Config,
  files: ReadonlyMap<string, SourceFile>,
  cwd: string = config.root,
): string[] {
  const errors: string[] = [];
  for (const finding of findings) {
    const severity =
      configuredSeverity(config, finding.rule.meta.id, finding.file, cwd) ??
      finding.severity ??
      finding.rule.meta.severity;
    if (severity !== 'error') continue;
    const message = findingMessage(finding);
    const file = files.get(finding.file);
    const where = file && finding.range ? at(file, finding.range.start) : finding.file;
    errors.push(`${where}: ${message} (${finding.rule.meta.id})`);
  }
  return errors;
}
