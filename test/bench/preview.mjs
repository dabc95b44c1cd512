// The impact preview of a merge request touching 10 policies (3 Falco rules files, 3 AppArmor
// profiles, 2 seccomp profiles, 2 pod security policies), against a snapshot of 5,000 pods and
// 1,000,000 recorded events: `chs preview` runs as in CI (every provider: item diff, workloads,
// one pass over the events for Falco base and head, AppArmor and seccomp in block mode; the lint
// of both sides; the report), three times, each in its own process; then the Markdown of a report
// with 5,000 impact rows cut to GitLab's limit.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import { languages, registry } from '../../dist/src/languages/index.js';
import { readSnapshotFile } from '../../dist/src/kube/snapshot.js';
import { GITLAB_NOTE_LIMIT, impactMarkdown } from '../../dist/src/report/markdown.js';
import { fileURLToPath } from 'node:url';
import { child, figure, time } from './_util.mjs';

const dir = mkdtempSync(join(tmpdir(), 'chs-bench-preview-'));
const write = (path, text) => {
  mkdirSync(join(dir, path, '..'), { recursive: true });
  writeFileSync(join(dir, path), text);
};

const CONFIG = 'version: 1\nmode: monitor\ntargets:\n  - name: production\n    mode: block\n';
// 10 policy files, each changed in a few places.
function falcoFile(n, variant) {
  const out = [];
  for (let i = 0; i < 120; i++) {
    out.push(
      `- rule: Rule ${n}-${i}`,
      `  desc: rule ${i}`,
      `  condition: evt.type = execve and proc.name = p${i}${variant && i % 40 === 0 ? ' and container.id != host' : ''}`,
    );
    out.push(
      `  output: seen (proc=%proc.name pod=%k8s.pod.name)`,
      `  priority: ${variant && i % 60 === 0 ? 'ERROR' : 'WARNING'}`,
      '',
      '',
      '',
    );
  }
  return out.join('\n') + '\n';
}
function profile(n, variant) {
  const rules = Array.from(
    { length: 900 },
    (_, i) => `  /srv/app${n}/data/${i}/** ${variant && i % 300 === 0 ? 'r' : 'rw'},`,
  );
  return `profile app-${n} flags=(attach_disconnected${variant ? '' : ',complain'}) {\n  /usr/bin/app ix,\n${rules.join('\n')}\n}\n`;
}
const ESSENTIAL = [
  'read',
  'write',
  'openat',
  'close',
  'execve',
  'exit',
  'exit_group',
  'rt_sigreturn',
  'arch_prctl',
  'futex',
  'brk',
  'mmap',
  'mprotect',
  'munmap',
];
function seccomp(variant) {
  const names = [...ESSENTIAL, 'ptrace', 'personality', 'uname', 'getpid'].filter(
    (n) => !(variant && n === 'personality'),
  );
  return (
    JSON.stringify(
      { defaultAction: 'SCMP_ACT_ERRNO', syscalls: [{ names, action: 'SCMP_ACT_ALLOW' }] },
      null,
      2,
    ) + '\n'
  );
}
function podSecurity(name, variant) {
  return `apiVersion: container-host-security/v1\nkind: PodSecurity\nmetadata:\n  name: ${name}\nspec:\n${variant ? '' : '  mode: monitor\n'}  level: ${variant ? 'restricted' : 'baseline'}\n  controls:\n    runAsNonRoot: true\n`;
}
for (const [side, variant] of [
  ['base', false],
  ['head', true],
]) {
  write(`${side}/chs.yaml`, CONFIG);
  for (let n = 0; n < 3; n++) write(`${side}/policies/falco/f${n}.yaml`, falcoFile(n, variant));
  for (let n = 0; n < 3; n++) write(`${side}/policies/apparmor/app-${n}`, profile(n, variant));
  for (let n = 0; n < 2; n++) write(`${side}/policies/seccomp/s${n}.json`, seccomp(variant));
  for (let n = 0; n < 2; n++)
    write(`${side}/policies/pod-security/p${n}.yaml`, podSecurity(`p${n}`, variant));
}

