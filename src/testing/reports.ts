/**
 * `chs test --report`: the test cases as JUnit (one suite per test file, one case per test case)
 * and failed cases as Code Quality issues at the case's line, through the lint's writers.
 */
import { codeQuality } from '../report/codequality.js';
import { junitXml } from '../report/junit.js';
import type { JUnitSuite } from '../report/junit.js';
import type { ResolvedDiagnostic } from '../report/positions.js';
import type { TestResult } from './types.js';

export function testJUnit(results: readonly TestResult[]): string {
  const suites = new Map<string, JUnitSuite>();
  for (const r of results) {
    let suite = suites.get(r.file);
    if (!suite) suites.set(r.file, (suite = { name: r.file, cases: [] }));
    const firstLine = r.message.split('\n')[0] ?? '';
    suite.cases.push({
      name: r.name,
      file: r.file,
      line: r.line,
      ...(r.passed ? {} : { failure: { type: 'failed', message: firstLine, text: r.message } }),
    });
  }
  return junitXml('chs test', [...suites.values()]);
}

/** A failed case as a finding; the case's name stands for the line's text so that its fingerprint keeps. */
function finding(r: TestResult): ResolvedDiagnostic {
  const firstLine = r.message.split('\n')[0] ?? '';
  return {
    file: r.file,
    line: r.line,
    column: r.column,
    endLine: r.line,
    endColumn: r.column,
    severity: 'error',
    ruleId: 'chs/policy-test',
    message: `test case "${r.name}" failed${firstLine ? `: ${firstLine}` : ''}`,
    lineText: r.name,
  };
}

export function testCodeQuality(results: readonly TestResult[]): string {
  const failed = results.filter((r) => !r.passed).map(finding);
  return codeQuality({
    diagnostics: failed,
    files: [...new Set(results.map((r) => r.file))],
    summary: { errors: failed.length, warnings: 0, infos: 0 },
  });
}
