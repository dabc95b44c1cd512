// Memory on large YAML inputs, beside a bare js-yaml `load` of the same file measured in the same
// run (each command a process of its own; CPU time and peak RSS from the process itself):
// - a valid 8.4 MB Falco file of 293,000 lists, through `chs lint`, `chs falco compile`, `chs test`
//   and `chs preview` (a change that adds a rule using one of the lists);
// - a 100,000-pod snapshot as `kubectl get pods -A -o yaml` prints it (one List document), through
//   `chs preview --snapshot` and `chs pod-security check`.
// Goal: peak RSS and CPU within 1.5x the bare load's. Before the compact YAML tree and the List read
// item by item, `chs lint` of the Falco file peaked at 1.08 GB (bare load: 443 MB) and the preview
// over the snapshot at 1.07 GB. `npm run bench -- yaml-memory`; CHS_BENCH_LISTS and CHS_BENCH_PODS
// change the counts, CHS_BENCH_CHS names another build of the CLI (a figure before a change).
import { once } from 'node:events';
import { createWriteStream, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dump } from 'js-yaml';
import { pod } from './_pods.mjs';
import { child, figure } from './_util.mjs';

const LISTS = Number(process.env.CHS_BENCH_LISTS ?? 293_000);
const PODS = Number(process.env.CHS_BENCH_PODS ?? 100_000);
const chs = process.env.CHS_BENCH_CHS ?? fileURLToPath(new URL('../../dist/bundle/chs.cjs', import.meta.url));
const jsYaml = createRequire(import.meta.url).resolve('js-yaml');

const dir = mkdtempSync(join(tmpdir(), 'chs-bench-yaml-memory-'));
const write = (path, text) => {
  mkdirSync(join(dir, path, '..'), { recursive: true });
  writeFileSync(join(dir, path), text);
};

// The Falco repository on both sides; the head adds a rule and a test of it.
const lists = Array.from({ length: LISTS }, (_, i) => `- list: l${i}\n  items: [a]\n`).join('');
const RULE =
  '- rule: Run a\n  desc: a program named in l0 runs\n  condition: evt.type = execve and proc.name in (l0)\n  output: run (proc=%proc.name)\n  priority: WARNING\n';
for (const side of ['base', 'head']) {
  write(`${side}/chs.yaml`, 'version: 1\nmode: monitor\n');
  write(`${side}/policies/falco/big.yaml`, side === 'head' ? lists + RULE : lists);
}
write(
  'head/policies/tests/run.yaml',
  'tests:\n  - name: a runs\n    falco:\n      event: {"evt.type": execve, "proc.name": a}\n      expect: {rule: Run a}\n',
);
write(
  'events.jsonl',
  '{"time":"2026-11-20T09:00:00Z","source":"syscall","fields":{"evt.type":"execve","proc.name":"a","k8s.ns.name":"app","k8s.pod.name":"web-1"}}\n'.repeat(
    100,
  ),
);
write(
  'small.yaml',
  'apiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: Pod, metadata: {name: web-1, namespace: app}, spec: {containers: [{name: c, image: i}]}}\n',
);
const falcoFile = join(dir, 'head/policies/falco/big.yaml');

// The snapshot: one List as kubectl prints it, and a change to the pod security policy.
const snapshot = join(dir, 'snapshot.yaml');
{
  const out = createWriteStream(snapshot);
  out.write('apiVersion: v1\nitems:\n');
  for (let i = 0; i < PODS; i++) {
    const text = dump([pod(i)], { noArrayIndent: true, lineWidth: -1 });
    if (!out.write(text)) await once(out, 'drain');
  }
  out.write('kind: List\nmetadata:\n  resourceVersion: ""\n');
  out.end();
  await once(out, 'finish');
}
for (const [side, level] of [
  ['pods-base', 'baseline'],
  ['pods-head', 'restricted'],
]) {
  write(`${side}/chs.yaml`, 'version: 1\nmode: monitor\n');
  write(
    `${side}/policies/pod-security/cluster.yaml`,
    `apiVersion: container-host-security/v1\nkind: PodSecurity\nmetadata:\n  name: cluster\nspec:\n  level: ${level}\n`,
  );
}

function measure(args, cwd = dir) {
  const run = child(args, { cwd });
  if (Number.isNaN(run.cpu))
    throw new Error(`${args.join(' ')} exited ${run.status}: ${run.stderr.slice(0, 2000)}`);
  return run;
}

function compare(label, file, runs) {
  figure(`${label}`, statSync(file).size / 1e6, 'MB');
  const bare = measure([
    '-e',
    `require(${JSON.stringify(jsYaml)}).load(require('node:fs').readFileSync(${JSON.stringify(file)}, 'utf8'))`,
  ]);
  figure('  bare js-yaml load of the same file: CPU', bare.cpu, 'ms');
  figure('  bare js-yaml load: peak RSS', bare.mb, 'MB');
  for (const [name, args, cwd] of runs) {
    const ours = measure(args, cwd);
    figure(
      `  ${name} (exit ${ours.status}): CPU`,
      ours.cpu,
      'ms',
      `<= 1.5x bare (${Math.round(1.5 * bare.cpu)} ms)`,
    );
    figure(`  ${name}: peak RSS`, ours.mb, 'MB', `<= 1.5x bare (${Math.round(1.5 * bare.mb)} MB)`);
    figure(
      '    over the bare load (CPU, peak RSS)',
      `${(ours.cpu / bare.cpu).toFixed(2)}x, ${(ours.mb / bare.mb).toFixed(2)}x`,
      '',
    );
    if (ours.status !== 0 && ours.status !== 1)
      process.stdout.write(`    said: ${ours.stderr.split('\n').slice(0, 2).join(' / ')}\n`);
  }
}

const head = join(dir, 'head');
compare(`Falco file of ${LISTS.toLocaleString('en-US')} lists`, falcoFile, [
  ['chs lint --kind falco', [chs, 'lint', '--kind', 'falco', '--format', 'json', falcoFile], dir],
  ['chs falco compile', [chs, 'falco', 'compile', '--format', 'json', falcoFile], dir],
  ['chs test (one Falco case)', [chs, 'test', '--format', 'json'], head],
  [
    'chs preview (a rule added, 100 events)',
    [
      chs,
      'preview',
      '--base-dir',
      '../base',
      '--events',
      '../events.jsonl',
      '--snapshot',
      '../small.yaml',
      '--format',
      'json',
      '--out',
      join(dir, 'falco.md'),
    ],
    head,
  ],
]);
compare(`snapshot of ${PODS.toLocaleString('en-US')} pods (kubectl get -o yaml)`, snapshot, [
  [
    'chs preview --snapshot (a level raised)',
    [
      chs,
      'preview',
      '--base-dir',
      '../pods-base',
      '--events',
      '../events.jsonl',
      '--snapshot',
      snapshot,
      '--format',
      'json',
      '--out',
      join(dir, 'pods.md'),
    ],
    join(dir, 'pods-head'),
  ],
  [
    'chs pod-security check --level restricted',
    [chs, 'pod-security', 'check', '--level', 'restricted', '--format', 'json', snapshot],
    dir,
  ],
]);
if (process.env.CHS_BENCH_KEEP) process.stdout.write(`kept ${dir}\n`);
else rmSync(dir, { recursive: true, force: true });
