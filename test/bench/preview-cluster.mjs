// `chs preview` over a large cluster: a snapshot of 150,000 pods as `kubectl get pods -A -o json`
// prints them (about 3 KB each, one file) and 1,000,000 recorded events from those pods, for a
// merge request that changes a Falco rules file, a pod security policy, an AppArmor and a seccomp
// profile. Beside it, in the same run, a bare parse of the same inputs: JSON.parse of the snapshot
// and of every event line. Goal: under 10 s and 1 GB. Each figure is of a process of its own (wall
// time, CPU time, peak RSS). `npm run bench preview-cluster`; CHS_BENCH_PODS and CHS_BENCH_EVENTS
// change the counts, CHS_BENCH_CHS names another build of the CLI (a figure before a change).
// This VM's speed swings from one minute to the next: CHS_BENCH_ROUNDS (default 3) more rounds then
// run the bare parse, the same preview with the snapshot read on the main thread (CHS_SNAPSHOT_WORKER=0,
// the preview before it had a worker thread) and the preview in turn (and CHS_BENCH_BEFORE, another
// build, between them), so that each preview is held against a bare parse of its own minute; a
// round whose two reports differ says so.
import { once } from 'node:events';
import { createWriteStream, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writePodList } from './_pods.mjs';
import { child, figure } from './_util.mjs';

const PODS = Number(process.env.CHS_BENCH_PODS ?? 150_000);
const EVENTS = Number(process.env.CHS_BENCH_EVENTS ?? 1_000_000);
const chs = process.env.CHS_BENCH_CHS ?? fileURLToPath(new URL('../../dist/bundle/chs.cjs', import.meta.url));

const dir = mkdtempSync(join(tmpdir(), 'chs-bench-preview-cluster-'));
const write = (path, text) => {
  mkdirSync(join(dir, path, '..'), { recursive: true });
  writeFileSync(join(dir, path), text);
};

/** Writes lines through a stream, waiting when it asks to. */
async function writeLines(path, count, line) {
  const out = createWriteStream(join(dir, path));
  for (let i = 0; i < count; i++) if (!out.write(line(i))) await once(out, 'drain');
  out.end();
  await once(out, 'finish');
}

// The repository on both sides: each of four policies changed.
for (const [side, head] of [
  ['base', false],
  ['head', true],
]) {
  write(`${side}/chs.yaml`, 'version: 1\nmode: monitor\ntargets:\n  - name: production\n    mode: block\n');
  const rules = [];
  for (let r = 0; r < 40; r++)
    rules.push(
      `- rule: Exec ${r}\n  desc: a program run\n  condition: evt.type = execve and proc.name = p${r}${head && r % 10 === 0 ? ' and k8s.ns.name != ns-0' : ''}\n  output: run (proc=%proc.name pod=%k8s.pod.name)\n  priority: ${head && r % 20 === 0 ? 'ERROR' : 'WARNING'}\n`,
    );
  write(`${side}/policies/falco/exec.yaml`, rules.join('\n'));
  write(
    `${side}/policies/pod-security/cluster.yaml`,
    `apiVersion: container-host-security/v1\nkind: PodSecurity\nmetadata:\n  name: cluster\nspec:\n  level: ${head ? 'restricted' : 'baseline'}\n  namespaceSelector: {matchExpressions: [{key: kubernetes.io/metadata.name, operator: NotIn, values: [kube-system]}]}\n`,
  );
  write(
    `${side}/policies/apparmor/app`,
    `profile app flags=(attach_disconnected${head ? '' : ',complain'}) {\n  /usr/bin/app ix,\n  /srv/** r${head ? '' : 'w'},\n}\n`,
  );
  write(
    `${side}/policies/seccomp/app.json`,
    `${JSON.stringify({ defaultAction: 'SCMP_ACT_ERRNO', syscalls: [{ names: ['read', 'write', 'openat', 'close', 'execve', 'exit_group', ...(head ? [] : ['ptrace'])], action: 'SCMP_ACT_ALLOW' }] }, null, 2)}\n`,
  );
}

// The snapshot: one List as kubectl prints it.
const snapshot = join(dir, 'snapshot.json');
await writePodList(snapshot, PODS);
// Events from those pods: execs, file opens and other system calls.
await writeLines('events.jsonl', EVENTS, (i) => {
  const p = (i * 7919) % PODS;
  const app = `app-${p % 97}`;
  const where = `"k8s.ns.name":"ns-${p % 200}","k8s.pod.name":"${app}-7d9f8c6b5-${p.toString(36)}"`;
  const kind = i % 4;
  const fields =
    kind === 0
      ? `"evt.type":"execve","proc.name":"p${i % 40}","proc.exepath":"/usr/bin/p${i % 40}"`
      : kind === 1
        ? `"evt.type":"openat","proc.name":"app","fd.name":"/srv/data/${i % 900}","evt.arg.flags":"O_RDWR"`
        : `"evt.type":"${i % 100 === 2 ? 'ptrace' : 'read'}","proc.name":"app"`;
  return `{"time":"2026-11-20T09:00:00Z","source":"syscall","output_fields":{${fields},${where}}}\n`;
});
const events = join(dir, 'events.jsonl');
figure(`snapshot: ${PODS.toLocaleString('en-US')} pods, bytes per pod`, statSync(snapshot).size / PODS, 'B');
figure(`events: ${EVENTS.toLocaleString('en-US')}, bytes`, statSync(events).size, 'B');
process.stdout.write(
  `load average ${loadavg()[0].toFixed(1)} on ${cpus().length} cores: wall times are disturbed by other work, CPU times less\n`,
);

