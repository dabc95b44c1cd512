// `npm run fuzz`: mutation fuzzing of every parser and language, and the CLI's file handling,
// seeded (CHS_FUZZ_SEED) and bounded (CHS_FUZZ_CASES per target, 2,000 by default; the
// acceptance campaign is 100000; CHS_FUZZ_SECONDS stops each target at a time budget). A benchmark, not a test: it prints crashes, hangs and the CPU
// time per case (p50, p99, p99.9) and exits 1 on a crash or a hang. Each target runs in a worker
// that a watchdog ends when one case takes longer than CHS_FUZZ_HANG_MS (30 s), naming the case.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { Buffer } from 'node:buffer';
import { gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { clearInterval, setInterval } from 'node:timers';
import { Worker } from 'node:worker_threads';
import { TARGETS } from './targets.mjs';

const CASES = Number(process.env.CHS_FUZZ_CASES ?? 2000);
const SEED = Number(process.env.CHS_FUZZ_SEED ?? 20261207);
const HANG_MS = Number(process.env.CHS_FUZZ_HANG_MS ?? 30_000);
// Seconds per target after which a campaign stops (0: none); the cases actually run are printed.
const SECONDS = Number(process.env.CHS_FUZZ_SECONDS ?? 0);
const only = process.argv.slice(2);
const chs = fileURLToPath(new URL('../../dist/bundle/chs.cjs', import.meta.url));

const percentile = (sorted, share) =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * share))] ?? 0;

function runTarget(name) {
  return new Promise((resolve) => {
    const worker = new Worker(new URL('./worker.mjs', import.meta.url), {
      workerData: { name, cases: CASES, seed: SEED, seconds: SECONDS },
    });
    let current = { index: -1, text: '' };
    let last = Date.now();
    const watchdog = setInterval(() => {
      if (Date.now() - last < HANG_MS) return;
      clearInterval(watchdog);
      void worker.terminate();
      resolve({ name, hang: current });
    }, 250);
    worker.on('message', (message) => {
      last = Date.now();
      if (message.type === 'case') current = message;
      else if (message.type === 'done') {
        clearInterval(watchdog);
        void worker.terminate();
        resolve({ name, ...message });
      }
    });
    worker.on('error', (error) => {
      clearInterval(watchdog);
      resolve({
        name,
        crashes: [{ index: current.index, error: String(error?.stack ?? error), text: current.text }],
      });
    });
  });
}

let failed = 0;
const line = (text) => process.stdout.write(`${text}\n`);
line(
  `seed ${SEED}, ${CASES.toLocaleString('en-US')} cases per target (regression cases first)` +
    (SECONDS > 0 ? `, at most ${SECONDS} s per target` : ''),
);
for (const name of Object.keys(TARGETS).filter((n) => only.length === 0 || only.includes(n))) {
  const result = await runTarget(name);
  if (result.hang) {
    failed++;
    line(
      `${name.padEnd(14)} HANG at case ${result.hang.index}: ${JSON.stringify(result.hang.text.slice(0, 300))}`,
    );
    continue;
  }
  const times = [...result.times].sort((a, b) => a - b);
  line(
    `${name.padEnd(14)} ${String(times.length).padStart(7)} cases  ${String(result.crashes.length).padStart(3)} crashes  ` +
      `CPU ms p50 ${percentile(times, 0.5).toFixed(2)}  p99 ${percentile(times, 0.99).toFixed(2)}  ` +
      `p99.9 ${percentile(times, 0.999).toFixed(2)}  max ${(times.at(-1) ?? 0).toFixed(2)}  (goal: p99.9 < 100)`,
  );
  for (const r of result.regressions ?? [])
    line(`  regression ${JSON.stringify(r.label)}: ${r.ms.toFixed(0)} ms CPU`);
  for (const crash of result.crashes.slice(0, 5)) {
    failed++;
    line(`  crash at case ${crash.index}: ${crash.error.split('\n').slice(0, 4).join(' | ')}`);
    line(`  input: ${JSON.stringify(crash.text.slice(0, 300))}`);
  }
  if (result.crashes.length > 5) failed += result.crashes.length - 5;
}