// A snapshot of 5,000 pods: 1,000 Deployments of 5 pods each, over 50 namespaces, each confined
// by one of the AppArmor and seccomp profiles.
const objects = [];
for (let ns = 0; ns < 50; ns++)
  objects.push(`  - {apiVersion: v1, kind: Namespace, metadata: {name: ns-${ns}}}`);
const container = (d) =>
  `{name: c, image: app, securityContext: {appArmorProfile: {type: Localhost, localhostProfile: app-${d % 3}}, seccompProfile: {type: Localhost, localhostProfile: container-host-security/s${d % 2}.json}}}`;
for (let d = 0; d < 1_000; d++) {
  const ns = `ns-${d % 50}`;
  objects.push(
    `  - apiVersion: apps/v1\n    kind: Deployment\n    metadata: {name: web-${d}, namespace: ${ns}}\n    spec:\n      template:\n        spec:\n          containers: [${container(d)}]`,
  );
  for (let p = 0; p < 5; p++)
    objects.push(
      `  - apiVersion: v1\n    kind: Pod\n    metadata: {name: web-${d}-7d9f8-a${p}b${p}c, namespace: ${ns}, ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: web-${d}-7d9f8, uid: u${d}, controller: true}]}\n    spec:\n      containers: [${container(d)}]`,
    );
}
write('snapshot.yaml', `apiVersion: v1\nkind: List\nitems:\n${objects.join('\n')}\n`);
let objectCount = 0;
readSnapshotFile(join(dir, 'snapshot.yaml'), 'snapshot.yaml', () => objectCount++);

// 1,000,000 events from those pods: execs, file opens and other system calls.
const events = createWriteStream(join(dir, 'events.jsonl'));
for (let i = 0; i < 1_000_000; i++) {
  const d = i % 1_000;
  const where = `"k8s.ns.name":"ns-${d % 50}","k8s.pod.name":"web-${d}-7d9f8-a${i % 5}b${i % 5}c"`;
  const kind = i % 4;
  const fields =
    kind === 0
      ? `"evt.type":"execve","proc.name":"p${i % 120}","proc.exepath":"/usr/bin/p${i % 120}"`
      : kind === 1
        ? `"evt.type":"openat","proc.name":"app","fd.name":"/srv/app${d % 3}/data/${i % 900}/f","evt.arg.flags":"${i % 8 === 1 ? 'O_RDWR' : 'O_RDONLY'}"`
        : kind === 2
          ? `"evt.type":"${i % 100 === 2 ? 'personality' : 'read'}","proc.name":"app"`
          : `"evt.type":"write","proc.name":"app"`;
  const line = `{"time":"2026-11-20T09:00:00Z","source":"syscall","fields":{${fields},${where}}}\n`;
  if (!events.write(line)) await once(events, 'drain');
}
events.end();
await once(events, 'finish');

const providers = languages.filter((l) => l.impact).map((l) => l.kind);
process.stdout.write(
  `languages linting: ${languages.map((l) => l.kind).join(', ') || 'none yet'}; impact providers: ${providers.join(', ') || 'none yet (events and snapshot not read)'}\n`,
);

