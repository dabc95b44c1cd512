/**
 * `chs test`: find the test files (the paths given, else chs.yaml's `paths.tests`, by default
 * `policies/tests/**\/*.yaml`), read their cases, run each through its kind, and collect one
 * result per case (and one per file that cannot be read).
 */
import type { Config } from '../core/config.js';
import { discover, expandArguments, layoutOf } from '../core/discovery.js';
import type { WalkProblem } from '../core/discovery.js';
import { UserError } from '../core/errors.js';
import { readTextFile } from '../core/read.js';
import type { SourceFile } from '../core/source.js';
import type { PolicyLanguage } from '../languages/language.js';
import { languages as allLanguages } from '../languages/list.js';
import { parseTestFile } from './parse.js';
import type { CaseKind, Problem, RunContext, TestCase, TestResult } from './types.js';

export interface TestRunOptions {
  cwd: string;
  config: Config;
  /** Files or directories; empty for the repository's test files. */
  paths: readonly string[];
  context: RunContext;
  /** The languages: where their files are, and the test case kinds they bring (default: all). */
  languages?: readonly PolicyLanguage[];
  /** Replaces the languages' case kinds (tests). */
  kinds?: readonly CaseKind[];
}

/** Every language's test case kinds, by key. */
export async function caseKindsOf(languages: readonly PolicyLanguage[]): Promise<CaseKind[]> {
  const kinds = await Promise.all(languages.map(async (language) => (await language.testCases?.()) ?? []));
  return kinds.flat().sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

export interface TestRun {
  results: TestResult[];
  files: string[];
}

const isYaml = (path: string): boolean => /\.ya?ml$/i.test(path);

function problemLines(file: SourceFile, problems: readonly Problem[]): string {
  return problems
    .map((p) => {
      const { line, column } = file.position(p.range.start);
      return `${file.path}:${line}:${column}: ${p.message}`;
    })
    .join('\n');
}

function resultAt(
  file: SourceFile,
  offset: number,
  name: string,
  passed: boolean,
  message: string,
): TestResult {
  const { line, column } = file.position(offset);
  return { file: file.path, line, column, name, passed, message };
}

async function runCase(
  testCase: TestCase,
  kinds: readonly CaseKind[],
  context: RunContext,
): Promise<TestResult> {
  const { file, name } = testCase;
  const result = (passed: boolean, message: string): TestResult => ({
    ...resultAt(file, testCase.range.start, name, passed, message),
    ...(testCase.kind ? { kind: testCase.kind } : {}),
  });
  if (testCase.problems.length > 0)
    return result(false, `invalid test case:\n${problemLines(file, testCase.problems)}`);
  const kind = kinds.find((k) => k.key === testCase.kind);
  if (!kind || testCase.body?.kind !== 'map') return result(false, 'invalid test case');
  try {
    const outcome = await kind.evaluate(testCase.body, context);
    return result(outcome.passed, outcome.message);
  } catch (error) {
    return result(false, error instanceof Error ? error.message : String(error));
  }
}

function findTestFiles(options: Pick<TestRunOptions, 'cwd' | 'config' | 'paths' | 'languages'>): {
  files: { absolute: string; display: string }[];
  problems: WalkProblem[];
} {
  const problems: WalkProblem[] = [];
  const { cwd, config, paths } = options;
  const layout = layoutOf(config.paths, options.languages ?? allLanguages);
  if (paths.length > 0) {
    const named = new Set(paths);
    const files = expandArguments(paths, cwd, config.root, layout, problems).filter(
      (f) => named.has(f.display) || isYaml(f.absolute),
    );
    return { files, problems };
  }
  const files = discover(config.root, cwd, layout, problems).filter((f) => f.kind === 'tests');
  return { files, problems };
}

export async function runTests(options: TestRunOptions): Promise<TestRun> {
  const kinds = options.kinds ?? (await caseKindsOf(options.languages ?? allLanguages));
  const { files, problems } = findTestFiles(options);
  if (problems.length > 0) {
    const first = problems[0] as WalkProblem;
    throw new UserError(`${first.display}: ${first.message}`);
  }
  if (files.length === 0 && options.paths.length > 0)
    throw new UserError(`no test files (*.yaml) under ${options.paths.join(', ')}`);
  const results: TestResult[] = [];
  for (const { absolute, display } of files) {
    const read = readTextFile(absolute, display);
    if (!read.ok) {
      results.push({
        file: display,
        line: 1,
        column: 1,
        name: '(file)',
        passed: false,
        message: read.failure.message,
      });
      continue;
    }
    const parsed = parseTestFile(read.file, kinds);
    for (const problem of parsed.problems)
      results.push(
        resultAt(read.file, problem.range.start, '(file)', false, problemLines(read.file, [problem])),
      );
    for (const testCase of parsed.cases) results.push(await runCase(testCase, kinds, options.context));
  }
  return { results, files: files.map((f) => f.display) };
}
