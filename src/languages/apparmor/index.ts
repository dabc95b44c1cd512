/**
 * The AppArmor language: apparmor.d profiles parsed with positions, checked as apparmor_parser
 * would check them, then against what matters for containers.
 */
import { dirname, resolve } from 'node:path';
import type { Config } from '../../core/config.js';
import { emptyFacts } from '../../core/language.js';
import type { Language, LintContext } from '../../core/language.js';
import { readScope, systemAppArmorRoot } from '../../core/reach.js';
import type { Finding } from '../../core/rule.js';
import type { SourceFile } from '../../core/source.js';
import { analyze, loadProfileSetWithAnalysis } from './analyze.js';
import type { Statement } from './ast.js';
import type { Analysis, AnalyzeOptions } from './analyze.js';
import type { ProfileSet } from './evaluate.js';
import type { FileInfo } from './load.js';
import type { CheckContext } from './rules/context.js';
import { apparmorRules } from './rules/index.js';

/**
 * The system's include root when it exists: /etc/apparmor.d, or CHS_APPARMOR_SYSTEM_ROOT when set
 * (empty: none; the tests use it to run as in a CI image without AppArmor).
 */
export function systemIncludeRoot(): string | undefined {
  return systemAppArmorRoot();
}

/**
 * Include roots in search order: --include-dir, chs.yaml apparmor.includeDirs, the system's (the
 * configuration taken as trusted; a run's own roots are `LintContext.scope`).
 */
export function includeRoots(context: Pick<LintContext, 'includeDirs' | 'config'>): string[] {
  return [...readScope(context.config, { includeDirs: context.includeDirs, trustConfig: true }).includeRoots];
}