// The CLI's file handling: what is not a regular file, found or named.
if (only.length === 0 || only.includes('cli')) {
  const dir = mkdtempSync(join(tmpdir(), 'chs-fuzz-cli-'));
  mkdirSync(join(dir, 'policies/falco/dir.yaml'), { recursive: true });
  mkdirSync(join(dir, 'policies/apparmor'), { recursive: true });
  spawnSync('mkfifo', [join(dir, 'fifo'), join(dir, 'policies/falco/fifo.yaml')]);
  symlinkSync('loop.yaml', join(dir, 'policies/falco/loop.yaml'));
  symlinkSync('/dev/zero', join(dir, 'policies/apparmor/zero'));
  // Events: 100 MB of newlines in about 100 KB of gzip, and gzip cut short.
  writeFileSync(
    join(dir, 'r.yaml'),
    '- rule: r\n  desc: d\n  condition: evt.type = execve\n  output: o\n  priority: WARNING\n',
  );
  writeFileSync(join(dir, 'newlines.gz'), gzipSync(Buffer.alloc(100 << 20, 0x0a), { level: 9 }));
  const alerts = gzipSync(
    Array.from(
      { length: 20_000 },
      (_, i) => `{"time":"2026-01-01T00:00:00Z","output_fields":{"evt.type":"execve","proc.name":"p${i}"}}\n`,
    ).join(''),
  );
  writeFileSync(join(dir, 'cut.gz'), alerts.subarray(0, alerts.length >> 1));
  // 150,000 findings in one file, in the text format.
  writeFileSync(
    join(dir, 'many.json'),
    JSON.stringify({
      defaultAction: 'SCMP_ACT_ERRNO',
      syscalls: [
        { names: Array.from({ length: 150_000 }, (_, i) => `no_such_call_${i}`), action: 'SCMP_ACT_ALLOW' },
      ],
    }),
  );
  const cases = [
    { args: ['lint'], want: [1] },
    { args: ['lint', '--kind', 'falco', 'fifo'], want: [2] },
    { args: ['falco', 'compile', 'fifo'], want: [2] },
    { args: ['pod-security', 'check', '--level', 'baseline', '/dev/zero'], want: [2] },
    { args: ['lint', '/dev/zero'], want: [2] },
    { shell: `echo garbage | "${process.execPath}" "${chs}" lint --kind apparmor /dev/stdin`, want: [2] },
    { args: ['falco', 'replay', '--rules', 'fifo', '--events', 'fifo'], want: [2] },
    { args: ['falco', 'replay', '--rules', 'r.yaml', '--events', 'newlines.gz'], want: [2] },
    { args: ['falco', 'replay', '--rules', 'r.yaml', '--events', 'cut.gz'], want: [2] },
    { args: ['lint', '--kind', 'seccomp', 'many.json'], want: [1] },
  ];
  for (const c of cases) {
    const started = Date.now();
    const run = c.shell
      ? spawnSync('sh', ['-c', c.shell], { cwd: dir, encoding: 'utf8', timeout: HANG_MS })
      : spawnSync(process.execPath, [chs, ...c.args], { cwd: dir, encoding: 'utf8', timeout: HANG_MS });
    const ok =
      c.want.includes(run.status) && !/^\s+at /m.test(run.stderr) && !run.stderr.includes('internal error');
    if (!ok) failed++;
    line(
      `cli ${ok ? 'ok  ' : 'FAIL'} ${String(Date.now() - started).padStart(5)} ms  exit ${run.status ?? run.signal}  ${c.shell ? 'echo garbage | chs lint --kind apparmor /dev/stdin' : `chs ${c.args.join(' ')}`}`,
    );
  }
  rmSync(dir, { recursive: true, force: true });
}
process.exit(failed > 0 ? 1 : 0);
