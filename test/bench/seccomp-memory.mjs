// Memory on a large seccomp profile: 750,000 names (5 MB of JSON), read by `chs lint`, `chs test`
// and `chs preview`, each in its own process, beside a bare JSON.parse of the same file measured
// in the same run. CPU time (user + system) and peak RSS come from each child itself
// (_usage.mjs, preloaded). Goal: peak RSS at most 2x the bare parse's. Before the compact JSON
// tree, `chs lint` peaked at 495 MB (bare parse: 116 MB) and took 8.6 s of CPU.
// Run with `npm run bench -- seccomp-memory`; CHS_BENCH_NAMES changes the count.
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { child, figure } from './_util.mjs';

const NAMES = Number(process.env.CHS_BENCH_NAMES ?? 750_000);
const chs = fileURLToPath(new URL('../../dist/bundle/chs.cjs', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'chs-bench-seccomp-memory-'));
const write = (path, text) => {
  mkdirSync(join(dir, path, '..'), { recursive: true });
  writeFileSync(join(dir, path), text);
};

// Names no architecture has (each an unknown-syscall finding, capped per rule and file) and the
// few a container needs, allowed; the rest refused. The head allows one more call.
const many = Array.from({ length: NAMES }, (_, i) => `x${i.toString(36)}`);
const essential = ['read', 'write', 'close', 'execve', 'exit_group', 'futex', 'mmap', 'mprotect', 'munmap'];
const profile = (extra) =>
  JSON.stringify({
    defaultAction: 'SCMP_ACT_ERRNO',
    syscalls: [
      { names: [...essential, 'arch_prctl', 'rt_sigreturn', ...extra, ...many], action: 'SCMP_ACT_ALLOW' },
    ],
  });
const CONFIG = 'version: 1\nmode: monitor\n';
write('base/chs.yaml', CONFIG);
write('base/policies/seccomp/big.json', profile([]));
write('head/chs.yaml', CONFIG);
write('head/policies/seccomp/big.json', profile(['getpid']));
write(
  'head/policies/tests/big.yaml',
  'tests:\n' +
    '  - name: read is allowed\n    seccomp: {profile: policies/seccomp/big.json, syscall: read, expect: SCMP_ACT_ALLOW}\n' +
    '  - name: ptrace is refused\n    seccomp: {profile: policies/seccomp/big.json, syscall: ptrace, expect: SCMP_ACT_ERRNO}\n',
);
write(
  'snapshot.yaml',
  'apiVersion: v1\nkind: List\nitems:\n' +
    '  - {apiVersion: v1, kind: Namespace, metadata: {name: app}}\n' +
    '  - {apiVersion: v1, kind: Pod, metadata: {name: web-1, namespace: app}, spec: {containers: [{name: c, image: i, securityContext: {seccompProfile: {type: Localhost, localhostProfile: container-host-security/big.json}}}]}}\n',
);
write(
  'events.jsonl',
  ['read', 'getpid', 'ptrace', 'write']
    .map(
      (call) =>
        `{"time":"2026-11-20T09:00:00Z","source":"syscall","fields":{"evt.type":"${call}","proc.name":"app","k8s.ns.name":"app","k8s.pod.name":"web-1"}}\n`,
    )
    .join('')
    .repeat(250),
);
const big = join(dir, 'head/policies/seccomp/big.json');
figure(`profile of ${NAMES.toLocaleString('en-US')} names`, statSync(big).size / 1e6, 'MB');

/** CPU time and peak RSS of a node process, from the process itself. */
function measure(args, cwd = dir) {
  const run = child(args, { cwd });
  if (Number.isNaN(run.cpu))
    throw new Error(`${args.join(' ')} exited ${run.status}: ${run.stderr.slice(0, 2000)}`);
  return run;
}

const bare = measure(['-e', `JSON.parse(require('node:fs').readFileSync(${JSON.stringify(big)}, 'utf8'))`]);
figure('bare JSON.parse of the same file: CPU', bare.cpu, 'ms');
figure('bare JSON.parse: peak RSS', bare.mb, 'MB');

// The same count of names of the wrong type (numbers): each a seccomp/schema finding, of which
// the schema check makes only the first 1,000 (719 MB and 10.5 s of CPU when ajv collected them all).
const wrong = join(dir, 'wrong.json');
writeFileSync(
  wrong,
  JSON.stringify({
    defaultAction: 'SCMP_ACT_ERRNO',
    syscalls: [
      { names: [...essential, ...Array.from({ length: NAMES }, (_, i) => i)], action: 'SCMP_ACT_ALLOW' },
    ],
  }),
);
const bareWrong = measure([
  '-e',
  `JSON.parse(require('node:fs').readFileSync(${JSON.stringify(wrong)}, 'utf8'))`,
]);
figure('bare JSON.parse of the wrong-type file: peak RSS', bareWrong.mb, 'MB');
const linted = measure([chs, 'lint', '--kind', 'seccomp', '--format', 'json', wrong]);
if (linted.status !== 1) throw new Error(`lint of the wrong-type file exited ${linted.status}`);
figure('chs lint, names of the wrong type: CPU', linted.cpu, 'ms');
figure(
  'chs lint, names of the wrong type: peak RSS',
  linted.mb,
  'MB',
  `about 1.5x its bare parse (${Math.round(1.5 * bareWrong.mb)} MB)`,
);
figure(`  over bare JSON.parse (peak RSS)`, `${(linted.mb / bareWrong.mb).toFixed(2)}x`, '');

const runs = [
  ['chs lint --kind seccomp', [chs, 'lint', '--kind', 'seccomp', '--format', 'json', big], dir, 1],
  ['chs test (2 seccomp cases)', [chs, 'test', '--format', 'json'], join(dir, 'head'), 0],
  [
    'chs preview (base and head, 1,000 events)',
    [
      chs,
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
      join(dir, 'preview.md'),
    ],
    join(dir, 'head'),
    undefined,
  ],
];
for (const [name, args, cwd, expected] of runs) {
  const ours = measure(args, cwd);
  if (expected !== undefined && ours.status !== expected) {
    throw new Error(`${name} exited ${ours.status}, expected ${expected}: ${ours.stdout.slice(0, 2000)}`);
  }
  figure(`${name}: CPU`, ours.cpu, 'ms');
  figure(`${name}: peak RSS`, ours.mb, 'MB', `<= 2x bare parse (${Math.round(2 * bare.mb)} MB)`);
  figure(`  over bare JSON.parse (peak RSS)`, `${(ours.mb / bare.mb).toFixed(2)}x`, '');
}
if (process.env.CHS_BENCH_KEEP) process.stdout.write(`kept ${dir}\n`);
else rmSync(dir, { recursive: true, force: true });