const bareParse = () =>
  child([
    '-e',
    `const fs = require('node:fs'); const readline = require('node:readline');
   const pods = JSON.parse(fs.readFileSync(${JSON.stringify(snapshot)}, 'utf8')).items.length;
   let events = 0;
   (async () => {
     for await (const line of readline.createInterface({ input: fs.createReadStream(${JSON.stringify(events)}) }))
       if (line) { JSON.parse(line); events++; }
     console.log(pods, events);
   })();`,
  ]);
const bare = bareParse();
figure('bare parse: JSON.parse of the snapshot and of each event (wall)', bare.wall, 'ms');
figure('bare parse: CPU time (user + system)', bare.cpu, 'ms');
figure('bare parse: peak memory', bare.mb, 'MB');
figure('  pods and events parsed', bare.stdout.trim() || `failed: ${bare.stderr.split('\n')[0]}`, '');

const out = join(dir, 'preview.json');
const previewWith = (build, env = {}) =>
  child(
    [
      build,
      'preview',
      '--base-dir',
      '../base',
      '--events',
      events,
      '--snapshot',
      snapshot,
      '--format',
      'json',
      '--out',
      out,
    ],
    { cwd: join(dir, 'head'), env: { ...process.env, CHS_TIMING: '1', ...env } },
  );
const preview = previewWith(chs);
figure('chs preview over the snapshot and the events (wall)', preview.wall, 'ms', '< 10,000 ms');
figure('chs preview: CPU time (user + system)', preview.cpu, 'ms');
figure('chs preview: peak memory', preview.mb, 'MB', '< 1,024 MB');
figure('  exit status (1: the change has impacts)', preview.status ?? 'killed', '');
figure('chs preview over the bare parse (wall)', `${(preview.wall / bare.wall).toFixed(1)}x`, '');
figure('chs preview over the bare parse (CPU time)', `${(preview.cpu / bare.cpu).toFixed(1)}x`, '');
if (preview.status !== 0 && preview.status !== 1)
  process.stdout.write(
    `  chs preview said: ${preview.stderr
      .split('\n')
      .filter((l) => !l.startsWith('chs timing') && !l.startsWith('chs-bench'))
      .slice(0, 3)
      .join(' / ')}\n`,
  );
else {
  const report = JSON.parse(preview.stdout);
  for (const section of report.sections)
    figure(
      `  ${section.kind}: items changed / impacts`,
      `${section.items.length} / ${section.impacts.length}`,
      '',
    );
  process.stdout.write(`  verdict: ${report.verdict.headline.slice(0, 150)}\n`);
  process.stdout.write('  phases (wall clock; CPU where measured):\n');
  for (const m of preview.stderr.matchAll(
    /^chs timing: preview: (.+?) +([\d.]+) ms(?: \(CPU ([\d.]+) ms\))?$/gm,
  ))
    process.stdout.write(
      `    ${m[1].padEnd(50)} ${Math.round(Number(m[2])).toLocaleString('en-US').padStart(7)} ms${m[3] === undefined ? '' : ` (CPU ${Math.round(Number(m[3])).toLocaleString('en-US')} ms)`}\n`,
    );
}

const ROUNDS = Number(process.env.CHS_BENCH_ROUNDS ?? 3);
const before = process.env.CHS_BENCH_BEFORE;
if (ROUNDS > 0) {
  process.stdout.write(
    `rounds: the bare parse${before ? ', the build before (CHS_BENCH_BEFORE)' : ''}, the preview with the snapshot read on the main thread (CHS_SNAPSHOT_WORKER=0) and the preview in turn (wall, CPU)\n`,
  );
  const walls = [bare.wall > 0 ? preview.wall / bare.wall : NaN];
  const previews = [preview.wall];
  const seconds = (run) => `${(run.wall / 1000).toFixed(1)} s (CPU ${(run.cpu / 1000).toFixed(1)} s)`;
  for (let round = 1; round <= ROUNDS; round++) {
    const base = bareParse();
    const old = before ? previewWith(before) : undefined;
    const single = previewWith(chs, { CHS_SNAPSHOT_WORKER: '0' });
    const now = previewWith(chs);
    previews.push(now.wall);
    walls.push(now.wall / base.wall);
    process.stdout.write(
      `  round ${round}: bare parse ${seconds(base)}${old ? `, before ${seconds(old)} (${(old.wall / base.wall).toFixed(1)}x)` : ''}, main thread only ${seconds(single)} (${(single.wall / base.wall).toFixed(1)}x), preview ${seconds(now)} (${(now.wall / base.wall).toFixed(1)}x), ${Math.round(now.mb)} MB${single.stdout === now.stdout ? '' : ', REPORTS DIFFER'}\n`,
    );
  }
  const sorted = [...previews].sort((a, b) => a - b);
  const secs = (ms) => (ms / 1000).toFixed(1);
  figure(
    `chs preview over all ${previews.length} runs: fastest / median / slowest (wall)`,
    `${secs(sorted[0])} / ${secs(sorted[Math.floor(sorted.length / 2)])} / ${secs(sorted.at(-1))}`,
    's',
  );
  figure('  runs under 10 s', `${previews.filter((ms) => ms < 10_000).length} of ${previews.length}`, '');
  const ratios = [...walls].sort((a, b) => a - b);
  figure(
    '  over the bare parse of the same round (wall)',
    `${ratios[0].toFixed(1)}x to ${ratios.at(-1).toFixed(1)}x`,
    '',
  );
}
rmSync(dir, { recursive: true, force: true });
