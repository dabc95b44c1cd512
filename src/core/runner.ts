/**
 * The lint run: configuration, discovery, reading, every language's two passes, then severity
 * overrides and suppressions. Findings are collected, never thrown.
 */
import { relative, resolve } from 'node:path';
import type { Config, LoadedConfig } from './config.js';
import { loadConfig } from './config.js';
import { didYouMeanSuffix } from './did-you-mean.js';
import { compareDiagnostics } from './diagnostic.js';
import type { Diagnostic } from './diagnostic.js';
import { FindingCap } from './finding-cap.js';
import { discover, displayPath, expandArguments, layoutOf } from './discovery.js';
import type { DiscoveredFile, Layout, WalkProblem } from './discovery.js';
import type { PolicyKind } from './kinds.js';
import type { Language, LintContext } from './language.js';
import { emptyFacts } from './language.js';
import { readTextFile } from './read.js';
import { outsideFailure, readScope, workingTreeTrusted } from './reach.js';
import type { RuleRegistry } from './registry.js';
import { findingMessage } from './rule.js';
import type { Finding } from './rule.js';
import { fileUnreadable, outsideRepository, unknownKind, unknownRule, unusedSuppression } from './rules.js';
import { SourceFile } from './source.js';
import { configuredSeverity } from './severity.js';
import { phaseClock, timingLine } from './timing.js';
import { applySuppressions, findSuppressions } from './suppress.js';
import type { Suppression } from './suppress.js';
import { rangeAt } from './yaml.js';

export interface LintOptions {
  /** Absolute working directory: paths given and shown are relative to it. */
  cwd: string;
  /** Absolute directory of the repository (where chs.yaml is looked for; default `cwd`). */
  root?: string;
  /** Paths from the command line; empty: discover the repository. */
  paths: readonly string[];
  /** Forces the kind of the files named. */
  kind?: PolicyKind;
  includeDirs?: readonly string[];
  languages: readonly Language[];
  registry: RuleRegistry;
  /** An already loaded configuration (else chs.yaml in cwd). */
  config?: LoadedConfig;
  /**
   * Whether chs.yaml's include roots outside the repository are honoured (default: outside CI
   * and on protected refs, see `workingTreeTrusted`; the preview passes the base's, trusted).
   */
  trustConfig?: boolean;
  /** Called between steps (a file read, a language linted); throws to stop the run (a budget). */
  checkpoint?: (where: string) => void;
}

export interface LintResult {
  config: Config;
  /** Problems with chs.yaml; when any, nothing else was linted. */
  configProblems: Diagnostic[];
  /** Every file read, by display path (for positions and excerpts). */
  files: Map<string, SourceFile>;
  /** Files linted, by kind. */
  filesByKind: Map<PolicyKind, SourceFile[]>;
  /** Policy files found (read or not) and paths that could not be walked; none is the caller's error to say. */
  found: number;
  /** The layout the files were looked for with (chs.yaml's paths, else the languages'). */
  layout: Layout;
  diagnostics: Diagnostic[];
}

function toDiagnostic(finding: Finding): Diagnostic {
  const { rule } = finding;
  const diagnostic: Diagnostic = {
    file: finding.file,
    severity: finding.severity ?? rule.meta.severity,
    ruleId: rule.meta.id,
    message: findingMessage(finding),
  };
  if (finding.range) diagnostic.range = finding.range;
  if (rule.meta.falcoCode) diagnostic.falcoCode = rule.meta.falcoCode;
  return diagnostic;
}