// What a merge request pipeline runs: `chs preview` (the bundled CLI), each run in its own
// process, cold as in CI. CPU time (user + system, all threads) and peak RSS come from the child
// itself (_usage.mjs, preloaded); CHS_TIMING=1 gives the phases.
const cli = fileURLToPath(new URL('../../dist/bundle/chs.cjs', import.meta.url));
const args = [
  cli,
  'preview',
  '--base-dir',
  '../base',
  '--events',
  '../events.jsonl',
  '--snapshot',
  '../snapshot.yaml',
  '--format',
  'json',
  '--out',
  join(dir, 'chs-preview.md'),
];
const runs = [];
for (let i = 0; i < Number(process.env.CHS_BENCH_RUNS ?? 3); i++) {
  const run = child(args, { cwd: join(dir, 'head'), env: { ...process.env, CHS_TIMING: '1' } });
  if (run.status !== 1) throw new Error(`chs preview exited ${run.status}: ${run.stderr.slice(0, 2000)}`);
  const phases = [
    ...run.stderr.matchAll(/^chs timing: preview: (.+?) +([\d.]+) ms(?: \(CPU ([\d.]+) ms\))?$/gm),
  ].map((m) => ({ name: m[1], wall: Number(m[2]), cpu: m[3] === undefined ? undefined : Number(m[3]) }));
  runs.push({ wall: run.wall, cpu: run.cpu, rss: run.mb * 1024, phases, report: JSON.parse(run.stdout) });
}
const byWall = [...runs].sort((a, b) => a.wall - b.wall);
const median = byWall[Math.floor(byWall.length / 2)];
const spread = (key) => {
  const values = runs.map((r) => r[key]).sort((a, b) => a - b);
  return `${Math.round(values[0]).toLocaleString('en-US')} .. ${Math.round(values.at(-1)).toLocaleString('en-US')}`;
};
figure(
  `preview: 10 policy files changed, 5,000 pods, 1e6 events (${runs.length} runs)`,
  median.wall,
  'ms',
  '< 10,000 ms',
);
figure('  wall clock, fastest .. slowest', spread('wall'), 'ms');
figure('  CPU time (user + system) of the median run', median.cpu, 'ms');
figure('  CPU time, least .. most', spread('cpu'), 'ms');
figure('  peak RSS of the median run', median.rss / 1024, 'MB');
figure(
  '  peak RSS, least .. most',
  spread('rss').replace(/[\d,]+/g, (n) =>
    Math.round(Number(n.replace(/,/g, '')) / 1024).toLocaleString('en-US'),
  ),
  'MB',
);
process.stdout.write('  phases of the median run (wall clock; CPU where measured):\n');
for (const p of median.phases)
  process.stdout.write(
    `    ${p.name.padEnd(50)} ${Math.round(p.wall).toLocaleString('en-US').padStart(7)} ms${p.cpu === undefined ? '' : ` (CPU ${Math.round(p.cpu).toLocaleString('en-US')} ms)`}\n`,
  );
const report = median.report;
figure('  files in the diff', report.files.length, 'files');
figure('  snapshot objects (5,000 pods, 1,000 Deployments, 50 namespaces)', objectCount, 'objects');
for (const section of report.sections)
  figure(
    `  ${section.kind}: items changed / impacts`,
    `${section.items.length} / ${section.impacts.length}`,
    '',
  );
const seccompRefused = report.sections
  .find((s) => s.kind === 'seccomp')
  ?.impacts.filter((i) => i.severity === 'block')
  .reduce((n, i) => n + (i.count ?? 0), 0);
figure('  seccomp: recorded system calls refused in block mode', seccompRefused ?? 0, 'calls');
process.stdout.write(`  verdict: ${report.verdict.headline.slice(0, 150)}\n`);

// The Markdown of a report with 5,000 impact rows and 40 large diffs, cut to GitLab's limit.
const big = {
  ...report,
  sections: [
    {
      kind: 'pod-security',
      title: 'Pod security policies',
      items: [],
      impacts: Array.from({ length: 5_000 }, (_, i) => ({
        kind: 'pod-security',
        severity: 'block',
        category: 'rejected by admission',
        target: 'production',
        namespace: `ns-${i % 50}`,
        subject: `Deployment/<img src=x onerror=alert(${i})>`,
        reason:
          'runAsNonRoot != true (pod or container "c" must set securityContext.runAsNonRoot=true) @team #1',
      })),
      notes: [],
    },
  ],
  files: Array.from({ length: 40 }, (_, i) => ({
    path: `policies/falco/big-${i}.yaml`,
    kind: 'falco',
    change: 'added',
    additions: 2000,
    deletions: 0,
    diff: Array.from({ length: 2000 }, (_, l) => `+# line ${l} ${'x'.repeat(80)}`).join('\n'),
  })),
};
let length = 0;
const render = await time(() => {
  length = impactMarkdown(big, { limit: GITLAB_NOTE_LIMIT }).length;
});
figure('markdown: 5,000 impact rows + 40 large diffs, cut to 1e6 chars', render.median, 'ms');
figure('  note length', length, 'chars', `<= ${GITLAB_NOTE_LIMIT.toLocaleString('en-US')}`);
const start = performance.now();
const full = impactMarkdown(big).length;
figure('  full artifact length (uncut)', full, 'chars');
figure('  full artifact render', performance.now() - start, 'ms');

rmSync(dir, { recursive: true, force: true });
