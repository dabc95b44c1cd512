/**
 * The example repository's policy tests all pass, with every kind of case present: `chs test`
 * run in-process on examples/ with its chs.yaml, as a user would run it there.
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/core/config.js';
import { createRunContext } from '../../src/testing/context.js';
import { runTests } from '../../src/testing/run.js';

const examples = fileURLToPath(new URL('../../examples', import.meta.url));

describe('examples/policies/tests', () => {
  it('all pass', async () => {
    const { config, problems } = loadConfig(examples, examples);
    expect(problems).toEqual([]);
    const run = await runTests({
      cwd: examples,
      config,
      paths: [],
      context: createRunContext({ config, cwd: examples }),
    });
    // The profiles' <tunables/global> and <abstractions/...> come from the tests' own system root.
    const results = run.results;
    expect(
      results.filter((r) => !r.passed).map((r) => `${r.file}:${r.line} ${r.name}: ${r.message}`),
    ).toEqual([]);
    const kinds = new Set(results.map((r) => r.kind));
    expect([...kinds].sort()).toEqual(['apparmor', 'falco', 'podSecurity', 'seccomp']);
    expect(run.files.length).toBe(readdirSync(`${examples}/policies/tests`).length);
  });
});
