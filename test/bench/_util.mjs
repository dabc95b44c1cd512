// Helpers shared by the benchmarks: timing and printing figures.
import { performance } from 'node:perf_hooks';

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
  const shown = typeof value === 'number' ? (value >= 100 ? Math.round(value).toLocaleString('en-US') : value.toFixed(2)) : value;
  process.stdout.write(`${name.padEnd(58)} ${String(shown).padStart(14)} ${unit}${goal ? `   (goal: ${goal})` : ''}\n`);
}
