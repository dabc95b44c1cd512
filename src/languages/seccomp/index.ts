/**
 * seccomp profiles (OCI / Docker JSON): read with positions, validated, linted, evaluated.
 * Exports what the test runner, the impact preview and the renderer use.
 */
import { resolve } from 'node:path';
import { DEFAULT_SECCOMP_PATHS } from '../../core/delivery.js';
import { relativePosix } from '../../core/paths.js';
import { effectiveMode } from '../../core/config.js';
import type { Config } from '../../core/config.js';
import type { Language, LintContext } from '../../core/language.js';
import { emptyFacts } from '../../core/language.js';
import { FindingCap } from '../../core/finding-cap.js';
import { outsideFailure, readScope } from '../../core/reach.js';
import type { Finding } from '../../core/rule.js';
import type { SourceFile } from '../../core/source.js';
import { parseSeccompProfile } from './profile.js';
import type { ParsedProfile, ProfileProblem, Runtime, SeccompProfile } from './profile.js';
import type { Mode } from '../../core/kinds.js';
import { invalidJson } from './rules/invalid-json.js';
import { seccompRules } from './rules/index.js';
import { schema } from './rules/schema.js';

export { evaluateSyscall } from './evaluate.js';
export type { Evaluation, SyscallQuery } from './evaluate.js';
export { toMonitorMode, forRuntime } from './monitor.js';
export { parseSeccompProfile } from './profile.js';
export type { Runtime, SeccompProfile } from './profile.js';
export { sameAction } from './actions.js';

const SNIFF = /"(defaultAction|syscalls)"\s*:/;

/** The path a pod's `localhostProfile` would name: relative to the repository root, with slashes. */
function repositoryPath(file: SourceFile, context: LintContext): string {
  return relativePosix(context.config.root, resolve(context.cwd, file.path));
}

/**
 * Profiles parsed once per path, content and runtime: lint, `chs test` and the preview each read
 * a file into a SourceFile of their own, and the preview reads both sides; a 6 MB profile was
 * parsed five times in one preview (each parse about 40 MB and 0.4 s). Recent parses are kept
 * while their texts total at most PARSED_TEXT_CHARS, so a long-lived bot keeps little.
 */
const PARSED_TEXT_CHARS = 16 * 1024 * 1024;
const PARSED_ENTRIES = 64;

interface ParsedEntry {
  runtime: Runtime;
  path: string;
  text: string;
  parsed: ParsedProfile;
}

/** The most recent last. */
const parsedProfiles: ParsedEntry[] = [];

/** parseSeccompProfile, once per path, content and runtime (chs.yaml's `seccomp.runtime`). */
export function readProfile(file: SourceFile, runtime: Runtime): ParsedProfile {
  const { path, text } = file;
  // Comparing the texts costs a few milliseconds for a large profile, less than hashing it.
  const at = parsedProfiles.findIndex(
    (entry) => entry.runtime === runtime && entry.path === path && entry.text === text,
  );
  if (at !== -1) {
    const [entry] = parsedProfiles.splice(at, 1) as [ParsedEntry];
    parsedProfiles.push(entry);
    return entry.parsed;
  }
  const parsed = parseSeccompProfile(file, { runtime });
  parsedProfiles.push({ runtime, path, text, parsed });
  // The oldest go first; the one just parsed stays, however large.
  let chars = parsedProfiles.reduce((sum, entry) => sum + entry.text.length, 0);
  while (parsedProfiles.length > 1 && (chars > PARSED_TEXT_CHARS || parsedProfiles.length > PARSED_ENTRIES))
    chars -= (parsedProfiles.shift() as ParsedEntry).text.length;
  return parsed;
}

function parse(file: SourceFile, context: LintContext): ParsedProfile {
  return readProfile(file, context.config.seccomp.runtime);
}

/**
 * The profile's mode: its own `x-chs.mode`, else `block` when a target deploys it in block mode
 * (a profile goes to every target), else chs.yaml's mode.
 */
function modeOf(profile: SeccompProfile, context: LintContext): { mode: Mode; blockTargets: string[] } {
  const own = profile.mode?.value;
  if (own) return { mode: own, blockTargets: [] };
  const { config } = context;
  const blocking = config.targets.filter(
    (target) => effectiveMode(config, undefined, target.name) === 'block',
  );
  // Name the targets only when their own setting makes the difference.
  const blockTargets = blocking.filter((target) => target.mode === 'block').map((target) => target.name);
  return { mode: blocking.length > 0 ? 'block' : config.mode, blockTargets };
}

