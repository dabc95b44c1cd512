/** The preview's time and memory budget: a verdict line, the note still written, exit 1. */
import { cpSync, mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { previewCommand } from '../../src/cli/preview.js';
import type { PreviewFlags } from '../../src/cli/preview.js';
import type { CommandContext } from '../../src/cli/run.js';
import { Budget, BudgetExceeded, defaultMemoryLimitMiB } from '../../src/core/budget.js';
import type { ImpactReport } from '../../src/impact/model.js';
import { runChs } from '../helpers/cli.js';

function sink(): { stream: NodeJS.WriteStream; text: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      text += chunk.toString();
      done();
    },
  }) as unknown as NodeJS.WriteStream;
  return { stream, text: () => text };
}

/** The example merge request: examples/ in <tmp>/head, examples/base in <tmp>/base. */
function example(): string {
  const dir = mkdtempSync(join(tmpdir(), 'chs-budget-'));
  cpSync(resolve('examples'), join(dir, 'head'), { recursive: true });
  renameSync(join(dir, 'head', 'base'), join(dir, 'base'));
  return join(dir, 'head');
}

describe('the budget', () => {
  it.each([
    [{ seconds: 10, memoryMiB: 100 }, 11_000, 50, /^over its time budget \(11 s of 10 s\) while x$/],
    [{ seconds: 10, memoryMiB: 100 }, 5_000, 101, /^over its memory budget \(101 MiB of 100 MiB\) while x$/],
  ])('stops past %j', (limits, ms, mib, message) => {
    let calls = 0;
    const budget = new Budget(limits, { now: () => (calls++ === 0 ? 0 : ms), rss: () => mib * 1048576 });
    const error = (() => {
      try {
        budget.check('x');
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(BudgetExceeded);
    expect((error as Error).message).toMatch(message);
  });
  it('reads the memory at most every 50 ms', () => {
    let now = 0;
    let reads = 0;
    const budget = new Budget({ seconds: 10, memoryMiB: 100 }, { now: () => now, rss: () => (reads++, 0) });
    for (; now < 1000; now += 5) budget.check('x');
    expect(reads).toBe(20);
  });
  it('lets a job within both limits go on', () => {
    const budget = new Budget({ seconds: 10, memoryMiB: 100 }, { now: () => 0, rss: () => 0 });
    expect(() => budget.check('x')).not.toThrow();
  });
  it("stays under V8's own heap limit by default", () => {
    expect(defaultMemoryLimitMiB()).toBeGreaterThanOrEqual(64);
    expect(defaultMemoryLimitMiB()).toBeLessThanOrEqual(1536);
  });
});

/**
 * `chs preview` in `head` with a clock that moves on by a second at each reading (and no memory
 * used): the budget's time limit trips at a check of the test's choosing.
 */
async function previewOnTicks(head: string, flags: PreviewFlags) {
  let clock = 0;
  const out = sink();
  const err = sink();
  const ctx: CommandContext = { cwd: head, root: head, stdout: out.stream, stderr: err.stream };
  const code = await previewCommand(ctx, flags, {
    env: {},
    meter: { now: () => (clock += 1000), rss: () => 0 },
  });
  return { code, out, err };
}

describe('chs preview over its budget', () => {
  it('stops in the event pass with a verdict line, and still writes the report', async () => {
    const head = example();
    // Many events: the pass checks the budget after every batch. Each reading of the clock
    // moves it on by a second; the limit is 60 s.
    const line = readFileSync(join(head, 'events/shop.jsonl'), 'utf8').split('\n')[0] as string;
    writeFileSync(join(head, 'events/many.jsonl'), `${line}\n`.repeat(20_000));
    const { code, out, err } = await previewOnTicks(head, {
      baseDir: '../base',
      events: ['events/many.jsonl'],
      format: 'json',
      timeLimit: 60,
    });
    expect(code).toBe(1);
    const report = JSON.parse(out.text()) as ImpactReport;
    expect(report.stopped).toEqual({
      resource: 'time',
      where: 'reading the recorded events',
      spent: '61 s',
      limit: '60 s',
    });
    expect(report.verdict).toEqual({
      level: 'blocking',
      headline:
        'Preview stopped: over its time budget (61 s of 60 s) while reading the recorded events. Nothing was measured; if the change is meant to be this large, raise --time-limit in the preview job',
    });
    expect(err.text()).toContain('chs: Preview stopped: over its time budget');
    expect(readFileSync(join(head, 'chs-preview.md'), 'utf8').split('\n')[0]).toBe(
      '**⛔ Not safe to merge: preview stopped: over its time budget (61 s of 60 s) while reading the recorded events. Nothing was measured; if the change is meant to be this large, raise --time-limit in the preview job**',
    );
  });

  it('stops before the cluster state is read, a broken snapshot left unsaid', async () => {
    const head = example();
    writeFileSync(join(head, 'cluster/broken.json'), '{"kind": "List", "items": [\n  {"kind": \n');
    // The clock moves on by a second at each reading: over 2 s at the third check, as the files
    // are compared, while the snapshot's failure is still to be taken.
    const { code, out } = await previewOnTicks(head, {
      baseDir: '../base',
      snapshot: 'cluster/broken.json',
      format: 'json',
      timeLimit: 2,
    });
    expect(code).toBe(1);
    expect((JSON.parse(out.text()) as ImpactReport).stopped?.where).toBe('comparing the files');
    // Nothing else is left to fail later (vitest fails a test file on an unhandled rejection).
    await new Promise((resolve) => setTimeout(resolve, 50));
  });

  it('stops the command line on its memory limit with the verdict line first', async () => {
    const head = example();
    const result = await runChs(['preview', '--base-dir', '../base', '--memory-limit', '1'], { cwd: head });
    expect(result.code).toBe(1);
    expect(result.stdout.split('\n')[0]).toMatch(
      /^NOT SAFE TO MERGE: Preview stopped: over its memory budget \(\d+ MiB of 1 MiB\) while reading the cluster state\. .*raise --memory-limit/,
    );
    expect(result.stderr).toMatch(/^chs: Preview stopped: over its memory budget/);
  });

  it.each([
    ['--time-limit', '0'],
    ['--memory-limit', 'lots'],
  ])('refuses %s %s', async (flag, value) => {
    const result = await runChs(['preview', flag, value], { cwd: example() });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${flag} takes a whole number above 0, not "${value}"`);
  });
});
