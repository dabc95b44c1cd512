/**
 * One rule tester for every language, as typescript-eslint's RuleTester: valid and invalid cases
 * for a rule, each a small repository (policy files, optionally chs.yaml) linted by the real
 * runner, the invalid ones listing every finding of the rule with its line, column and message.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/core/diagnostic.js';
import type { ExampleFile } from '../../src/core/rule.js';
import { lint } from '../../src/core/runner.js';
import { languages, registry } from '../../src/languages/index.js';

export interface Position {
  ruleId: string;
  line: number;
  column: number;
  message: string;
  severity: Diagnostic['severity'];
}

export interface ValidCase {
  name?: string;
  files: readonly ExampleFile[];
}

export interface InvalidCase extends ValidCase {
  /** Every finding of the rule, in file order. */
  errors: readonly { line: number; column: number; message: string }[];
}

const dirs: string[] = [];
// The cases describe a CI job's machine, which has no /etc/apparmor.d (rather than the suite's
// fixture of one): an empty AppArmor system root, whatever test/setup.ts chose.
const systemRoot = mkdtempSync(join(tmpdir(), 'chs-rule-tester-system-'));
process.env.CHS_APPARMOR_SYSTEM_ROOT = systemRoot;
dirs.push(systemRoot);
afterAll(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Lints a repository made of the files; every finding, with 1-based positions. */
export async function lintFiles(files: readonly ExampleFile[]): Promise<Position[]> {
  const dir = mkdtempSync(join(tmpdir(), 'chs-rule-tester-'));
  dirs.push(dir);
  for (const file of files) {
    mkdirSync(dirname(join(dir, file.path)), { recursive: true });
    writeFileSync(join(dir, file.path), file.text);
  }
  const paths = files.filter((file) => file.named).map((file) => file.path);
  const result = await lint({ cwd: dir, paths, languages, registry });
  return [...result.configProblems, ...result.diagnostics].map((d) => {
    const at = d.range ? result.files.get(d.file)?.position(d.range.start) : undefined;
    return {
      ruleId: d.ruleId,
      line: at?.line ?? 1,
      column: at?.column ?? 1,
      message: d.message,
      severity: d.severity,
    };
  });
}

export class RuleTester {
  run(ruleId: string, cases: { valid: readonly ValidCase[]; invalid: readonly InvalidCase[] }): void {
    describe(ruleId, () => {
      it('is a registered rule', () => {
        expect(registry.has(ruleId)).toBe(true);
      });
      cases.valid.forEach((c, i) => {
        it(`valid: ${c.name ?? `case ${i + 1}`}`, async () => {
          const found = (await lintFiles(c.files)).filter((f) => f.ruleId === ruleId);
          expect(found).toEqual([]);
        });
      });
      cases.invalid.forEach((c, i) => {
        it(`invalid: ${c.name ?? `case ${i + 1}`}`, async () => {
          const found = (await lintFiles(c.files)).filter((f) => f.ruleId === ruleId);
          expect(found.map(({ line, column, message }) => ({ line, column, message }))).toEqual(c.errors);
        });
      });
    });
  }
}
