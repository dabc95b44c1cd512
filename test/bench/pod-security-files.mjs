// `chs pod-security check` over 150,000 pods as `kubectl get pods -A -o json` prints them (about
// 3 KB each, ten files), beside a bare JSON.parse of the same files in a process of its own.
// Goal: at most 3x the bare parse's time, under 500 MB. Run with `npm run bench pod-security-files`;
// CHS_BENCH_PODS changes the count. Each figure is of a process of its own: wall time, CPU time and
// peak RSS (the last two hardly change with the load of a shared machine).
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pod } from './_pods.mjs';
import { child, figure } from './_util.mjs';

const PODS = Number(process.env.CHS_BENCH_PODS ?? 150_000);
const FILES = 10;
// CHS_BENCH_CHS names another build of the CLI (a figure before a change, on the same machine).
const chs = process.env.CHS_BENCH_CHS ?? fileURLToPath(new URL('../../dist/bundle/chs.cjs', import.meta.url));

const dir = mkdtempSync(join(tmpdir(), 'chs-bench-pods-'));
const files = [];
let bytes = 0;
for (let f = 0; f < FILES; f++) {
  const items = [];
  for (let i = f; i < PODS; i += FILES) items.push(pod(i));
  const file = join(dir, `pods-${f}.json`);
  writeFileSync(
    file,
    JSON.stringify({ apiVersion: 'v1', items, kind: 'List', metadata: { resourceVersion: '' } }, null, 4),
  );
  files.push(file);
  bytes += statSync(file).size;
}
figure(`${PODS.toLocaleString('en-US')} pods in ${FILES} files, bytes per pod`, bytes / PODS, 'B');

const bare = child([
  '-e',
  `const fs = require('node:fs'); let n = 0; for (const f of ${JSON.stringify(files)}) n += JSON.parse(fs.readFileSync(f, 'utf8')).items.length; console.log(n);`,
]);
const load = `load average ${loadavg()[0].toFixed(1)} on ${cpus().length} cores: wall times are disturbed by other work, CPU times less`;
process.stdout.write(`${load}\n`);
figure('bare JSON.parse of the same files, one by one (wall)', bare.wall, 'ms');
figure('bare JSON.parse: CPU time (user + system)', bare.cpu, 'ms');
figure('bare JSON.parse: peak memory', bare.mb, 'MB');
const ours = child([chs, 'pod-security', 'check', '--level', 'baseline', ...files]);
figure('chs pod-security check --level baseline (wall)', ours.wall, 'ms');
figure('chs pod-security check --level baseline: CPU time', ours.cpu, 'ms');
figure('chs pod-security check: peak memory', ours.mb, 'MB', '< 500 MB');
figure('  exit status (expected 1: some pods are privileged)', ours.status ?? 'killed', '');
figure('  objects checked', /(\d+) objects checked/.exec(ours.stdout)?.[1] ?? '?', '');
figure('chs over bare JSON.parse (wall)', `${(ours.wall / bare.wall).toFixed(1)}x`, '', '<= 3x');
figure('chs over bare JSON.parse (CPU time)', `${(ours.cpu / bare.cpu).toFixed(1)}x`, '', '<= 3x');

// Against the repository's policies (no --level): a Namespace's labels may come in a later file.
mkdirSync(join(dir, 'policies', 'pod-security'), { recursive: true });
writeFileSync(
  join(dir, 'policies', 'pod-security', 'baseline.yaml'),
  'apiVersion: container-host-security/v1\nkind: PodSecurity\nmetadata: {name: baseline}\nspec:\n  level: baseline\n  namespaceSelector: {matchExpressions: [{key: kubernetes.io/metadata.name, operator: NotIn, values: [kube-system]}]}\n',
);
const policies = child([chs, 'pod-security', 'check', ...files], { cwd: dir });
figure('chs pod-security check, the repository policies (wall)', policies.wall, 'ms');
figure('chs pod-security check, the repository policies: CPU time', policies.cpu, 'ms');
figure('chs pod-security check, the repository policies: peak memory', policies.mb, 'MB', '< 500 MB');
figure('  objects checked', /(\d+) objects checked/.exec(policies.stdout)?.[1] ?? '?', '');
figure('  exit status (expected 1)', policies.status ?? 'killed', '');
figure(
  'chs (policies) over bare JSON.parse (wall)',
  `${(policies.wall / bare.wall).toFixed(1)}x`,
  '',
  '<= 3x',
);
figure(
  'chs (policies) over bare JSON.parse (CPU time)',
  `${(policies.cpu / bare.cpu).toFixed(1)}x`,
  '',
  '<= 3x',
);
rmSync(dir, { recursive: true, force: true });
