#!/usr/bin/env node
// `npm test`: type-check, lint, unused exports and files (knip), then vitest; ends with the plain line "N passed, N failed" that CI reads.
// Arguments are passed to vitest (a file filter, say); CHS_TEST_SKIP_STATIC=1 skips the type-check, eslint and knip.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const bin = (name) => join('node_modules', '.bin', name);
let failedSteps = 0;

function step(name, command, args) {
  process.stdout.write(`\n== ${name}\n`);
  const result = spawnSync(command, args, { stdio: 'inherit' });
  if (result.status !== 0) {
    process.stdout.write(`== ${name} failed (exit ${result.status ?? result.signal})\n`);
    failedSteps++;
    return false;
  }
  return true;
}

/** Each reason a test gave for skipping, once, with what it skipped. */
function printSkipReasons(file) {
  if (!existsSync(file)) return;
  const byReason = new Map();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line) continue;
    const { what, why } = JSON.parse(line);
    byReason.set(why, new Set([...(byReason.get(why) ?? []), what]));
  }
  process.stdout.write('\nSkipped, and why:\n');
  for (const [why, whats] of byReason) process.stdout.write(`- ${why}: ${[...whats].join('; ')}\n`);
}

const extra = process.argv.slice(2);
// The CLI tests run the built command, so the build always runs.
if (step('build', bin('tsc'), ['-p', 'tsconfig.build.json'])) {
  step('validators', process.execPath, ['scripts/build-validators.mjs']);
  step('bundle', process.execPath, ['scripts/bundle.mjs']);
}
if (!process.env.CHS_TEST_SKIP_STATIC) {
  step('type-check', bin('tsc'), ['-p', 'tsconfig.json', '--noEmit']);
  step('eslint', bin('eslint'), ['.']);
  step('knip', bin('knip'), ['--no-progress']);
}

const dir = mkdtempSync(join(tmpdir(), 'chs-test-'));
const out = join(dir, 'vitest.json');
// Tests that skip say why through this file (test/helpers/skip.ts); each reason is printed once below.
const skipLog = join(dir, 'skipped.jsonl');
process.stdout.write('\n== vitest\n');
const vitest = spawnSync(
  bin('vitest'),
  ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${out}`, ...extra],
  { stdio: 'inherit', env: { ...process.env, CHS_TEST_SKIP_LOG: skipLog } },
);
let passed = 0;
let failed = 0;
let skipped = 0;
if (existsSync(out)) {
  const report = JSON.parse(readFileSync(out, 'utf8'));
  passed = report.numPassedTests ?? 0;
  failed = report.numFailedTests ?? 0;
  skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  // A test file that failed to load has no failing test but did fail.
  for (const suite of report.testResults ?? [])
    if (suite.status === 'failed' && (suite.assertionResults ?? []).length === 0) failed++;
} else {
  failed++;
}
if (vitest.status !== 0 && failed === 0) failed++;
printSkipReasons(skipLog);
rmSync(dir, { recursive: true, force: true });
failed += failedSteps;
process.stdout.write(`\n${passed} passed, ${failed} failed, ${skipped} skipped\n`);
process.exit(failed > 0 ? 1 : 0);
