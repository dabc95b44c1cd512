// One target of `npm run fuzz`, in a worker so that the watchdog can end a case that hangs.
import { readFileSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { TARGETS, TOKENS } from './targets.mjs';

/** mulberry32, as test/helpers/random.ts (this file runs without a TypeScript loader). */
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function mutate(text, next) {
  let out = text;
  const steps = 1 + Math.floor(next() * 4);
  for (let i = 0; i < steps; i++) {
    const at = Math.floor(next() * (out.length + 1));
    const choice = next();
    if (choice < 0.3) out = out.slice(0, at) + out.slice(at + 1 + Math.floor(next() * 8));
    else if (choice < 0.7)
      out = out.slice(0, at) + TOKENS[Math.floor(next() * TOKENS.length)] + out.slice(at);
    else if (choice < 0.8) out = out.slice(0, at);
    else if (choice < 0.9) {
      const from = Math.floor(next() * out.length);
      out = out.slice(0, at) + out.slice(from, from + Math.floor(next() * 40)) + out.slice(at);
    } else out = out.slice(0, at) + out.slice(at).replace(/[a-z]/, (c) => c.toUpperCase());
  }
  return out;
}

/** CPU time of this thread alone, in ms (Linux), else of the process. */
function threadCpu() {
  try {
    return Number(readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[0]) / 1e6;
  } catch {
    const used = process.cpuUsage();
    return (used.user + used.system) / 1000;
  }
}

const { name, cases, seed, seconds } = workerData;
const target = TARGETS[name];
const next = random(seed);
const times = [];
const crashes = [];
const regressions = [];
const once = async (index, text) => {
  parentPort.postMessage({ type: 'case', index, text: text.slice(0, 2000) });
  const start = threadCpu();
  try {
    await target.run(text);
  } catch (error) {
    crashes.push({ index, error: String(error?.stack ?? error), text: text.slice(0, 2000) });
  }
  return threadCpu() - start;
};
for (const [label, text] of Object.entries(target.regressions)) {
  regressions.push({ label, ms: await once(`regression "${label}"`, text) });
}
// A campaign on a shared machine may stop at a time budget: the count run is what is reported.
const deadline = seconds > 0 ? Date.now() + seconds * 1000 : Infinity;
for (let i = 0; i < cases && Date.now() < deadline; i++) {
  const text = mutate(target.seeds[Math.floor(next() * target.seeds.length)], next);
  times.push(await once(i, text));
}
parentPort.postMessage({ type: 'done', times, crashes, regressions });