export async function lint(options: LintOptions): Promise<LintResult> {
  // CHS_TIMING=1: how long each phase took, on standard error (as ESLint's TIMING=1), to find
  // which language or file slows a repository's lint.
  const phase = phaseClock(
    process.env.CHS_TIMING ? (name, spent) => process.stderr.write(timingLine(name, spent, 28)) : undefined,
  );
  const cwd = resolve(options.cwd);
  const loaded = options.config ?? loadConfig(resolve(options.root ?? cwd), cwd);
  phase('configuration');
  const { config } = loaded;
  const result: LintResult = {
    config,
    configProblems: loaded.problems,
    files: new Map(),
    filesByKind: new Map(),
    diagnostics: [],
    found: 0,
    layout: layoutOf(config.paths, options.languages),
  };
  if (config.source) result.files.set(config.source.path, config.source);
  if (loaded.problems.length > 0) return result;

  const findings: Diagnostic[] = [];
  const cap = new FindingCap();
  const report = (finding: Finding): void => {
    if (config.rules[finding.rule.meta.id] === 'off' || !cap.admit(finding)) return;
    findings.push(toDiagnostic(finding));
  };

  // Rule ids named in chs.yaml must exist.
  const ruleIds: { id: string; at: (string | number)[] }[] = [
    ...Object.keys(config.rules).map((id) => ({ id, at: ['rules', id] })),
    ...config.overrides.flatMap((override, index) =>
      Object.keys(override.rules).map((id) => ({ id, at: ['overrides', index, 'rules', id] })),
    ),
  ];
  for (const { id, at } of ruleIds) {
    if (!options.registry.has(id) && config.source) {
      report({
        rule: unknownRule,
        messageId: 'unknown',
        data: { id, hint: didYouMeanSuffix(id, options.registry.ids()) },
        file: config.source.path,
        ...withRange(rangeAt(config.tree, at, true)),
      });
    }
  }

  const problems: WalkProblem[] = [];
  const named: DiscoveredFile[] | undefined =
    options.paths.length > 0
      ? expandArguments(options.paths, cwd, config.root, result.layout, problems)
      : undefined;
  const forced = new Set(options.kind && named ? named.map((entry) => entry.absolute) : []);
  // Files named inside the repository are checked in its context (its profiles, its other Falco
  // files, its targets), as the whole repository would be; only their findings are reported.
  const discovered = named
    ? inContext(named, config.root, cwd, result.layout)
    : discover(config.root, cwd, result.layout, problems);
  result.found =
    (named ?? discovered).filter((entry) => entry.kind !== 'tests' || forced.has(entry.absolute)).length +
    problems.length;
  for (const problem of problems) {
    if (problem.outside)
      report({
        rule: outsideRepository,
        messageId: 'outside',
        data: { what: problem.display, reason: problem.message },
        file: problem.display,
      });
    else
      report({
        rule: fileUnreadable,
        messageId: 'unreadable',
        data: { reason: problem.message },
        file: problem.display,
      });
  }

  const checkpoint = options.checkpoint ?? ((): void => undefined);
  const byKind = new Map<PolicyKind, SourceFile[]>();
  for (const entry of discovered) {
    if (entry.kind === 'tests' && !forced.has(entry.absolute)) continue;
    checkpoint(`reading ${entry.display}`);
    const read = readTextFile(entry.absolute, entry.display);
    if (!read.ok) {
      if (read.failure.prefix !== undefined)
        result.files.set(entry.display, new SourceFile(entry.display, read.failure.prefix));
      report({
        rule: fileUnreadable,
        messageId: 'unreadable',
        data: { reason: read.failure.message },
        file: entry.display,
        ...(read.failure.offset === undefined
          ? {}
          : { range: { start: read.failure.offset, end: read.failure.offset } }),
      });
      continue;
    }
    const file = read.file;
    result.files.set(file.path, file);
    let kind: PolicyKind | undefined = forced.has(entry.absolute)
      ? options.kind
      : entry.kind === 'tests'
        ? undefined
        : entry.kind;
    kind ??= options.languages.find((language) => language.sniff(file))?.kind;
    if (!kind) {
      report({ rule: unknownKind, messageId: 'unknown', file: file.path });
      continue;
    }
    const list = byKind.get(kind) ?? [];
    list.push(file);
    byKind.set(kind, list);
  }
  result.filesByKind = byKind;
  phase('discovery and reading');

  const includeDirs = (options.includeDirs ?? []).map((d) => resolve(cwd, d));
  const scope = readScope(config, { includeDirs, trustConfig: options.trustConfig ?? workingTreeTrusted() });
  for (const { index, dir } of scope.refused) {
    report({
      rule: outsideRepository,
      messageId: 'outside',
      data: {
        what: `the include root '${displayPath(dir, cwd)}' (apparmor.includeDirs)`,
        reason:
          'outside the repository, and this chs.yaml is not trusted (a job on an unprotected branch or a merge request): give the directory with --include-dir in the job definition, or copy what it holds into the repository',
      },
      file: config.source?.path ?? 'chs.yaml',
      ...withRange(rangeAt(config.tree, ['apparmor', 'includeDirs', index])),
    });
  }
  const context: LintContext = {
    config,
    cwd,
    includeDirs,
    scope,
    readFile: (absolute, display) => {
      const read = scope.reach.contains(absolute)
        ? readTextFile(absolute, display)
        : { ok: false as const, failure: outsideFailure() };
      if (read.ok) result.files.set(read.file.path, read.file);
      return read;
    },
    report,
    facts: emptyFacts(),
  };
  for (const language of options.languages) {
    language.collectFacts?.(byKind.get(language.kind) ?? [], context);
    phase(`${language.kind}: facts`);
    checkpoint(`reading the ${language.kind} files`);
  }
  for (const language of options.languages) {
    const files = byKind.get(language.kind);
    if (files && files.length > 0) await language.lint(files, context);
    phase(`${language.kind}: lint`);
    checkpoint(`linting the ${language.kind} files`);
  }

  // A summary is as severe as the findings it counts, chs.yaml's override of their rule included.
  for (const summary of cap.summaries((finding) => {
    const override = config.rules[finding.rule.meta.id];
    return override && override !== 'off' ? override : (finding.severity ?? finding.rule.meta.severity);
  }))
    findings.push(toDiagnostic(summary));

  // Severity overrides, then suppressions.
  const overridden: Diagnostic[] = [];
  for (const diagnostic of findings) {
    const override = configuredSeverity(config, diagnostic.ruleId, diagnostic.file, cwd);
    if (override === 'off') continue;
    overridden.push(override ? { ...diagnostic, severity: override } : diagnostic);
  }
  const suppressions = new Map<string, Suppression[]>();
  for (const [path, file] of result.files) {
    const list = findSuppressions(file);
    if (list.length > 0) suppressions.set(path, list);
  }
  const kept = applySuppressions(overridden, result.files, suppressions);
  for (const [path, list] of suppressions) {
    for (const suppression of list) {
      const range = { start: suppression.start, end: suppression.end };
      for (const id of suppression.ruleIds) {
        if (!options.registry.has(id)) {
          kept.push(
            toDiagnostic({
              rule: unknownRule,
              messageId: 'unknown',
              data: { id, hint: didYouMeanSuffix(id, options.registry.ids()) },
              file: path,
              range,
            }),
          );
        }
      }
      const unused =
        suppression.ruleIds.length === 0
          ? suppression.used.size === 0
          : suppression.ruleIds.some((id) => !suppression.used.has(id) && options.registry.has(id));
      if (unused && config.rules[unusedSuppression.meta.id] !== 'off') {
        const which = suppression.ruleIds.filter((id) => !suppression.used.has(id));
        kept.push({
          ...toDiagnostic({
            rule: unusedSuppression,
            messageId: 'unused',
            data: { which: which.length > 0 ? ` (${which.join(', ')})` : '' },
            file: path,
            range,
          }),
          ...(config.rules[unusedSuppression.meta.id]
            ? { severity: config.rules[unusedSuppression.meta.id] as 'error' | 'warning' | 'info' }
            : {}),
        });
      }
    }
  }
  result.diagnostics = kept.sort(compareDiagnostics);
  if (named) {
    const reported = new Set(named.map((entry) => entry.display));
    result.diagnostics = result.diagnostics.filter((d) => reported.has(d.file));
    for (const [kind, files] of byKind) byKind.set(kind, files.filter((f) => reported.has(f.path)));
  }
  phase('suppressions and severities');
  return result;
}

/**
 * The repository's files (in its load order) with the named ones shown as the user named them,
 * then the named files the repository's layout does not hold. Problems of the repository's other
 * files are not collected: they are not reported.
 */
function inContext(
  named: readonly DiscoveredFile[],
  root: string,
  cwd: string,
  layout: Layout,
): DiscoveredFile[] {
  const inside = named.some((entry) => !relative(root, entry.absolute).startsWith('..'));
  if (!inside) return [...named];
  const byPath = new Map(named.map((entry) => [entry.absolute, entry]));
  const out: DiscoveredFile[] = [];
  for (const entry of discover(root, cwd, layout, [])) {
    const own = byPath.get(entry.absolute);
    out.push(own ?? entry);
    byPath.delete(entry.absolute);
  }
  return [...out, ...byPath.values()];
}

function withRange(range: { start: number; end: number } | undefined): {
  range?: { start: number; end: number };
} {
  return range ? { range } : {};
}
