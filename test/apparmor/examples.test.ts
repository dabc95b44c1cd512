/**
 * The example repository's AppArmor profiles lint clean, load with apparmor_parser, and their
 * policy test cases (examples/policies/tests/apparmor-*.yaml) hold.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { lint } from '../../src/core/runner.js';
import { parseYaml } from '../../src/core/yaml.js';
import { loadProfileSet } from '../../src/languages/apparmor/analyze.js';
import { evaluateAccess } from '../../src/languages/apparmor/evaluate.js';
import type { Access } from '../../src/languages/apparmor/evaluate.js';
import { languages, registry } from '../../src/languages/index.js';
import { apparmorParserAcceptsFile, hasApparmorParser } from './helpers.js';
import { APPARMOR_SYSTEM } from '../helpers/apparmor-system.js';

const examples = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../examples');
const profileDir = join(examples, 'policies', 'apparmor');
const profiles = readdirSync(profileDir).sort();

describe('examples/policies/apparmor', () => {
  it('lints clean with the example configuration', async () => {
    const result = await lint({ cwd: examples, paths: ['policies/apparmor'], languages, registry });
    expect(result.diagnostics).toEqual([]);
    expect(result.filesByKind.get('apparmor')?.length).toBe(profiles.length);
  });

  it.skipIf(!hasApparmorParser).each(profiles)('apparmor_parser loads %s', (name) => {
    expect(apparmorParserAcceptsFile(join(profileDir, name))).toBe(true);
  });

  const cases = readdirSync(join(examples, 'policies', 'tests'))
    .filter((name) => name.startsWith('apparmor'))
    .flatMap((name) => {
      const parsed = parseYaml(readFileSync(join(examples, 'policies', 'tests', name), 'utf8'));
      if (!parsed.ok) throw new Error(`${name}: ${parsed.error.message}`);
      const value = parsed.documents[0]?.value as {
        tests: { name: string; apparmor: { profile: string; access: Access; expect: string } }[];
      };
      return value.tests.map((test) => [test.name, test.apparmor] as const);
    });
  const { set, findings } = loadProfileSet(
    profiles.map((name) => ({ path: name, text: readFileSync(join(profileDir, name), 'utf8') })),
    { roots: [APPARMOR_SYSTEM], bases: [examples], cwd: profileDir },
  );

  it('has apparmor test cases, and the profiles load for evaluation', () => {
    expect(cases.length).toBeGreaterThan(5);
    expect(findings).toEqual([]);
  });

  it.each(cases)('%s', (_name, test) => {
    expect(evaluateAccess(set, test.profile, test.access).decision).toBe(test.expect);
  });
});
