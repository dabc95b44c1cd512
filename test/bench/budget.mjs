// What the preview's budget costs (src/core/budget.ts): one pass of 200,000 recorded events
// through the event feed with a consumer, without a checkpoint (the baseline) and with the
// budget checked after every batch, as `chs preview` does; runs alternate so that both see the
// same machine. Also the cost of one check, and of one read of the resident memory.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Budget } from '../../dist/src/core/budget.js';
import { EventFeed } from '../../dist/src/impact/events.js';
import { figure } from './_util.mjs';

const EVENTS = 200_000;
const dir = mkdtempSync(join(tmpdir(), 'chs-bench-budget-'));
const file = join(dir, 'events.jsonl');
const lines = [];
for (let i = 0; i < EVENTS; i++)
  lines.push(
    JSON.stringify({
      time: '2026-12-01T10:00:00Z',
      source: 'syscall',
      fields: {
        'evt.type': i % 3 ? 'openat' : 'execve',
        'proc.name': `p${i % 97}`,
        'fd.name': `/etc/f${i % 13}`,
      },
    }),
  );
writeFileSync(file, `${lines.join('\n')}\n`);

async function pass(withBudget) {
  const budget = new Budget({ seconds: 3600, memoryMiB: 1 << 20 });
  const feed = new EventFeed(
    [{ absolute: file, display: 'events.jsonl' }],
    withBudget ? (w) => budget.check(w) : undefined,
  );
  let names = 0;
  void feed.subscribe((event) => {
    if (event.fields['proc.name'] === 'p1') names++;
  });
  const start = performance.now();
  await feed.run();
  return { ms: performance.now() - start, names };
}

const without = [];
const withChecks = [];
await pass(false);
await pass(true);
for (let i = 0; i < 5; i++) {
  without.push((await pass(false)).ms);
  withChecks.push((await pass(true)).ms);
}
const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
figure(`event pass, ${EVENTS.toLocaleString('en-US')} events, no budget (baseline)`, median(without), 'ms');
figure(
  `event pass, ${EVENTS.toLocaleString('en-US')} events, budget checked per batch`,
  median(withChecks),
  'ms',
);
figure('  difference', ((median(withChecks) - median(without)) / median(without)) * 100, '%', 'within noise');

const budget = new Budget({ seconds: 3600, memoryMiB: 1 << 20 });
let start = performance.now();
for (let i = 0; i < 1_000_000; i++) budget.check('x');
figure(
  'one check (clock; memory at most every 50 ms)',
  ((performance.now() - start) / 1_000_000) * 1000,
  'µs',
);
start = performance.now();
for (let i = 0; i < 10_000; i++) process.memoryUsage.rss();
figure('one read of the resident memory', ((performance.now() - start) / 10_000) * 1000, 'µs');
