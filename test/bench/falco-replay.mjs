// chs falco replay: 1,000,000 synthetic events against the stable and incubating Falco rules
// loaded together. Prints the event mix and the rules an event meets on average, events per
// second for evaluation alone (CPU and wall clock) and for the whole replay, the yardstick (only
// reading and JSON.parse of the same file), peak memory at 100,000 and 1,000,000 events (each
// replay in its own process), and what a `(a+)+$` regex rule costs on long strings.
// The event files are generated into a temporary directory and deleted afterwards.
import { spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { figure } from './_util.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const dist = (p) => join(root, 'dist', 'src', p);
const corpus = join(root, '..', 'shared', 'corpus', 'falco');
const RULES = ['falco_rules.yaml', 'falco-incubating_rules.yaml'].map((f) => join(corpus, f));

const { loadRuleset } = await import(dist('languages/falco/evaluate/load.js'));
const { Ruleset } = await import(dist('languages/falco/evaluate/engine.js'));
const { replay } = await import(dist('languages/falco/evaluate/replay.js'));
const { forEachLine, openEventStream } = await import(dist('languages/falco/evaluate/events.js'));
const { alertJson } = await import(dist('languages/falco/evaluate/alert.js'));
const { parse } = await import(dist('languages/falco/condition/parser.js'));

function load(extra = []) {
  const loaded = loadRuleset(
    RULES.map((absolute) => ({ absolute, display: absolute })),
    'first',
  );
  if (loaded.errors.length > 0) throw new Error(`rules do not load: ${loaded.errors[0]}`);
  if (extra.length === 0) return loaded.ruleset;
  return new Ruleset([...extra, ...loaded.ruleset.compiled.map((c) => c.rule)], 'first');
}

// ---- synthetic events: what Falco's rule engine sees on a busy container host. Falco only
// delivers the system calls its rules (and its state tracking) ask for, so there is no read,
// write or mmap here: opens dominate (with their closes), then process starts, network calls,
// deletions and uid changes. Three events in four come from containers. About one in twenty
// raises an alert (shells reading SSH keys, log deletion, setuid...).
const PROCS = [
  ['nginx', '/usr/sbin/nginx', 'nginx -g daemon off;', 'containerd-shim'],
  ['java', '/usr/bin/java', 'java -jar app.jar', 'containerd-shim'],
  ['python3', '/usr/bin/python3', 'python3 manage.py runserver', 'bash'],
  ['node', '/usr/local/bin/node', 'node server.js', 'npm'],
  ['postgres', '/usr/lib/postgresql/15/bin/postgres', 'postgres -D /var/lib/postgresql', 'postgres'],
  ['bash', '/usr/bin/bash', 'bash -c ls -la', 'sshd'],
  ['cat', '/usr/bin/cat', 'cat /etc/shadow', 'bash'],
  ['curl', '/usr/bin/curl', 'curl -s http://example.com', 'sh'],
];
/** Paths opened again and again (libraries, configuration, logs), and a few sensitive ones. */
const FILES = [
  '/etc/nginx/nginx.conf',
  '/var/log/app.log',
  '/usr/lib/x86_64-linux-gnu/libc.so.6',
  '/etc/ld.so.cache',
  '/etc/shadow',
  '/tmp/cache.bin',
  '/root/.ssh/id_rsa',
  '/etc/passwd',
  '/dev/null',
  '/bin/evil',
];
/** Event types by weight: of 16 events, 7 opens and 3 closes. */
const TYPES = [
  'openat',
  'close',
  'openat',
  'execve',
  'openat',
  'connect',
  'openat',
  'close',
  'accept',
  'openat',
  'unlinkat',
  'openat',
  'setuid',
  'close',
  'socket',
  'openat',
];
const NETWORK = new Set(['connect', 'accept', 'socket']);

/** Which file an event touches: mostly the usual ones, one in three a path of its own. */
function fileOf(i, longA) {
  // Every long name is different (no verdict can be remembered): 4 KiB of "a" and a unique tail.
  if (longA && i % 100 === 0) return `/tmp/${'a'.repeat(4096)}!${i}`;
  if (i % 3 === 1) return i % 2 === 0 ? `/proc/${1000 + (i % 4999)}/stat` : `/var/lib/app/data-${i % 997}.db`;
  return FILES[(i * 3) % FILES.length];
}

function event(i, longA) {
  const [name, exe, cmdline, pname] = PROCS[i % PROCS.length];
  const type = TYPES[(i * 7) % TYPES.length];
  const inContainer = i % 4 !== 0;
  const fields = {
    'evt.type': type,
    'evt.dir': '<',
    'evt.rawres': i % 50 === 0 ? -2 : 3,
    'proc.name': name,
    'proc.exe': exe,
    'proc.exepath': exe,
    'proc.cmdline': cmdline,
    'proc.pname': pname,
    'proc.aname[2]': 'containerd-shim',
    'proc.aname[3]': 'systemd',
    'proc.tty': i % 97 === 0 ? 34816 : 0,
    'user.name': i % 5 === 0 ? 'www-data' : 'root',
    'user.uid': i % 5 === 0 ? 33 : 0,
    'user.loginuid': -1,
    'container.id': inContainer ? '3ad7b26ded6d' : 'host',
    'container.image.repository': inContainer ? 'docker.io/library/nginx' : null,
    'k8s.ns.name': inContainer ? 'shop' : null,
    'k8s.pod.name': inContainer ? `web-${i % 13}` : null,
  };
  if (NETWORK.has(type)) {
    const port = i % 20 === 0 ? 2222 : 443;
    Object.assign(fields, {
      'fd.typechar': '4',
      'fd.type': 'ipv4',
      'fd.l4proto': 'tcp',
      'fd.name': `10.1.${i % 250}.7:${40000 + (i % 2000)}->10.96.0.10:${port}`,
      'fd.cip': `10.1.${i % 250}.7`,
      'fd.cport': 40000 + (i % 2000),
      'fd.sip': '10.96.0.10',
      'fd.sport': port,
      'fd.num': 5,
    });
  } else if (type !== 'execve' && type !== 'setuid') {
    const file = fileOf(i, longA);
    Object.assign(fields, {
      'fd.name': file,
      'fd.directory': file.slice(0, file.lastIndexOf('/')) || '/',
      'fd.typechar': 'f',
      'fd.num': 3,
    });
    if (type === 'openat')
      Object.assign(fields, {
        'evt.is_open_read': i % 3 !== 0,
        'evt.is_open_write': i % 3 === 0,
        'evt.arg.flags': i % 3 === 0 ? 'O_WRONLY|O_CREAT|O_TRUNC' : 'O_RDONLY|O_CLOEXEC',
      });
    if (type === 'unlinkat') fields['evt.arg.name'] = file;
  }
  const ns = 1795000000000000000n + BigInt(i) * 1000n;
  return JSON.stringify({ time: ns.toString(), source: 'syscall', fields });
}

/** Writes the first `counts[i]` events to `paths[i]`, generating each event once. */
async function writeEvents(paths, counts, longA = false) {
  const outs = paths.map((path) => createWriteStream(path));
  const buffers = paths.map(() => '');
  const max = Math.max(...counts);
  for (let i = 0; i < max; i++) {
    const line = `${event(i, longA)}\n`;
    for (let k = 0; k < outs.length; k++) {
      if (i >= counts[k]) continue;
      buffers[k] += line;
      if (buffers[k].length > 1 << 20) {
        if (!outs[k].write(buffers[k])) await once(outs[k], 'drain');
        buffers[k] = '';
      }
    }
  }
  for (let k = 0; k < outs.length; k++) {
    outs[k].end(buffers[k]);
    await once(outs[k], 'finish');
  }
}

/** Wall-clock and CPU time (user + system, this process) of one run. */
async function measure(fn) {
  const wall = performance.now();
  const cpu = process.cpuUsage();
  const value = await fn();
  const used = process.cpuUsage(cpu);
  return { value, wallMs: performance.now() - wall, cpuMs: (used.user + used.system) / 1000 };
}

async function readAndParse(path) {
  let n = 0;
  await forEachLine(
    openEventStream(path),
    (text) => {
      JSON.parse(text);
      n++;
    },
    () => {},
  );
  return n;
}

async function replayFile(ruleset, path, withAlerts) {
  let bytes = 0;
  const summary = await replay({
    ruleset,
    files: [{ path, display: path }],
    hostname: 'bench',
    ...(withAlerts
      ? {
          onAlert: (alert) => {
            bytes += alertJson(alert).length;
          },
        }
      : {}),
    onBadLine: () => {},
  });
  return { summary, bytes };
}

// ---- child mode: one replay, then print the peak resident set size
if (process.argv[2] === '--child') {
  const ruleset = load();
  const { summary } = await replayFile(ruleset, process.argv[3], true);
  process.stdout.write(
    JSON.stringify({
      events: summary.events,
      alerts: summary.alerts,
      maxRssKiB: process.resourceUsage().maxRSS,
    }),
  );
  process.exit(0);
}

if (!existsSync(corpus)) {
  process.stdout.write(`skipped: the Falco corpus (${corpus}) is absent\n`);
  process.exit(0);
}

const dir = mkdtempSync(join(tmpdir(), 'chs-replay-bench-'));
try {
  const big = join(dir, 'events-1m.jsonl');
  const small = join(dir, 'events-100k.jsonl');
  let t = performance.now();
  await writeEvents([big, small], [1_000_000, 100_000]);
  process.stdout.write(
    `generated 1,000,000 events (${(statSync(big).size / 1048576).toFixed(0)} MiB) in ${((performance.now() - t) / 1000).toFixed(1)} s\n`,
  );

  t = performance.now();
  const ruleset = load();
  figure('load stable + incubating rules', performance.now() - t, 'ms');
  figure('rules compiled (enabled)', ruleset.compiled.length, 'rules');

  // Evaluation alone: 100,000 events already parsed, held in memory, evaluated 10 times over.
  // Each event is far from the processor's caches when its turn comes, so this is the
  // pessimistic figure. CPU time is the figure (the machine is shared); wall clock beside it.
  const lines = [];
  const sample = [];
  await forEachLine(
    openEventStream(small),
    (text) => {
      lines.push(text);
      const e = JSON.parse(text);
      sample.push({ source: e.source, fields: e.fields });
    },
    () => {},
  );
  const types = new Map();
  let met = 0;
  for (const e of sample) {
    met += ruleset.candidates(e).length;
    const type = e.fields['evt.type'];
    types.set(type, (types.get(type) ?? 0) + 1);
  }
  process.stdout.write(
    `   event mix: ${[...types]
      .sort((x, y) => y[1] - x[1])
      .map(([type, n]) => `${type} ${((n / sample.length) * 100).toFixed(0)}%`)
      .join(', ')}\n`,
  );
  figure('rules met per event (average, after the evt.type index)', met / sample.length, 'rules');
  let fired = 0;
  for (let r = 0; r < 3; r++) for (const e of sample) if (ruleset.first(e)) fired++; // warm-up
  const rounds = 10;
  const evaluation = await measure(() => {
    for (let r = 0; r < rounds; r++) for (const e of sample) if (ruleset.first(e)) fired++;
  });
  const evaluated = rounds * sample.length;
  figure(
    'evaluation alone, CPU time (parsed events, one core)',
    evaluated / (evaluation.cpuMs / 1000),
    'events/s',
    '> 1,000,000',
  );
  figure('evaluation alone, wall clock', evaluated / (evaluation.wallMs / 1000), 'events/s');

  // Evaluation as the replay does it, each event just parsed (so in the caches): the CPU time of
  // parsing and evaluating the same lines, less that of parsing them alone (best of 3 each).
  let parseOnly = Infinity;
  let parseAndEvaluate = Infinity;
  for (let r = 0; r < 3; r++) {
    parseOnly = Math.min(
      parseOnly,
      (
        await measure(() => {
          for (const text of lines) JSON.parse(text);
        })
      ).cpuMs,
    );
    parseAndEvaluate = Math.min(
      parseAndEvaluate,
      (
        await measure(() => {
          for (const text of lines) {
            const e = JSON.parse(text);
            if (ruleset.first({ source: e.source, fields: e.fields })) fired++;
          }
        })
      ).cpuMs,
    );
  }
  figure(
    'evaluation of each event just parsed (parse+evaluate - parse), CPU',
    lines.length / ((parseAndEvaluate - parseOnly) / 1000),
    'events/s',
  );

  const yard = await measure(() => readAndParse(big));
  figure('yardstick: read + JSON.parse only, 1M events, CPU', yard.cpuMs, 'ms');
  figure('yardstick, wall clock', yard.wallMs, 'ms');
  figure('yardstick rate (CPU)', yard.value / (yard.cpuMs / 1000), 'events/s');

  const whole = await measure(() => replayFile(ruleset, big, true));
  const { summary } = whole.value;
  figure('whole replay (read, parse, evaluate, alerts as JSON), 1M, CPU', whole.cpuMs, 'ms');
  figure('whole replay, wall clock', whole.wallMs, 'ms');
  figure('whole replay rate (CPU)', summary.events / (whole.cpuMs / 1000), 'events/s');
  figure('whole replay / yardstick (CPU)', whole.cpuMs / yard.cpuMs, 'x', '<= 2');
  figure('whole replay / yardstick (wall clock)', whole.wallMs / yard.wallMs, 'x', '<= 2');
  figure('alerts raised in 1M events', summary.alerts, 'alerts');
  const top = [...summary.rules].sort((a, b) => b.alerts - a.alerts).slice(0, 3);
  process.stdout.write(`   top rules: ${top.map((r) => `${r.rule} (${r.alerts})`).join(', ')}\n`);

  // Peak memory, each size in a fresh process.
  const peak = (file) => {
    const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child', file], {
      encoding: 'utf8',
      maxBuffer: 1 << 20,
    });
    if (child.status !== 0) throw new Error(child.stderr);
    return JSON.parse(child.stdout);
  };
  const p100k = peak(small);
  const p1m = peak(big);
  figure('peak RSS, replay of 100,000 events', p100k.maxRssKiB / 1024, 'MiB');
  figure('peak RSS, replay of 1,000,000 events', p1m.maxRssKiB / 1024, 'MiB', 'flat');
  figure('peak RSS growth 100k -> 1M', (p1m.maxRssKiB - p100k.maxRssKiB) / 1024, 'MiB');

  // (a+)+$ against long strings: 1% of the events carry a 4,097-character "aaa...!" fd.name.
  const longFile = join(dir, 'events-long.jsonl');
  await writeEvents([longFile], [100_000], true);
  const condition = (text) => {
    const r = parse(text);
    if (!('ast' in r)) throw new Error(r.error);
    return r.ast;
  };
  const rule = (name, text) => ({
    name,
    condition: condition(text),
    output: 'x %fd.name',
    priority: 'Warning',
    source: 'syscall',
    tags: [],
    enabled: true,
  });
  const withRegex = load([rule('Regex bomb', 'evt.type = openat and fd.name regex "(a+)+$"')]);
  const withPlain = load([rule('Plain check', 'evt.type = openat and fd.name endswith "aaaa"')]);
  // Alternate the two rulesets so that the shared machine's noise falls on both alike; keep the
  // fastest of each.
  const best = { plain: Infinity, regex: Infinity };
  for (let i = 0; i < 5; i++) {
    best.plain = Math.min(best.plain, (await measure(() => replayFile(withPlain, longFile, false))).cpuMs);
    best.regex = Math.min(best.regex, (await measure(() => replayFile(withRegex, longFile, false))).cpuMs);
  }
  figure('100k events (1% with 4 KiB "aaa...!N"), endswith rule, CPU', best.plain, 'ms');
  figure('same, with a (a+)+$ regex rule, CPU', best.regex, 'ms');
  figure(
    'regex rule overhead on the whole replay',
    ((best.regex - best.plain) / best.plain) * 100,
    '%',
    'not measurable (< 10 %)',
  );
  const long = `/tmp/${'a'.repeat(4096)}!`;
  const bomb = withRegex.compiled[0];
  const perMatch = await measure(() => {
    for (let i = 0; i < 1000; i++) bomb.test({ 'evt.type': 'openat', 'fd.name': `${long}${i}` });
  });
  figure('(a+)+$ against one 4 KiB string (linear engine), CPU', (perMatch.cpuMs * 1000) / 1000, 'µs');
  const backtracking = /^(a+)+$/;
  const s = performance.now();
  backtracking.test(`${'a'.repeat(24)}!`);
  figure("for scale: V8's backtracking RegExp on 25 characters", performance.now() - s, 'ms');
} finally {
  rmSync(dir, { recursive: true, force: true });
}
