// Helpers shared by the benchmarks: timing and printing figures.
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

/** Runs fn `runs` times after `warmup` runs; returns the median and the minimum in ms. */
export async function time(fn, { runs = 10, warmup = 2 } = {}) {
  for (let i = 0; i < warmup; i++) await fn();
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn();
    samples.push(performance.now() - start);
  }
  samples.sort((a, b) => a - b);
  return { median: samples[Math.floor(samples.length / 2)], min: samples[0] };
}

/** Prints one figure: name, value, unit and the goal it is held against. */
export function figure(name, value, unit, goal) {
  const shown =
    typeof value === 'number'
      ? value >= 100
        ? Math.round(value).toLocaleString('en-US')
        : value.toFixed(2)
      : value;
  process.stdout.write(
    `${name.padEnd(58)} ${String(shown).padStart(14)} ${unit}${goal ? `   (goal: ${goal})` : ''}\n`,
  );
}

/**
 * Runs node with `args` in a process of its own: wall time, and its own CPU time (user + system,
 * every thread) and peak RSS, which other processes on a shared machine disturb much less.
 */
export function child(args, options = {}) {
  const usage = fileURLToPath(new URL('./_usage.mjs', import.meta.url));
  const started = performance.now();
  const run = spawnSync(process.execPath, ['--import', usage, ...args], {
    encoding: 'utf8',
    maxBuffer: 1 << 30,
    ...options,
  });
  const wall = performance.now() - started;
  const used = JSON.parse(
    /^chs-bench-usage (.*)$/m.exec(run.stderr ?? '')?.[1] ?? '{"cpu":null,"maxRSS":null}',
  );
  return {
    wall,
    cpu: used.cpu ?? NaN,
    mb: (used.maxRSS ?? NaN) / 1024,
    status: run.status,
    stdout: run.stdout,
    stderr: run.stderr,
  };
}
