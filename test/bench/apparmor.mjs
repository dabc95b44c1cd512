// AppArmor: lint 1,000 profiles (and apparmor_parser on the same files, in the same run), then
// 1,000,000 accesses against docker-default. Run with `npm run bench apparmor`.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { lint } from '../../dist/src/core/runner.js';
import { languages, registry } from '../../dist/src/languages/index.js';
import { loadProfileSet } from '../../dist/src/languages/apparmor/analyze.js';
import { evaluateAccess } from '../../dist/src/languages/apparmor/evaluate.js';
import { figure } from './_util.mjs';

const PROFILES = Number(process.env.CHS_BENCH_PROFILES ?? 1000);
const ACCESSES = 1_000_000;
const corpus = fileURLToPath(new URL('../../../shared/corpus/apparmor/', import.meta.url));
const features = join(corpus, 'features_files', 'features.all');
const systemRoot = existsSync('/etc/apparmor.d/tunables/global') ? '/etc/apparmor.d' : undefined;

/** A container profile of realistic shape; every tenth one has a child profile and a hat. */
function profile(i) {
  const includes = systemRoot ? ['include <tunables/global>', ''] : [];
  const base = systemRoot ? ['  include <abstractions/base>'] : [];
  const extra =
    i % 10 === 0
      ? [
          '  /usr/bin/helper Cx -> helper,',
          '  profile helper {',
          '    /usr/bin/helper rm,',
          '    /tmp/** rw,',
          '  }',
          '  ^maintenance {',
          '    /var/lib/app/** rw,',
          '  }',
        ]
      : [];
  return [
    ...includes,
    `profile app-${i} /usr/bin/app${i} flags=(attach_disconnected,mediate_deleted) {`,
    ...base,
    '  network inet stream,',
    '  network inet6 stream,',
    '  deny network raw,',
    '  capability net_bind_service,',
    '  capability setuid,',
    `  /etc/app${i}/** r,`,
    `  /var/lib/app${i}/{data,cache}/** rw,`,
    `  owner /home/*/.config/app${i}/* rw,`,
    '  deny /etc/shadow rwklx,',
    '  deny @{PROC}/sysrq-trigger rwklx,',
    `  /usr/bin/app${i} mrix,`,
    '  /usr/lib/**.so* mr,',
    '  signal (receive) peer=unconfined,',
    `  ptrace (read) peer=app-${i},`,
    ...extra,
    '}',
    '',
  ].join('\n');
}

const dir = mkdtempSync(join(tmpdir(), 'chs-bench-apparmor-'));
const files = [];
mkdirSync(join(dir, 'profiles'));
for (let i = 0; i < PROFILES; i++) {
  const file = join(dir, 'profiles', `app-${i}`);
  writeFileSync(file, profile(i));
  files.push(file);
}

/** CPU milliseconds (user + system) this process used since `from`. */
function cpuSince(from) {
  const now = process.cpuUsage(from);
  return (now.user + now.system) / 1000;
}

// The machines this runs on are shared: CPU time is reported beside wall time, as the fairer figure.
let start = performance.now();
let cpu = process.cpuUsage();
const result = await lint({ cwd: dir, paths: ['profiles'], kind: 'apparmor', languages, registry });
const ours = performance.now() - start;
const oursCpu = cpuSince(cpu);
const errors = result.diagnostics.filter((d) => d.severity === 'error');
figure(`chs lint, ${PROFILES} profiles (wall)`, ours, 'ms');
figure(`chs lint, ${PROFILES} profiles (CPU)`, oursCpu, 'ms');
figure('  errors found (expected 0)', errors.length, '');

const hasParser =
  spawnSync('sh', ['-c', 'command -v apparmor_parser'], { encoding: 'utf8' }).status === 0 &&
  existsSync(features);
