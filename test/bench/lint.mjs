// `chs lint` on the examples as a whole process (goal: under 300 ms), and the hostile inputs of
// issue 2 (goal: each answered within 2 s).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { figure, time } from './_util.mjs';

const chs = fileURLToPath(new URL('../../dist/bundle/chs.cjs', import.meta.url));
const examples = fileURLToPath(new URL('../../examples', import.meta.url));
// The launcher's code cache lives in its own directory for the benchmark, so that the first
// (warm-up) run writes it and the timed runs use it, as on a workstation; CI jobs run without it.
const cache = mkdtempSync(join(tmpdir(), 'chs-bench-cache-'));
const run = (args, cwd, compileCache = cache) =>
  spawnSync(process.execPath, [chs, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', CI: '', CHS_COMPILE_CACHE: compileCache },
  });
const first = run(['-C', examples, 'lint', '--format', 'json']);
const parsed = JSON.parse(first.stdout);
figure(
  'examples: diagnostics (errors / warnings)',
  `${parsed.summary.errors} / ${parsed.summary.warnings}`,
  '',
);
const whole = await time(() => run(['-C', examples, 'lint']), { runs: 15, warmup: 2 });
figure('chs lint examples/, whole process, median', whole.median, 'ms', '< 300 ms');
figure('chs lint examples/, whole process, best', whole.min, 'ms');
const cold = await time(() => run(['-C', examples, 'lint'], examples, 'off'), { runs: 15, warmup: 2 });
figure('  the same without the code cache (as in CI), median', cold.median, 'ms');
const bare = await time(() => spawnSync(process.execPath, ['-e', '0']), { runs: 15, warmup: 2 });
figure('node -e 0 (process start-up alone), median', bare.median, 'ms');
const dir = mkdtempSync(join(tmpdir(), 'chs-bench-hostile-'));
const bomb = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
for (let i = 1; i < 10; i++)
  bomb.push(
    `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9)
      .fill(`*${String.fromCharCode(96 + i)}`)
      .join(',')}]`,
  );
const cases = {
  '50 MB file': { 'policies/falco/huge.yaml': Buffer.alloc(50 * 1024 * 1024, 0x61) },
  'alias bomb (chs.yaml)': { 'chs.yaml': bomb.join('\n') },
  'binary file': { 'policies/falco/bin.yaml': Buffer.from([0x7f, 0x45, 0, 1]) },
  'invalid UTF-8': { 'policies/falco/latin1.yaml': Buffer.from('- list: caf\xe9\n', 'latin1') },
  '10,000 levels of nesting (chs.yaml)': { 'chs.yaml': 'a: ' + '['.repeat(10000) + ']'.repeat(10000) },
};
for (const [name, files] of Object.entries(cases)) {
  const cwd = join(dir, name.replace(/\W+/g, '-'));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(cwd, path, '..'), { recursive: true });
    writeFileSync(join(cwd, path), content);
  }
  let status;
  const t = await time(() => (status = run(['lint'], cwd).status), { runs: 3, warmup: 0 });
  figure(`hostile: ${name} (exit ${status}), median`, t.median, 'ms', '< 2,000 ms');
}
