#!/usr/bin/env node
// `npm run bench [name...]`: builds, then runs every test/bench/*.mjs (or those named) one after
// the other in its own process, so that each prints its own figures undisturbed.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const build = spawnSync('npm', ['run', '--silent', 'build'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 2);
const wanted = process.argv.slice(2);
const benches = readdirSync(join('test', 'bench'))
  .filter((f) => f.endsWith('.mjs') && !f.startsWith('_'))
  .filter((f) => wanted.length === 0 || wanted.some((w) => f.includes(w)))
  .sort();
let failed = 0;
for (const bench of benches) {
  process.stdout.write(`\n## ${bench}\n`);
  const result = spawnSync(process.execPath, ['--expose-gc', join('test', 'bench', bench)], {
    stdio: 'inherit',
  });
  if (result.status !== 0) failed++;
}
process.exit(failed > 0 ? 1 : 0);
