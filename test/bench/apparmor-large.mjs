// AppArmor: lint one profile of 100,000 rules (time grew with the square of the rules in one
// profile: 10,000 rules took 8 s), beside apparmor_parser on the same file where it is installed.
// Run with `npm run bench apparmor-large`; CHS_BENCH_RULES changes the count.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { lint } from '../../dist/src/core/runner.js';
import { languages, registry } from '../../dist/src/languages/index.js';
import { figure } from './_util.mjs';

const RULES = Number(process.env.CHS_BENCH_RULES ?? 100_000);
const features = fileURLToPath(
  new URL('../../../shared/corpus/apparmor/features_files/features.all', import.meta.url),
);

/** Rules of every shape a container profile has, with denies and allows over the same trees. */
const SHAPES = [
  (i) => `  /srv/app/dir${i % 997}/file${i} r,`,
  (i) => `  deny /srv/secret/s${i} w,`,
  (i) => `  owner /home/*/.cache/app${i}/** rw,`,
  (i) => `  /usr/lib/lib${i}.so* mr,`,
  (i) => `  /var/lib/app/{a,b}${i}/** rwk,`,
  (i) => `  capability ${['chown', 'setuid', 'setgid', 'kill', 'net_raw'][i % 5]},`,
  (i) => `  network inet${i % 2 ? '6' : ''} stream,`,
  (i) => `  deny /proc/${i}/mem rw,`,
  (i) => `  signal (receive) peer=p${i},`,
  (i) => `  /opt/x/bin${i} ix,`,
];
const lines = ['profile big /usr/bin/big {'];
for (let i = 0; i < RULES; i++) lines.push(SHAPES[i % SHAPES.length](i));
// One pair that must be found: an allow under a broader deny.
lines.push('  deny /srv/secret/** w,', '  /srv/secret/keep w,', '}', '');
const dir = mkdtempSync(join(tmpdir(), 'chs-bench-apparmor-large-'));
const file = join(dir, 'big');
writeFileSync(file, lines.join('\n'));

const cpuSince = (from) => {
  const now = process.cpuUsage(from);
  return (now.user + now.system) / 1000;
};
const start = performance.now();
const cpu = process.cpuUsage();
const result = await lint({ cwd: dir, paths: ['big'], kind: 'apparmor', languages, registry });
const ours = performance.now() - start;
const oursCpu = cpuSince(cpu);
figure(`chs lint, one profile of ${RULES.toLocaleString('en-US')} rules (wall)`, ours, 'ms', '< 2,000 ms');
figure(`chs lint, one profile of ${RULES.toLocaleString('en-US')} rules (CPU)`, oursCpu, 'ms');
const shadowed = result.diagnostics.filter((d) => d.ruleId === 'apparmor/shadowed-deny').length;
figure('  apparmor/shadowed-deny findings (expected 1)', shadowed, '');

if (!process.env.CHS_BENCH_NO_PARSER && spawnSync('sh', ['-c', 'command -v apparmor_parser']).status === 0) {
  const args = ['apparmor_parser', '--config-file=/dev/null', '-Q', '-K', '-q'];
  if (existsSync(features)) args.push('-M', features);
  const script = `TIMEFORMAT='%R %U %S'; time timeout 600 ${args.map((a) => `'${a}'`).join(' ')} '${file}' >/dev/null 2>/dev/null; echo "exit $?" >&2`;
  const run = spawnSync('bash', ['-c', script], { encoding: 'utf8' });
  const times = /(\d+\.\d+) (\d+\.\d+) (\d+\.\d+)\s*$/m.exec(run.stderr);
  figure('apparmor_parser -Q -K, same file (wall)', times ? Number(times[1]) * 1000 : NaN, 'ms');
  figure(
    'apparmor_parser -Q -K, same file (CPU)',
    times ? (Number(times[2]) + Number(times[3])) * 1000 : NaN,
    'ms',
  );
  figure('  apparmor_parser exit status', /exit (\d+)/.exec(run.stderr)?.[1] ?? '?', '');
} else {
  process.stdout.write('apparmor_parser is not installed: the comparison is skipped\n');
}
rmSync(dir, { recursive: true, force: true });
