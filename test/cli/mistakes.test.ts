/**
 * Issue 16's acceptance: examples/mistakes is a small shop's policy repository with one realistic
 * mistake of each kind a new user makes, and expected-findings.txt the findings `chs lint` must
 * give there: file, line, column, severity, rule id and a message that names the fix.
 * `UPDATE_GOLDEN=1 npx vitest run test/cli/mistakes.test.ts` rewrites the file after a deliberate
 * change (read the diff: every line is a promise to a user).
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runChs } from '../helpers/cli.js';

const REPOSITORY = fileURLToPath(new URL('../../examples/mistakes/', import.meta.url));
const GOLDEN = fileURLToPath(new URL('../../examples/mistakes/expected-findings.txt', import.meta.url));
const HEADER =
  "# chs lint in examples/mistakes, with no AppArmor system root (CHS_APPARMOR_SYSTEM_ROOT=''):\n# file:line:column  severity  rule id  message\n";

interface Diagnostic {
  file: string;
  line: number;
  column: number;
  severity: string;
  ruleId: string;
  message: string;
}

describe('examples/mistakes', () => {
  it('gets exactly the findings of expected-findings.txt', async () => {
    // The runner's image has no /etc/apparmor.d either: the includes chs cannot check are infos.
    const run = await runChs(['lint', '--format', 'json'], {
      cwd: REPOSITORY,
      env: { CHS_APPARMOR_SYSTEM_ROOT: '' },
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as {
      diagnostics: Diagnostic[];
      summary: { errors: number; warnings: number; infos: number };
    };
    const lines = report.diagnostics.map(
      (d) => `${d.file}:${d.line}:${d.column}  ${d.severity}  ${d.ruleId}  ${d.message}`,
    );
    const { errors, warnings, infos } = report.summary;
    const count = (n: number, noun: string): string => `${n} ${noun}${n === 1 ? '' : 's'}`;
    const totals = [count(errors, 'error'), count(warnings, 'warning'), count(infos, 'info')].join(', ');
    const actual = `${HEADER}${lines.join('\n')}\n# ${totals}\n`;
    if (process.env.UPDATE_GOLDEN) writeFileSync(GOLDEN, actual);
    expect(actual).toBe(readFileSync(GOLDEN, 'utf8'));
  });

  it('every error says what to do', () => {
    const errors = readFileSync(GOLDEN, 'utf8')
      .split('\n')
      .filter((line) => /^\S+:\d+:\d+ {2}error /.test(line));
    expect(errors.length).toBeGreaterThan(0);
    // A fix is named: a name meant, a thing to write, add, give or name.
    const namesFix =
      /did you mean|write '|expected "," |add the file|name it .*under|: add |: give |must name|; allow "/i;
    for (const line of errors) expect(line, line).toMatch(namesFix);
  });

  it('the suppression above the > condition and the seccomp override are what keep two findings out', async () => {
    const copy = mkdtempSync(join(tmpdir(), 'chs-mistakes-'));
    cpSync(REPOSITORY, copy, { recursive: true });
    const falco = join(copy, 'policies/falco/shop.yaml');
    writeFileSync(falco, readFileSync(falco, 'utf8').replace(/^ *# chs-disable-next-line.*\n/m, ''));
    writeFileSync(
      join(copy, 'chs.yaml'),
      readFileSync(join(copy, 'chs.yaml'), 'utf8').replace(/^overrides:[\s\S]*$/m, ''),
    );
    const run = await runChs(['lint', '--format', 'json'], {
      cwd: copy,
      env: { CHS_APPARMOR_SYSTEM_ROOT: '' },
    });
    const found = (JSON.parse(run.stdout) as { diagnostics: Diagnostic[] }).diagnostics.map(
      (d) => `${d.file}:${d.line}:${d.column} ${d.ruleId}`,
    );
    // Lines of the copy, one line shorter above the condition.
    expect(found).toContain('policies/falco/shop.yaml:55:22 falco/glob-slash');
    expect(found).toContain('policies/seccomp/legacy-worker.json:7:17 seccomp/redundant-rule');
  });
});
