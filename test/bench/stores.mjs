// 1,000,000 events over 7 days read by `chs preview` from the Loki test server, beside the same
// events read from a JSON Lines file, on the example merge request: wall clock, CPU time and peak
// RSS of the whole preview (each run its own process), and the events each read. 100 events
// share one nanosecond across the first page boundary (their lines differ by uuid): the Loki read
// must give exactly 1,000,000 and the same report as the file.
import { cpSync, createWriteStream, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { buildSync } from 'esbuild';
import { figure } from './_util.mjs';

const COUNT = Number(process.env.CHS_BENCH_EVENTS ?? 1_000_000);
const SHARED_AT = 4_950;
const SHARED = 100;
const START_MS = Date.parse('2026-11-16T00:00:00Z');
const SPAN_NS = 7n * 86_400_000_000_000n;

const dir = mkdtempSync(join(tmpdir(), 'chs-bench-stores-'));
// The Loki test server is TypeScript, as the tests use it: bundled for this run.
buildSync({
  entryPoints: [fileURLToPath(new URL('../store-servers/loki.ts', import.meta.url))],
  bundle: true,
  platform: 'node',
  format: 'esm',
  outfile: join(dir, 'loki-server.mjs'),
  logLevel: 'error',
});
const { LokiServer } = await import(pathToFileURL(join(dir, 'loki-server.mjs')).href);
const examples = fileURLToPath(new URL('../../examples', import.meta.url));
cpSync(examples, join(dir, 'head'), { recursive: true });
renameSync(join(dir, 'head', 'base'), join(dir, 'base'));
const head = join(dir, 'head');

// The example's 27 events, cycled, each the payload falcosidekick receives (a raw event as the
// recorder's rule ships it), with its own time and uuid.
const templates = ['shop.jsonl', 'shop-2026-11-23.jsonl']
  .flatMap((f) => readFileSync(join(examples, 'events', f), 'utf8').split('\n'))
  .filter((l) => l.trim() !== '')
  .map((l) => JSON.parse(l));
const startNs = BigInt(START_MS) * 1_000_000n;
const step = SPAN_NS / BigInt(COUNT);
const rfc3339 = (ns) =>
  `${new Date(Number(ns / 1_000_000n)).toISOString().slice(0, 19)}.${(ns % 1_000_000_000n).toString().padStart(9, '0')}Z`;

const loki = await new LokiServer().start();
const file = createWriteStream(join(dir, 'events.jsonl'));
let ts = startNs;
let batch = [];
for (let i = 0; i < COUNT; i++) {
  if (!(i > SHARED_AT && i < SHARED_AT + SHARED)) ts += step;
  const t = templates[i % templates.length];
  const time = rfc3339(ts);
  const uuid = `00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`;
  const payload = t.output_fields
    ? { uuid, ...t, time }
    : {
        uuid,
        output: '',
        priority: 'Debug',
        rule: 'chs recorder',
        time,
        output_fields: t.fields,
        source: t.source ?? 'syscall',
        tags: ['chs'],
      };
  const line = JSON.stringify(payload);
  const stream = { rule: payload.rule, source: payload.source, priority: payload.priority };
  if (typeof payload.output_fields['k8s.ns.name'] === 'string')
    stream.k8s_ns_name = payload.output_fields['k8s.ns.name'];
  batch.push({ stream, values: [[ts.toString(), line]] });
  if (batch.length === 10_000) {
    loki.push(batch);
    batch = [];
  }
  if (!file.write(`${line}\n`)) await once(file, 'drain');
}
loki.push(batch);
file.end();
await once(file, 'finish');

const cli = fileURLToPath(new URL('../../dist/bundle/chs.cjs', import.meta.url));
const usage = fileURLToPath(new URL('./_usage.mjs', import.meta.url));
const window = ['--from', '2026-11-15T00:00:00Z', '--to', '2026-11-24T00:00:00Z'];

/** Runs chs preview in its own process (the server keeps answering meanwhile). */
function preview(flags) {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(
      process.execPath,
      [
        '--import',
        usage,
        cli,
        'preview',
        '--base-dir',
        '../base',
        '--snapshot',
        'cluster/snapshot.yaml',
        '--format',
        'json',
        '--out',
        join(dir, 'out.md'),
        ...flags,
      ],
      { cwd: head, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) => {
      const wall = performance.now() - start;
      if (code !== 1) return reject(new Error(`chs preview exited ${code}: ${err.slice(0, 2000)}`));
      const used = JSON.parse(/^chs-bench-usage (.*)$/m.exec(err)?.[1] ?? 'null');
      resolve({ wall, cpu: used.cpu, rss: used.maxRSS, report: JSON.parse(out) });
    });
  });
}

const fromFile = await preview(['--events', '../events.jsonl']);
const fromLoki = await preview([
  '--events-from',
  'loki',
  '--store-url',
  loki.url,
  '--store-query',
  '{source="syscall"}',
  ...window,
]);
const queries = loki.requests.length;
await loki.close();
rmSync(dir, { recursive: true, force: true });

const events = (r) => r.report.inputs.eventCounts?.[0] ?? 0;
const label = `${COUNT.toLocaleString('en-US')} events`;
figure(`preview, ${label} from a JSON Lines file`, fromFile.wall, 'ms');
figure('  CPU time (user + system)', fromFile.cpu, 'ms');
figure('  peak RSS', fromFile.rss / 1024, 'MB', '< 300 MB');
figure(`preview, ${label} from the Loki test server`, fromLoki.wall, 'ms');
figure('  CPU time (user + system)', fromLoki.cpu, 'ms');
figure('  peak RSS', fromLoki.rss / 1024, 'MB', '< 300 MB');
figure('  query_range requests (5,000 lines each, 24h pieces)', queries, 'requests');
figure('  events read from the file / from Loki', `${events(fromFile)} / ${events(fromLoki)}`, '');
const strip = ({ inputs: _inputs, ...rest }) => JSON.stringify(rest);
const same = strip(fromLoki.report) === strip(fromFile.report);
process.stdout.write(`  same report from Loki as from the file: ${same ? 'yes' : 'NO'}\n`);
if (!same || events(fromLoki) !== COUNT || events(fromFile) !== COUNT) process.exit(1);
