/**
 * JUnit XML, as GitLab's test report reads it. One writer for every report chs writes in JUnit:
 * the lint's (one suite per file, one case per error or warning, a passing case for a clean file)
 * and the policy tests' (one suite per test file, one case per test case).
 *
 * Only what fails is a failure: a lint error is a failing case; a warning is a passing case whose
 * name ends in "(warning)" and whose `system-out` holds the finding, so a green lint job never
 * shows failed tests in the merge request's test widget. Infos are left out.
 */
import type { LintReport } from './positions.js';

export function xmlEscape(text: string): string {
  return text
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '\ufffd')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

export interface JUnitCase {
  name: string;
  file: string;
  line?: number;
  /** Present when the case failed. */
  failure?: { type: string; message: string; text: string };
  /** Shown beside a passing case (a warning). */
  output?: string;
}

export interface JUnitSuite {
  name: string;
  cases: JUnitCase[];
}

/** The XML of suites of cases: counts in the `testsuites` and `testsuite` attributes. */
export function junitXml(name: string, suites: readonly JUnitSuite[]): string {
  const failures = (cases: readonly JUnitCase[]): number => cases.filter((c) => c.failure).length;
  const all = suites.flatMap((s) => s.cases);
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  out.push(
    `<testsuites name="${xmlEscape(name)}" tests="${all.length}" failures="${failures(all)}" errors="0">`,
  );
  for (const suite of suites) {
    const suiteName = xmlEscape(suite.name);
    out.push(
      `  <testsuite name="${suiteName}" tests="${suite.cases.length}" failures="${failures(suite.cases)}" errors="0" skipped="0">`,
    );
    for (const c of suite.cases) {
      const line = c.line === undefined ? '' : ` line="${c.line}"`;
      const open = `    <testcase classname="${suiteName}" name="${xmlEscape(c.name)}" file="${xmlEscape(c.file)}"${line}`;
      if (!c.failure && c.output === undefined) {
        out.push(`${open}/>`);
        continue;
      }
      out.push(`${open}>`);
      if (c.failure)
        out.push(
          `      <failure type="${xmlEscape(c.failure.type)}" message="${xmlEscape(c.failure.message)}">${xmlEscape(c.failure.text)}</failure>`,
        );
      if (c.output !== undefined) out.push(`      <system-out>${xmlEscape(c.output)}</system-out>`);
      out.push('    </testcase>');
    }
    out.push('  </testsuite>');
  }
  out.push('</testsuites>');
  return out.join('\n') + '\n';
}

/** The lint's JUnit report. */
export function junit(report: LintReport): string {
  const shown = report.diagnostics.filter((d) => d.severity !== 'info');
  const suites = report.files.map((file): JUnitSuite => {
    const cases = shown
      .filter((d) => d.file === file)
      .map((d): JUnitCase => {
        const text = `${d.file}:${d.line}:${d.column}: ${d.severity}: ${d.message} [${d.ruleId}]`;
        const name = `${d.ruleId} at ${d.line}:${d.column}`;
        return d.severity === 'error'
          ? { name, file, line: d.line, failure: { type: d.severity, message: d.message, text } }
          : { name: `${name} (warning)`, file, line: d.line, output: text };
      });
    return { name: file, cases: cases.length > 0 ? cases : [{ name: file, file }] };
  });
  return junitXml('chs lint', suites);
}
