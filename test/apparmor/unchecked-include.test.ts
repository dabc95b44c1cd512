/**
 * Where no include root provides what the AppArmor distribution ships (CI images have no
 * /etc/apparmor.d), `<abstractions/...>`, `<tunables/...>` and `<abi/...>` are reported at info
 * level (apparmor/unchecked-include) and the shipped tunables' variables count as defined; other
 * missing includes stay errors. The system root is hidden with CHS_APPARMOR_SYSTEM_ROOT.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/core/config.js';
import { loadProfileSet } from '../../src/languages/apparmor/analyze.js';
import { evaluateAccess } from '../../src/languages/apparmor/evaluate.js';
import { includeRoots, systemIncludeRoot } from '../../src/languages/apparmor/index.js';
import { isShipped } from '../../src/languages/apparmor/load.js';
import { SHIPPED_INCLUDES, SHIPPED_VARIABLES } from '../../src/languages/apparmor/shipped.generated.js';
import { runChs } from '../helpers/cli.js';
import { WHY, parserFindings, skipping } from './helpers.js';

const here = dirname(fileURLToPath(import.meta.url));
const examples = resolve(here, '..', '..', 'examples');
const hidden = { ...process.env, CHS_APPARMOR_SYSTEM_ROOT: '' };

const profile = `abi <abi/3.0>,
include <tunables/global>
profile web {
  include <abstractions/base>
  deny @{PROC}/sysrq-trigger w,
  owner @{HOME}/.cache/** rw,
}
`;

describe('the system include root', () => {
  it('is overridable, and absent when CHS_APPARMOR_SYSTEM_ROOT is empty', () => {
    const saved = process.env.CHS_APPARMOR_SYSTEM_ROOT;
    try {
      process.env.CHS_APPARMOR_SYSTEM_ROOT = '';
      expect(systemIncludeRoot()).toBeUndefined();
      expect(includeRoots({ includeDirs: ['a'], config: defaultConfig(here) })).toEqual(['a']);
      process.env.CHS_APPARMOR_SYSTEM_ROOT = here;
      expect(systemIncludeRoot()).toBe(here);
      process.env.CHS_APPARMOR_SYSTEM_ROOT = join(here, 'no-such-dir');
      expect(systemIncludeRoot()).toBeUndefined();
    } finally {
      if (saved === undefined) delete process.env.CHS_APPARMOR_SYSTEM_ROOT;
      else process.env.CHS_APPARMOR_SYSTEM_ROOT = saved;
    }
  });
});

describe('includes the AppArmor distribution ships', () => {
  it('knows the shipped paths, from the generated list', () => {
    for (const path of ['abstractions/base', 'tunables/global', 'abi/3.0', 'abstractions/', 'tunables//proc'])
      expect(isShipped(path)).toBe(true);
    for (const path of ['abstractions/nope', 'local/web', 'web', 'abi/9.9'])
      expect(isShipped(path)).toBe(false);
    expect(SHIPPED_INCLUDES.length).toBeGreaterThan(100);
    expect(SHIPPED_VARIABLES['tunables/global']?.['PROC']).toEqual(['/proc/']);
  });

  it('are info-level findings where no include root provides them, their variables defined', () => {
    const shown = parserFindings(profile, { roots: [] });
    expect(shown.map((f) => [f.ruleId, f.severity, f.line, f.column])).toEqual([
      ['apparmor/unchecked-include', 'info', 1, 1],
      ['apparmor/unchecked-include', 'info', 2, 9],
      ['apparmor/unchecked-include', 'info', 4, 11],
    ]);
    expect(shown[2]?.message).toBe(
      "<abstractions/base> not checked: no include root provides it here (no include roots); the nodes' /etc/apparmor.d will (Debian apparmor 3.0.8-3 ships it)".replace(
        'Debian apparmor 3.0.8-3',
        /\((Debian apparmor [^ ]+) ships it\)/.exec(shown[2]?.message ?? '')?.[1] ?? '?',
      ),
    );
  });

  it('leave other missing includes errors: "..." includes and unknown <...> paths', () => {
    const shown = parserFindings(
      'include "local/web.conf"\nprofile web {\n  include <abstractions/nope>\n  include if exists <local/web>\n  @{UNDEFINED}/x r,\n}\n',
      { roots: [] },
    );
    expect(shown.map((f) => [f.ruleId, f.severity, f.line])).toEqual([
      ['apparmor/missing-include', 'error', 1],
      ['apparmor/missing-include', 'error', 3],
      ['apparmor/undefined-variable', 'error', 5],
    ]);
  });

  it('evaluate with the shipped tunables values (the abstractions rules are not known)', () => {
    const { set } = loadProfileSet([{ path: 'web', text: profile }], { roots: [], bases: [], cwd: here });
    expect(evaluateAccess(set, 'web', { path: '/proc/sysrq-trigger', permissions: 'w' }).decision).toBe(
      'deny',
    );
    expect(evaluateAccess(set, 'web', { path: '/home/ada/.cache/x', permissions: 'r' }).decision).toBe(
      'allow',
    );
    expect(evaluateAccess(set, 'web', { path: '/root/.cache/x', permissions: 'w' }).decision).toBe('allow');
  });
});

describe('the example repository where /etc/apparmor.d is absent', () => {
  it('lints without errors, saying what it could not check', async () => {
    const result = await runChs(['lint', 'policies/apparmor'], { cwd: examples, env: hidden });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('apparmor/unchecked-include');
    expect(result.stdout).not.toContain('apparmor/missing-include');
    expect(result.stdout).not.toContain('apparmor/undefined-variable');
  });

  it('runs its tests', async () => {
    const result = await runChs(['test'], { cwd: examples, env: hidden });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/\d+ test cases: (\d+) passed, 0 failed/);
  });
});

const dir = mkdtempSync(join(tmpdir(), 'chs-unchecked-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('chs test where the abstractions are absent', () => {
  it('says so when a case fails', async () => {
    mkdirSync(join(dir, 'policies', 'apparmor'), { recursive: true });
    mkdirSync(join(dir, 'policies', 'tests'), { recursive: true });
    writeFileSync(join(dir, 'policies', 'apparmor', 'web'), profile);
    writeFileSync(
      join(dir, 'policies', 'tests', 'web.yaml'),
      'tests:\n  - name: the loader cache is readable\n    apparmor:\n      profile: web\n      access: {path: /etc/ld.so.cache, permissions: r}\n      expect: allow\n',
    );
    const result = await runChs(['test'], { cwd: dir, env: hidden });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      "note:     decided without <abi/3.0>, <tunables/global>, <abstractions/base>: no include root provides them here (the nodes' /etc/apparmor.d does)",
    );
  });
});

const generator = resolve(here, '..', '..', 'scripts', 'generate-apparmor-shipped.mjs');
const hasPackage = (() => {
  try {
    execFileSync('dpkg-query', ['-W', 'apparmor'], { stdio: 'ignore' });
    return existsSync('/etc/apparmor.d/tunables/global') && existsSync(resolve(here, '../../dist/src'));
  } catch {
    return false;
  }
})();
if (!hasPackage)
  skipping('regenerating the shipped list', WHY.noApparmorPackage);

describe.skipIf(!hasPackage)('the shipped list', () => {
  it('is what the generator makes from the installed package', () => {
    const out = join(dir, 'shipped.generated.ts');
    execFileSync(process.execPath, [generator, out], { stdio: 'ignore' });
    const committed = readFileSync(
      resolve(here, '../../src/languages/apparmor/shipped.generated.ts'),
      'utf8',
    );
    expect(readFileSync(out, 'utf8')).toBe(committed);
  });
});
