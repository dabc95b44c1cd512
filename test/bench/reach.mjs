// What confining reads to the repository costs (src/core/reach.ts): the first check of a path
// (resolving its links) and a repeated one, beside the stat the AppArmor loader already makes of
// every include candidate (the baseline), on the same 2,000 paths in the same run.
import { mkdirSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Reach } from '../../dist/src/core/reach.js';
import { figure } from './_util.mjs';

const root = mkdtempSync(join(tmpdir(), 'chs-bench-reach-'));
const paths = [];
for (let d = 0; d < 20; d++) {
  mkdirSync(join(root, 'abstractions', `d${d}`), { recursive: true });
  for (let f = 0; f < 100; f++) {
    const path = join(root, 'abstractions', `d${d}`, `f${f}`);
    writeFileSync(path, '# x\n');
    paths.push(path);
  }
}
const per = (ms) => (ms / paths.length) * 1000;
const runs = 7;
const stat = [];
const first = [];
const again = [];
for (let r = 0; r < runs; r++) {
  let start = performance.now();
  for (const p of paths) statSync(p);
  stat.push(performance.now() - start);
  const reach = new Reach([root]);
  start = performance.now();
  for (const p of paths) reach.contains(p);
  first.push(performance.now() - start);
  start = performance.now();
  for (const p of paths) reach.contains(p);
  again.push(performance.now() - start);
}
const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
figure('stat of an include candidate (baseline)', per(median(stat)), 'µs');
figure('reach check of a new path (realpath)', per(median(first)), 'µs');
figure('reach check of a path asked before', per(median(again)), 'µs');
