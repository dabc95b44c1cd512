/** The example repository's seccomp profiles lint clean and its seccomp test cases hold. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { load } from 'js-yaml';
import { lint } from '../../src/core/runner.js';
import { SourceFile } from '../../src/core/source.js';
import { languages, registry } from '../../src/languages/index.js';
import { evaluateSyscall, parseSeccompProfile, sameAction } from '../../src/languages/seccomp/index.js';

const examples = fileURLToPath(new URL('../../examples', import.meta.url));

interface SeccompCase {
  name: string;
  seccomp?: { profile: string; syscall: string; args?: (number | string)[]; arch?: string; expect: string };
}

describe('example seccomp policies', () => {
  it('lint clean', async () => {
    const result = await lint({ cwd: examples, paths: ['policies/seccomp'], languages, registry });
    expect(result.filesByKind.get('seccomp')?.length).toBeGreaterThanOrEqual(2);
    expect(result.diagnostics).toEqual([]);
  });

  it('pass their test cases', () => {
    const doc = load(readFileSync(`${examples}/policies/tests/seccomp.yaml`, 'utf8')) as {
      tests: SeccompCase[];
    };
    const cases = doc.tests.filter((t) => t.seccomp);
    expect(cases.length).toBeGreaterThan(5);
    for (const { name, seccomp } of cases) {
      if (!seccomp) continue;
      const path = `${examples}/${seccomp.profile}`;
      const parsed = parseSeccompProfile(new SourceFile(seccomp.profile, readFileSync(path, 'utf8')));
      if (!parsed.profile) throw new Error(`${seccomp.profile}: ${parsed.problems[0]?.message}`);
      const result = evaluateSyscall(parsed.profile, {
        syscall: seccomp.syscall,
        ...(seccomp.args ? { args: seccomp.args } : {}),
        ...(seccomp.arch ? { arch: seccomp.arch } : {}),
      });
      expect(sameAction(result.action, seccomp.expect), `${name}: got ${result.action}`).toBe(true);
    }
  });
});
