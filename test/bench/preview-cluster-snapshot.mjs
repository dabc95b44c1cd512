// The preview's "read the cluster state" phase alone: a snapshot of 150,000 pods as
// `kubectl get pods -A -o json` prints them (one file, about 3 KB a pod) reduced to workloads, with
// pods parsed only as far as their workload needs (as `chs preview` reads it), beside the same read
// parsing every item whole, the byte check alone, and a bare JSON.parse of the file: each in a
// process of its own, in the same run. `npm run bench preview-cluster`; CHS_BENCH_PODS changes the
// count, CHS_BENCH_SNAPSHOT names an existing snapshot file to read instead.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writePodList } from './_pods.mjs';
import { child, figure } from './_util.mjs';

const PODS = Number(process.env.CHS_BENCH_PODS ?? 150_000);
const dist = fileURLToPath(new URL('../../dist/src/', import.meta.url));

const dir = mkdtempSync(join(tmpdir(), 'chs-bench-snapshot-'));
let snapshot = process.env.CHS_BENCH_SNAPSHOT;
if (!snapshot) {
  snapshot = join(dir, 'snapshot.json');
  await writePodList(snapshot, PODS);
}
figure('snapshot, MB', statSync(snapshot).size / 1e6, 'MB');
process.stdout.write(
  `load average ${loadavg()[0].toFixed(1)} on ${cpus().length} cores: wall times are disturbed by other work, CPU times less\n`,
);

const file = JSON.stringify(snapshot);
const modules = `
  const { readSnapshotFile } = await import(${JSON.stringify(join(dist, 'kube/snapshot.js'))});
  const { WorkloadsBuilder } = await import(${JSON.stringify(join(dist, 'impact/cluster.js'))});
  const { JsonItemStream } = await import(${JSON.stringify(join(dist, 'core/json-lines.js'))});
  const { readDataInput } = await import(${JSON.stringify(join(dist, 'core/read.js'))});`;
/** The snapshot reduced to workloads, pods given by their fields (partial) or every object whole. */
const read = (partial) => `${modules}
  const builder = new WorkloadsBuilder();
  const problems = readSnapshotFile(${file}, 'snapshot.json', ${
    partial
      ? '{ object: (o) => builder.add(o), pod: (fields, whole) => builder.addPod(fields, whole) }'
      : '(o) => builder.add(o)'
  });
  console.log(problems.length === 0 ? builder.finish().list.length + ' workloads' : problems[0].message);`;

const runs = [
  [
    'bare JSON.parse of the file',
    `const fs = require('node:fs'); console.log(JSON.parse(fs.readFileSync(${file}, 'utf8')).items.length + ' items');`,
    [],
  ],
  [
    'the byte check alone (JsonItemStream, nothing kept)',
    `${modules}
     const stream = new JsonItemStream(undefined);
     readDataInput(${file}, 'snapshot.json', (chunk) => stream.push(chunk));
     stream.end(); console.log('checked');`,
    ['--input-type=module'],
  ],
  ['read, every item parsed whole (before)', read(false), ['--input-type=module']],
  ['read, pods parsed as far as needed (chs preview)', read(true), ['--input-type=module']],
];
const results = [];
for (const [name, code, flags] of runs) {
  const run = child([...flags, '-e', code]);
  results.push(run);
  const said = run.status === 0 ? run.stdout.trim() : `failed: ${run.stderr.split('\n')[0]}`;
  figure(`${name} (wall)`, run.wall, 'ms');
  figure('  CPU time (user + system)', run.cpu, 'ms');
  figure('  peak memory', run.mb, 'MB');
  figure('  result', said, '');
}
const [bare, , whole, partial] = results;
figure('partial over whole read (CPU time)', `${(partial.cpu / whole.cpu).toFixed(2)}x`, '');
figure('partial read over the bare JSON.parse (CPU time)', `${(partial.cpu / bare.cpu).toFixed(2)}x`, '');
rmSync(dir, { recursive: true, force: true });