const SNIFF =
  /^[ \t]*(?:(?:profile|hat)[ \t]+\S+[^\n]*\{|\/\S*[ \t][^\n]*\{[ \t]*(?:#.*)?$|#include[ \t]*[<"]|include[ \t]+(?:if[ \t]+exists[ \t]+)?[<"]|abi[ \t]*<)/m;

interface Analyzed {
  analysis: Analysis;
  findings: Finding[];
}

/**
 * One run's analyses, shared by collectFacts and lint (each file is parsed once), with the run's
 * include roots and the stats of the files it includes (files do not change during a run).
 */
const runs = new WeakMap<
  LintContext,
  { analyses: Map<SourceFile, Analyzed>; roots: string[]; fileInfo: Map<string, FileInfo> }
>();

function analyzeFile(file: SourceFile, context: LintContext): Analyzed {
  let run = runs.get(context);
  if (!run) {
    run = { analyses: new Map(), roots: [...context.scope.includeRoots], fileInfo: new Map() };
    runs.set(context, run);
  }
  const cache = run.analyses;
  const cached = cache.get(file);
  if (cached) return cached;
  const findings: Finding[] = [];
  const absolute = resolve(context.cwd, file.path);
  const analysis = analyze([{ file, absolute }], {
    roots: run.roots,
    bases: [context.cwd, dirname(absolute)],
    cwd: context.cwd,
    readFile: context.readFile,
    report: (finding) => findings.push(finding),
    fileInfo: run.fileInfo,
    reach: context.scope.reach,
  });
  const result = { analysis, findings };
  cache.set(file, result);
  return result;
}

/** The files an included file includes in turn, by its statements (shared includes are walked once). */
const includedBy = new WeakMap<readonly Statement[], Set<string>>();

function collectIncluded(statements: readonly Statement[], out: Set<string>): void {
  for (const statement of statements) {
    if (statement.kind === 'include') {
      for (const file of statement.files) {
        out.add(file.path);
        let inner = includedBy.get(file.statements);
        if (!inner) {
          inner = new Set();
          collectIncluded(file.statements, inner);
          includedBy.set(file.statements, inner);
        }
        for (const path of inner) out.add(path);
      }
    } else if (statement.kind === 'profile') collectIncluded(statement.body, out);
    else if (statement.kind === 'block') collectIncluded(statement.body, out);
    else if (statement.kind === 'if') {
      collectIncluded(statement.then, out);
      if (statement.otherwise) collectIncluded(statement.otherwise, out);
    }
  }
}

export const apparmor: Language = {
  kind: 'apparmor',
  defaultPaths: ['policies/apparmor/**'],
  rules: apparmorRules,
  sniff: (file) => SNIFF.test(file.text),
  collectFacts(files, context) {
    for (const file of files) {
      const { analysis } = analyzeFile(file, context);
      for (const profile of analysis.model.profiles) {
        if (profile.parent || profile.file !== file.path || !profile.node.name) continue;
        if (!context.facts.apparmorProfiles.has(profile.name)) {
          context.facts.apparmorProfiles.set(profile.name, {
            file: file.path,
            range: { start: profile.node.name.start, end: profile.node.name.end },
          });
        }
      }
    }
  },
  lint(files, context) {
    const lines = new Map<string, SourceFile>(files.map((f) => [f.path, f]));
    const analyses = files.map((file) => ({ file, ...analyzeFile(file, context) }));
    // Rule fragments kept beside the profiles (abstractions, tunables) are checked where they are
    // included, not as profiles of their own.
    const included = new Set<string>();
    for (const { analysis } of analyses) {
      for (const loaded of analysis.files) collectIncluded(loaded.statements, included);
    }
    const seen = new Set<string>();
    for (const { file, analysis, findings } of analyses) {
      const fragment = included.has(file.path) && !analysis.model.profiles.some((p) => p.file === file.path);
      if (fragment) continue;
      for (const finding of findings) {
        // An include shared by several profiles reports its problems once.
        const key = `${finding.file}\0${finding.range?.start ?? -1}\0${finding.rule.meta.id}\0${finding.messageId}`;
        if (seen.has(key)) continue;
        seen.add(key);
        context.report(finding);
      }
      checkFile(file, analysis, context, lines);
    }
  },
};

/** The checks of the rules beyond apparmor_parser's grammar, on one analyzed policy file. */
function checkFile(
  file: SourceFile,
  analysis: Analysis,
  context: Pick<CheckContext, 'config' | 'facts' | 'report'>,
  lines: ReadonlyMap<string, SourceFile> = new Map(),
): void {
  const check: CheckContext = {
    model: analysis.model,
    file: file.path,
    text: file.text,
    statements: analysis.files.find((f) => f.file.path === file.path)?.statements ?? [],
    config: context.config,
    facts: context.facts,
    report: context.report,
    where: (path, from, offset) => {
      const source = lines.get(path) ?? analysis.files.find((f) => f.file.path === path)?.file;
      const line = source ? source.position(offset).line : 0;
      return path === from ? `line ${line}` : `${path}:${line}`;
    },
  };
  for (const rule of apparmorRules) rule.check?.(check);
}

/**
 * One policy file as the loader's apparmor_parser run loads it (on its own, with its includes),
 * ready for `evaluateAccess`, with every finding lint gives it on its own: the parser's and the
 * checks' (AppArmor 4 syntax for AppArmor 3 nodes, a missing child profile...). Profiles of other
 * files are not known here: what needs them (duplicate names) is the caller's.
 */
export function loadProfileFile(
  input: { path: string; text: string },
  options: Omit<AnalyzeOptions, 'report'>,
  config: Config,
): { set: ProfileSet; findings: Finding[] } {
  const { set, findings, analysis } = loadProfileSetWithAnalysis([input], options);
  const file = analysis.files[0]?.file;
  if (file) checkFile(file, analysis, { config, facts: emptyFacts(), report: (f) => findings.push(f) });
  return { set, findings };
}

// The public API beyond linting: what the preview, chs test, chs render and the CLI use.
export { loadProfileSet, mergeProfileSets } from './analyze.js';
export { ACCESS_PERMISSIONS, evaluateAccess } from './evaluate.js';
export { UNIX_TYPES } from './evaluate/unix.js';
export type { Access, AccessDecision, ProfileSet } from './evaluate.js';
export type { ProfileModel } from './model.js';
export { uncheckedInclude } from './rules/unchecked-include.js';
export { operatorFit } from './operator.js';
export { parseApparmor } from './parser.js';
export { CAPABILITIES, NETWORK_DOMAINS, NETWORK_PROTOCOL_TYPES, NETWORK_TYPES } from './tables.js';
