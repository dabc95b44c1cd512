/** `chs test` output: text for people (a mark per case, the diff under a failure) and JSON. */
import { printable } from '../core/printable.js';
import type { Colors } from '../report/colors.js';
import type { TestResult } from './types.js';

export function summarize(results: readonly TestResult[]): { passed: number; failed: number } {
  const passed = results.filter((r) => r.passed).length;
  return { passed, failed: results.length - passed };
}

/** PRODUCT.md: `{"results":[{"file","name","passed","message"}],"summary":{"passed","failed"}}` (plus line, column, kind). */
export function testJson(results: readonly TestResult[]): string {
  return `${JSON.stringify({ results, summary: summarize(results) }, null, 2)}\n`;
}

export function testText(results: readonly TestResult[], colors: Colors): string {
  let out = '';
  let file: string | undefined;
  for (const result of results) {
    // Printable before the colours are added: names and messages come from the test files.
    const shown = printable(result.file);
    if (result.file !== file) {
      file = result.file;
      out += `${out ? '\n' : ''}${colors.underline(shown)}\n`;
    }
    const mark = result.passed ? colors.green('✓') : colors.red('✗');
    out += `  ${mark} ${printable(result.name)} ${colors.dim(`(${shown}:${result.line})`)}\n`;
    if (!result.passed && result.message)
      out += `${printable(result.message)
        .split('\n')
        .map((line) => `      ${line}`)
        .join('\n')}\n`;
  }
  const { passed, failed } = summarize(results);
  const summary = `${results.length} test cases: ${passed} passed, ${failed} failed`;
  out += `\n${failed > 0 ? colors.red(colors.bold(summary)) : colors.green(summary)}\n`;
  return out;
}