/** Reports every finding about one profile. */
export function lintProfile(
  file: SourceFile,
  context: LintContext,
  rules: readonly (typeof seccompRules)[number][] = seccompRules,
): void {
  const parsed = parse(file, context);
  const reportProblem = (problem: ProfileProblem): void => {
    if (problem.kind === 'syntax') {
      context.report({
        rule: invalidJson,
        messageId: 'syntax',
        data: { message: problem.message },
        file: file.path,
        range: problem.range,
      });
    } else {
      const duplicate = problem.kind === 'duplicate-key';
      context.report({
        rule: schema,
        messageId: duplicate ? 'duplicateKey' : 'invalid',
        data: { message: problem.message },
        file: file.path,
        range: problem.range,
        ...(duplicate ? { severity: 'warning' as const } : {}),
      });
    }
  };
  const schemaProblems = parsed.problems.filter((problem) => problem.kind !== 'duplicate-key');
  for (const problem of schemaProblems) reportProblem(problem);
  // Problems past the cap were counted, not made: the first stands for them all, reported as
  // many times as there are, so the count of chs/more-findings stays exact.
  if (parsed.omitted) for (let i = 0; i < parsed.omitted.count; i++) reportProblem(parsed.omitted.first);
  for (const problem of parsed.problems) if (problem.kind === 'duplicate-key') reportProblem(problem);
  const profile = parsed.profile;
  if (!profile) return;
  const checkContext = {
    profile,
    source: file,
    runtime: profile.runtime,
    ...modeOf(profile, context),
    report: context.report,
  };
  for (const rule of rules) rule.check?.(checkContext);
}

/**
 * The rules whose findings mean the runtime refuses the profile, or reads it otherwise than it
 * says: such a profile is evaluated nowhere. The others (an essential system call denied, a name
 * no architecture has, which runc skips) leave a profile that loads and decides as written.
 */
const LOAD_RULES: ReadonlySet<string> = new Set([
  'seccomp/invalid-json',
  'seccomp/schema',
  'seccomp/unknown-action',
  'seccomp/unknown-architecture',
  'seccomp/invalid-argument',
  'seccomp/conflicting-rule',
  'seccomp/notify',
]);
/** Only they run for loadFindings: the others' findings would be dropped (750,000 unknown names). */
const loadRules = seccompRules.filter((rule) => LOAD_RULES.has(rule.meta.id));

/**
 * What chs lint reports about one profile that stops it loading, for the commands that must not
 * evaluate such a profile (`chs test`, the preview): an unknown action, a bad argument.
 */
export function loadFindings(file: SourceFile, config: Config, cwd: string): Finding[] {
  const findings: Finding[] = [];
  const cap = new FindingCap();
  lintProfile(
    file,
    {
      config,
      cwd,
      includeDirs: [],
      scope: readScope(config, { trustConfig: false }),
      readFile: () => ({ ok: false, failure: outsideFailure() }),
      // Only the load rules' findings are kept, and at most MAX_FINDINGS_PER_RULE of each, as lint
      // does: a profile of 750,000 names of the wrong type makes as many schema findings.
      report: (finding) => {
        if (LOAD_RULES.has(finding.rule.meta.id) && cap.admit(finding)) findings.push(finding);
      },
      facts: emptyFacts(),
    },
    loadRules,
  );
  for (const summary of cap.summaries((finding) => finding.severity ?? finding.rule.meta.severity))
    findings.push(summary);
  return findings;
}

export const seccomp: Language = {
  kind: 'seccomp',
  defaultPaths: DEFAULT_SECCOMP_PATHS,
  rules: seccompRules,
  sniff(file) {
    const head = file.text.slice(0, 64 * 1024);
    return /^\s*\{/.test(head) && SNIFF.test(head);
  },
  collectFacts(files, context) {
    for (const file of files) {
      context.facts.seccompProfiles.set(repositoryPath(file, context), {
        file: file.path,
        range: { start: 0, end: Math.min(file.text.length, 1) },
      });
    }
  },
  lint(files, context) {
    for (const file of files) lintProfile(file, context);
  },
};

// The public API beyond linting: what the preview, chs test, chs render and the CLI use.
export { ACTIONS, isAction } from './actions.js';
export { DOCKER_ARCHES, SCMP_ARCHES, isKnownSyscall, scmpArch, syscallNames } from './syscalls.js';