if (hasParser) {
  start = performance.now();
  const args = ['600', 'apparmor_parser', '--config-file=/dev/null', '-Q', '-K', '-q', '-M', features];
  if (systemRoot) args.push('-I', systemRoot);
  const listFile = join(dir, 'files.txt');
  writeFileSync(listFile, files.join('\n'));
  // bash's `time` gives the child's CPU time; the file list goes through xargs-free $(cat).
  const script = `TIMEFORMAT='%U %S'; time timeout ${args.map((a) => `'${a}'`).join(' ')} $(cat '${listFile}') >/dev/null 2>/tmp/chs-bench-aa-err; echo "exit $?" >&2`;
  const run = spawnSync('bash', ['-c', script], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const theirs = performance.now() - start;
  const times = /(\d+\.\d+) (\d+\.\d+)\s*$/m.exec(run.stderr);
  const status = /exit (\d+)/.exec(run.stderr)?.[1] ?? '?';
  const theirsCpu = times ? (Number(times[1]) + Number(times[2])) * 1000 : NaN;
  figure(`apparmor_parser -Q -K, same ${PROFILES} profiles, one run (wall)`, theirs, 'ms');
  figure(`apparmor_parser -Q -K, same ${PROFILES} profiles, one run (CPU)`, theirsCpu, 'ms');
  figure('  apparmor_parser exit status (expected 0)', status, '');
  figure('chs lint speed-up over apparmor_parser (wall)', `${(theirs / ours).toFixed(1)}x`, '', '>= 20x');
  figure(
    'chs lint speed-up over apparmor_parser (CPU)',
    `${(theirsCpu / oursCpu).toFixed(1)}x`,
    '',
    '>= 20x',
  );
} else {
  process.stdout.write('apparmor_parser or the corpus features file is absent: the comparison is skipped\n');
}
rmSync(dir, { recursive: true, force: true });

// 1,000,000 accesses against docker-default.
const dockerPath = join(corpus, 'examples', 'docker-default.profile');
if (!existsSync(dockerPath)) {
  process.stdout.write(`${dockerPath} is absent: the evaluation benchmark is skipped\n`);
} else {
  const { set } = loadProfileSet([{ path: dockerPath, text: readFileSync(dockerPath, 'utf8') }], {
    roots: systemRoot ? [systemRoot] : [],
    bases: [process.cwd()],
    cwd: process.cwd(),
  });
  const mix = [
    { path: '/etc/passwd', permissions: 'r' },
    { path: '/usr/lib/x86_64-linux-gnu/libc.so.6', permissions: 'mr' },
    { path: '/proc/1/status', permissions: 'r' },
    { path: '/proc/sys/net/ipv4/ip_forward', permissions: 'w' },
    { path: '/proc/sysrq-trigger', permissions: 'w' },
    { path: '/sys/kernel/security/apparmor/profiles', permissions: 'r' },
    { path: '/sys/fs/cgroup/memory.max', permissions: 'w' },
    { path: '/var/www/html/index.html', permissions: 'r' },
    { path: '/tmp/upload-123', permissions: 'rw' },
    { exec: '/bin/sh' },
    { capability: 'net_bind_service' },
    { capability: 'sys_admin' },
    { network: { domain: 'inet', type: 'stream' } },
    { network: { domain: 'alg', type: 'seqpacket' } },
    { signal: { access: 'receive', signal: 'term', peer: 'runc' } },
    { mount: { source: '/dev/sda1', target: '/mnt/' } },
  ];
  // 50,000 distinct accesses (no result is reused between them), cycled to 1,000,000.
  const stream = [];
  for (let n = 0; n < 50_000; n++) {
    const shape = mix[n % mix.length];
    if ('path' in shape)
      stream.push({ path: shape.path.replace(/\d+|$/, String(n)), permissions: shape.permissions });
    else stream.push(shape);
  }
  for (let i = 0; i < 50_000; i++) evaluateAccess(set, 'docker-default', stream[i]);
  const counts = { allow: 0, deny: 0, audit: 0 };
  start = performance.now();
  cpu = process.cpuUsage();
  for (let i = 0; i < ACCESSES; i++)
    counts[evaluateAccess(set, 'docker-default', stream[i % stream.length]).decision]++;
  const took = performance.now() - start;
  const tookCpu = cpuSince(cpu);
  figure('evaluateAccess, 1,000,000 accesses against docker-default', took, 'ms');
  figure('  accesses per second (wall)', (ACCESSES / took) * 1000, '/s', '> 1,000,000/s');
  figure('  accesses per CPU second', (ACCESSES / tookCpu) * 1000, '/s', '> 1,000,000/s');
  figure('  allowed / denied', `${counts.allow} / ${counts.deny}`, '');
}
