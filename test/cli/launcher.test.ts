/**
 * The `chs` launcher's code cache (src/cli/launcher.cts): written by the first run of a command,
 * used by the next, and never a reason for a different result or a failure.
 */
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runChs } from '../helpers/cli.js';

const examples = fileURLToPath(new URL('../../examples', import.meta.url));

function cacheDir(): string {
  return join(mkdtempSync(join(tmpdir(), 'chs-launcher-')), 'cache');
}

const lint = (cache: string) =>
  runChs(['-C', examples, 'lint', '--format', 'json'], {
    env: { CHS_COMPILE_CACHE: cache, CHS_DEBUG: '1' },
  });

const cacheLines = (stderr: string) => stderr.split('\n').filter((l) => l.startsWith('chs: code cache:'));

describe('the code cache of the chs launcher', () => {
  it('is written by the first run of a command and used by the second, with the same result', async () => {
    const cache = cacheDir();
    const first = await lint(cache);
    expect(cacheLines(first.stderr).map((l) => l.split(' ')[3])).toEqual(['none', 'written']);
    const files = readdirSync(cache);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(new RegExp(`^lint-${process.version.replace(/\./g, '\\.')}-${process.arch}-`));

    const second = await lint(cache);
    expect(cacheLines(second.stderr)).toEqual([`chs: code cache: used ${join(cache, files[0] as string)}`]);
    expect(second.code).toBe(first.code);
    expect(second.stdout).toBe(first.stdout);
  });

  it('keeps one file per command', async () => {
    const cache = cacheDir();
    await lint(cache);
    const version = await runChs(['--version'], { env: { CHS_COMPILE_CACHE: cache } });
    expect(version.code).toBe(0);
    expect(
      readdirSync(cache)
        .map((f) => f.split('-')[0])
        .sort(),
    ).toEqual(['lint', 'none']);
  });

  it('replaces a damaged cache and gives the same result as without one', async () => {
    const cache = cacheDir();
    await lint(cache);
    const [file] = readdirSync(cache);
    writeFileSync(join(cache, file as string), 'not a V8 code cache');
    const damaged = await lint(cache);
    expect(cacheLines(damaged.stderr).map((l) => l.split(' ')[3])).toEqual(['rejected', 'written']);
    const without = await runChs(['-C', examples, 'lint', '--format', 'json'], {
      env: { CHS_COMPILE_CACHE: 'off', CHS_DEBUG: '1' },
    });
    expect(cacheLines(without.stderr)).toEqual(['chs: code cache: off']);
    expect(damaged.stdout).toBe(without.stdout);
    expect(damaged.code).toBe(without.code);
  });

  it.skipIf(typeof process.getuid !== 'function')(
    'ignores a cache directory that others can write to',
    async () => {
      const cache = cacheDir();
      mkdirSync(cache);
      chmodSync(cache, 0o777);
      const run = await lint(cache);
      expect(cacheLines(run.stderr)).toEqual(['chs: code cache: off']);
      expect(readdirSync(cache)).toEqual([]);
    },
  );

  it('lives in the temporary directory by default, and is off in CI jobs unless a directory is named', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'chs-launcher-'));
    const env = { TMPDIR: tmp, CHS_COMPILE_CACHE: '', CHS_DEBUG: '1' };
    const local = await runChs(['--version'], { env: { ...env, CI: '' } });
    expect(cacheLines(local.stderr).map((l) => l.split(' ')[3])).toEqual(['none', 'written']);
    const uid = typeof process.getuid === 'function' ? String(process.getuid()) : 'user';
    expect(readdirSync(join(tmp, `chs-compile-cache-${uid}`))).toHaveLength(1);
    const ci = await runChs(['--version'], { env: { ...env, CI: 'true' } });
    expect(cacheLines(ci.stderr)).toEqual(['chs: code cache: off']);
    expect(ci.stdout).toBe(local.stdout);
  });

  it('runs when the cache directory cannot be created', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'chs-launcher-'));
    writeFileSync(join(parent, 'file'), '');
    const run = await lint(join(parent, 'file', 'cache'));
    expect(cacheLines(run.stderr)).toEqual(['chs: code cache: off']);
    expect(JSON.parse(run.stdout).summary).toBeDefined();
  });
});
