/**
 * The Falco rules language: files in Falco's own rules format, loaded in order after the
 * configured baseline files, checked as Falco 0.42-0.44 checks them and by chs's own rules.
 */
import type { Language, LintContext } from '../../core/language.js';
import { OUTSIDE_REASON } from '../../core/reach.js';
import { fileUnreadable, outsideRepository } from '../../core/rules.js';
import type { SourceFile } from '../../core/source.js';
import { rangeAt } from '../../core/yaml.js';
import { displayPath } from '../../core/discovery.js';
import { expandBaseline } from './baseline.js';
import { holdsEmbeddedRules, rulesFilesOf } from './embedded.js';
import { loadRules } from './loader/index.js';
import type { LoadedFile } from './loader/index.js';
import { FALCO_PATHS } from './paths.js';
import { falcoRules } from './rules/index.js';

const RULES_FILE = /^-\s+(?:rule|macro|list|required_engine_version|required_plugin_versions)\s*:/m;

/**
 * A YAML file whose top level is a list of rule, macro or list items, or that holds rules files:
 * Helm values of the falcosecurity/falco chart (`customRules`), a ConfigMap of rules files.
 */
export function sniffFalco(file: SourceFile): boolean {
  return RULES_FILE.test(file.text) || holdsEmbeddedRules(file.text);
}

function baselineFiles(context: LintContext, linted: Set<string>): LoadedFile[] {
  const { config } = context;
  const out: LoadedFile[] = [];
  const seen = new Set<string>();
  config.falco.baseline.forEach((glob, index) => {
    const { files: matches, outside } = expandBaseline(glob, config.root, context.cwd, context.scope.reach);
    const where = rangeAt(config.tree, ['falco', 'baseline', index]);
    if (outside)
      context.report({
        rule: outsideRepository,
        messageId: 'outside',
        data: { what: `falco.baseline '${glob}'`, reason: OUTSIDE_REASON },
        file: config.source?.path ?? 'chs.yaml',
        ...(where ? { range: where } : {}),
      });
    if (matches.length === 0 && !outside && config.source) {
      context.report({
        rule: fileUnreadable,
        messageId: 'unreadable',
        data: { reason: `falco.baseline: '${glob}' matches no file` },
        file: config.source.path,
        ...(where ? { range: where } : {}),
      });
    }
    for (const absolute of matches) {
      const display = displayPath(absolute, context.cwd);
      if (seen.has(absolute)) continue;
      seen.add(absolute);
      const read = context.readFile(absolute, display);
      if (!read.ok) {
        context.report({
          rule: fileUnreadable,
          messageId: 'unreadable',
          data: { reason: read.failure.message },
          file: display,
        });
        continue;
      }
      linted.delete(read.file.path);
      out.push(...rulesFilesOf(read.file.path, read.file.text, true));
    }
  });
  return out;
}

export const falco: Language = {
  kind: 'falco',
  defaultPaths: FALCO_PATHS,
  rules: falcoRules,
  sniff: sniffFalco,
  lint(files: readonly SourceFile[], context: LintContext): void {
    const linted = new Set(files.map((f) => f.path));
    const baseline = baselineFiles(context, linted);
    const baselinePaths = new Set(baseline.map((f) => f.path));
    const own: LoadedFile[] = files
      .filter((f) => !baselinePaths.has(f.path))
      .flatMap((f) => rulesFilesOf(f.path, f.text, false));
    const result = loadRules([...baseline, ...own], {
      ruleMatching: context.config.falco.ruleMatching,
      noBaseline: baseline.length === 0,
    });
    for (const message of result.messages) {
      if (message.baseline) continue;
      context.report({
        ...message.result,
        file: message.file,
        ...(message.range ? { range: message.range } : {}),
      });
    }
  },
};

// The public API beyond linting: what the preview, chs test, chs render and the CLI use.
export type { Expr } from './condition/ast.js';
export { walk } from './condition/ast.js';
export { eventTypes } from './condition/evttypes.js';
export { parse } from './condition/parser.js';
export { escapeValue, printCondition } from './condition/print.js';
export { alertJson, buildAlert } from './evaluate/alert.js';
export type { Alert } from './evaluate/alert.js';
export { Ruleset } from './evaluate/engine.js';
export type { CompiledRule as EngineRule, EngineEvent, EvaluableRule } from './evaluate/engine.js';
export { eventFromValue, parseEventLine, readEvents } from './evaluate/events.js';
export type { BadLine, RecordedEvent } from './evaluate/events.js';
export { explainMiss } from './evaluate/explain.js';
export { candidateKeys } from './evaluate/fields.js';
export type { Fields } from './evaluate/fields.js';
export { KNOWN_SOURCES, catalogOf } from './fields/index.js';
export { loadRepositoryRuleset, loadRuleset, repositoryRulesFiles, ruleLoadErrors } from './evaluate/load.js';
export { compileOutput, priorityName } from './evaluate/output.js';
export { replay } from './evaluate/replay.js';
export type { EventFile, ReplaySummary } from './evaluate/replay.js';
export { loadRules } from './loader/index.js';
export { embeddedRules, rulesFilesOf } from './embedded.js';
export type { CompiledRule, LoadedFile } from './loader/index.js';
export { falcoRulesById } from './rules/index.js';
