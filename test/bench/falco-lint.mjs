// Falco: lint all official rules files together (stable, incubating, sandbox, deprecated,
// application) in-process, and the whole `chs lint` process on them. Needs ../shared/corpus.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { figure, time } from './_util.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const corpus = join(root, '..', 'shared', 'corpus', 'falco');
if (!existsSync(corpus)) {
  console.warn(`skipping the Falco benchmark: ${corpus} is absent`);
  process.exit(0);
}
const { loadRules } = await import(join(root, 'dist/src/languages/falco/loader/index.js'));
const names = [
  'falco_rules.yaml',
  'falco-incubating_rules.yaml',
  'falco-sandbox_rules.yaml',
  'falco-deprecated_rules.yaml',
  'application_rules.yaml',
];
const files = names.map((name) => ({
  path: name,
  text: readFileSync(join(corpus, name), 'utf8'),
  baseline: false,
}));
const bytes = files.reduce((n, f) => n + f.text.length, 0);

let cold = performance.now();
const result = loadRules(files);
cold = performance.now() - cold;
figure('official rules files (5 files, KiB)', bytes / 1024, 'KiB');
figure('rules compiled / load results', `${result.rules.length} / ${result.messages.length}`, '');
figure('load all official files in-process, first run', cold, 'ms');
const warm = await time(() => loadRules(files), { runs: 10, warmup: 2 });
figure('load all official files in-process, median of 10', warm.median, 'ms', '< 150 ms');
figure('load all official files in-process, best of 10', warm.min, 'ms');
let cpu = process.cpuUsage();
loadRules(files);
cpu = process.cpuUsage(cpu);
figure('  CPU time of one warm run (all threads)', (cpu.user + cpu.system) / 1000, 'ms');

// The whole process: a repository whose policies/falco holds the official files.
const repo = mkdtempSync(join(tmpdir(), 'chs-bench-falco-'));
try {
  for (const name of names) cpSync(join(corpus, name), join(repo, 'policies', 'falco', name));
  // The child reports its own CPU time (user + system) when it exits.
  const report = `data:text/javascript,process.on('exit',()=>{const u=process.cpuUsage();process.stderr.write('CPU '+(u.user+u.system)/1000+'\\n')})`;
  // The launcher's code cache in a directory of the benchmark's own: the first run writes it, the
  // timed runs use it (as on a workstation); then the same without it (as in a CI job).
  const cache = mkdtempSync(join(tmpdir(), 'chs-bench-cache-'));
  const measure = (compileCache) => {
    const runs = [];
    const cpus = [];
    for (let i = 0; i < 6; i++) {
      const start = performance.now();
      const run = spawnSync(
        process.execPath,
        ['--import', report, join(root, 'dist/bundle/chs.cjs'), 'lint', '--format', 'json', '-C', repo],
        { encoding: 'utf8', env: { ...process.env, CI: '', CHS_COMPILE_CACHE: compileCache } },
      );
      if (run.status === 2) throw new Error(run.stderr);
      if (i === 0) continue;
      runs.push(performance.now() - start);
      cpus.push(Number(/CPU ([\d.]+)/.exec(run.stderr)?.[1] ?? NaN));
    }
    runs.sort((a, b) => a - b);
    cpus.sort((a, b) => a - b);
    return { median: runs[2], best: runs[0], cpu: cpus[2] };
  };
  const warm = measure(cache);
  figure('whole `chs lint` process on them, median of 5', warm.median, 'ms', '< 400 ms');
  figure('whole `chs lint` process on them, best of 5', warm.best, 'ms');
  figure('  its CPU time (user + system), median of 5', warm.cpu, 'ms');
  const cold = measure('off');
  figure('  without the code cache (as in CI), median of 5', cold.median, 'ms');
  figure('  its CPU time (user + system), median of 5', cold.cpu, 'ms');
} finally {
  rmSync(repo, { recursive: true, force: true });
}
const load = (await import('node:os')).loadavg()[0];
figure('machine load average (1 min) during the run', load, '', 'figures above are wall-clock');
