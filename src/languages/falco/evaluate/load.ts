/**
 * Rules files to a ruleset ready for events: read with the project's guards, loaded by the Falco
 * loader (lists, macros, overrides, exceptions expanded, in Falco's order), compiled by the
 * engine. Anything that would keep Falco from starting is an error; warnings are left to chs lint.
 */
import type { Config } from '../../../core/config.js';
import { discover } from '../../../core/discovery.js';
import type { DiscoveredFile, WalkProblem } from '../../../core/discovery.js';
import { readTextFile } from '../../../core/read.js';
import { SourceFile } from '../../../core/source.js';
import { rulesFilesOf } from '../embedded.js';
import { loadRules } from '../loader/index.js';
import type { LoadedFile } from '../loader/index.js';
import type { LoadMessage } from '../loader/types.js';
import { FALCO_PATHS } from '../paths.js';
import { falcoRules } from '../rules/index.js';
import { Ruleset } from './engine.js';
import type { EvaluableRule, RuleMatching } from './engine.js';

export interface RulesFile {
  absolute: string;
  /** As the user named it. */
  display: string;
  /** A baseline file (chs.yaml `falco.baseline`), loaded first. */
  baseline?: boolean;
}

export interface LoadedRuleset {
  ruleset: Ruleset;
  /** Every loaded rule, disabled ones included, in Falco's order. */
  rules: readonly EvaluableRule[];
  /** `file:line:column: message`, one per error; empty when the rules load. */
  errors: string[];
}

const ERROR_IDS: ReadonlySet<string> = new Set(
  falcoRules.filter((rule) => rule.meta.severity === 'error').map((rule) => rule.meta.id),
);

/**
 * The load errors of each rule that does not compile, by rule name (`file:line:column: message
 * (rule id)`), after chs.yaml's severity overrides: the rules Falco refuses, evaluated nowhere.
 */
export function ruleLoadErrors(
  messages: readonly LoadMessage[],
  overrides: Readonly<Record<string, string>>,
  text: (file: string) => string | undefined,
): Map<string, { file: string; errors: string[] }> {
  const out = new Map<string, { file: string; errors: string[] }>();
  for (const message of messages) {
    if (message.itemType !== 'rule' || message.itemName === undefined || message.baseline) continue;
    const severity = overrides[message.ruleId] ?? (ERROR_IDS.has(message.ruleId) ? 'error' : 'other');
    if (severity !== 'error') continue;
    const source = text(message.file);
    const at = message.range && source !== undefined ? new SourceFile(message.file, source).position(message.range.start) : undefined;
    const entry = out.get(message.itemName) ?? { file: message.file, errors: [] as string[] };
    entry.errors.push(`${message.file}${at ? `:${at.line}:${at.column}` : ''}: ${message.message} (${message.ruleId})`);
    out.set(message.itemName, entry);
  }
  return out;
}

export function loadRuleset(files: readonly RulesFile[], matching: RuleMatching): LoadedRuleset {
  const errors: string[] = [];
  const sources = new Map<string, SourceFile>();
  const loaded: LoadedFile[] = [];
  for (const file of files) {
    const read = readTextFile(file.absolute, file.display);
    if (!read.ok) {
      errors.push(`${file.display}: ${read.failure.message}`);
      continue;
    }
    sources.set(file.display, read.file);
    loaded.push(...rulesFilesOf(file.display, read.file.text, file.baseline ?? false));
  }
  const result = loadRules(loaded, { ruleMatching: matching });
  for (const message of result.messages) {
    if (!ERROR_IDS.has(message.ruleId)) continue;
    const source = sources.get(message.file);
    const at = message.range && source ? source.position(message.range.start) : undefined;
    errors.push(
      `${message.file}${at ? `:${at.line}:${at.column}` : ''}: ${message.message} (${message.ruleId})`,
    );
  }
  const ruleset = new Ruleset(result.rules, matching);
  const byName = new Map(result.rules.map((rule) => [rule.name, rule]));
  for (const problem of ruleset.problems) {
    const rule = byName.get(problem.rule);
    const source = rule ? sources.get(rule.file) : undefined;
    const at = rule?.range && source ? source.position(rule.range.start) : undefined;
    errors.push(
      `${rule?.file ?? '?'}${at ? `:${at.line}:${at.column}` : ''}: rule "${problem.rule}": ${problem.message}`,
    );
  }
  return { ruleset, rules: result.rules, errors };
}

/** The repository's Falco rules files in load order: `falco.baseline`, then `paths.falco`. */
export function repositoryRulesFiles(
  config: Config,
  cwd: string,
): { files: RulesFile[]; problems: WalkProblem[] } {
  const problems: WalkProblem[] = [];
  const only = (globs: readonly string[]): DiscoveredFile[] =>
    discover(config.root, cwd, [{ kind: 'falco', globs }], problems);
  const baseline = only(config.falco.baseline);
  const seen = new Set(baseline.map((f) => f.absolute));
  const own = only(config.paths.falco ?? FALCO_PATHS).filter((f) => !seen.has(f.absolute));
  return {
    files: [
      ...baseline.map((f) => ({ absolute: f.absolute, display: f.display, baseline: true })),
      ...own.map((f) => ({ absolute: f.absolute, display: f.display })),
    ],
    problems,
  };
}

/** For `chs test`: the repository's rules as a ruleset; throws an Error naming the first problems. */
export async function loadRepositoryRuleset(config: Config, cwd: string): Promise<Ruleset> {
  const { files, problems } = repositoryRulesFiles(config, cwd);
  if (problems.length > 0)
    throw new Error(`cannot read the Falco rules: ${problems[0]?.display}: ${problems[0]?.message}`);
  const { ruleset, errors } = loadRuleset(files, config.falco.ruleMatching);
  if (errors.length > 0)
    throw new Error(
      `the repository's Falco rules do not load (run chs lint):\n${errors.slice(0, 5).join('\n')}${errors.length > 5 ? `\n... and ${errors.length - 5} more` : ''}`,
    );
  return ruleset;
}
