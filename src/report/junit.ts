/** JUnit XML: one test suite per file, one failing case per error or warning, a passing case for a clean file. */
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

export function junit(report: LintReport): string {
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  const counted = report.diagnostics.filter((d) => d.severity !== 'info');
  const byFile = new Map(report.files.map((file) => [file, counted.filter((d) => d.file === file)]));
  let tests = 0;
  for (const list of byFile.values()) tests += Math.max(list.length, 1);
  out.push(`<testsuites name="chs lint" tests="${tests}" failures="${counted.length}" errors="0">`);
  for (const [file, list] of byFile) {
    const tests = Math.max(list.length, 1);
    out.push(
      `  <testsuite name="${xmlEscape(file)}" tests="${tests}" failures="${list.length}" errors="0" skipped="0">`,
    );
    if (list.length === 0) {
      out.push(
        `    <testcase classname="${xmlEscape(file)}" name="${xmlEscape(file)}" file="${xmlEscape(file)}"/>`,
      );
    }
    for (const d of list) {
      const name = `${d.ruleId} at ${d.line}:${d.column}`;
      out.push(
        `    <testcase classname="${xmlEscape(file)}" name="${xmlEscape(name)}" file="${xmlEscape(file)}" line="${d.line}">`,
      );
      out.push(
        `      <failure type="${xmlEscape(d.severity)}" message="${xmlEscape(d.message)}">${xmlEscape(`${d.file}:${d.line}:${d.column}: ${d.severity}: ${d.message} [${d.ruleId}]`)}</failure>`,
      );
      out.push('    </testcase>');
    }
    out.push('  </testsuite>');
  }
  out.push('</testsuites>');
  return out.join('\n') + '\n';
}
