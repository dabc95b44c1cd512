// seccomp: reading and linting a large profile, and evaluating system calls (the impact preview
// evaluates one per recorded event). Uses Docker's default profile from the corpus when present,
// else a generated profile of the same size.
import { existsSync, readFileSync } from 'node:fs';
import { defaultConfig } from '../../dist/src/core/config.js';
import { emptyFacts } from '../../dist/src/core/language.js';
import { SourceFile } from '../../dist/src/core/source.js';
import { evaluateSyscall, lintProfile, parseSeccompProfile } from '../../dist/src/languages/seccomp/index.js';
import { syscallNames } from '../../dist/src/languages/seccomp/syscalls.js';
import { figure, time } from './_util.mjs';

const corpusProfile = new URL('../../../shared/corpus/seccomp/docker-default-seccomp.json', import.meta.url);
const names = syscallNames();
const text = existsSync(corpusProfile)
  ? readFileSync(corpusProfile, 'utf8')
  : JSON.stringify(
      {
        defaultAction: 'SCMP_ACT_ERRNO',
        syscalls: [{ names: names.slice(0, 420), action: 'SCMP_ACT_ALLOW' }],
      },
      null,
      2,
    );

for (const runtime of ['docker', 'kubernetes']) {
  const config = defaultConfig('/repo');
  config.seccomp.runtime = runtime;
  let findings = 0;
  const context = {
    config,
    cwd: '/repo',
    includeDirs: [],
    readFile: () => undefined,
    facts: emptyFacts(),
    report: () => findings++,
  };
  const { median } = await time(() => lintProfile(new SourceFile('docker-default.json', text), context), {
    runs: 15,
    warmup: 3,
  });
  figure(
    `lint Docker's default profile as ${runtime} (${text.length.toLocaleString('en-US')} bytes)`,
    median,
    'ms',
    '< 50 ms',
  );
}

const profile = parseSeccompProfile(new SourceFile('docker-default.json', text), {
  runtime: 'docker',
}).profile;
const calls = 20_000;
const { median } = await time(
  () => {
    for (let i = 0; i < calls; i++)
      evaluateSyscall(profile, { syscall: names[i % names.length], args: [i & 0xff] });
  },
  { runs: 5, warmup: 1 },
);
figure("evaluateSyscall on Docker's default profile", (calls / median) * 1000, 'calls/s', '> 50,000 calls/s');

// A generated profile of 750,000 unknown names (5 MB): each was a finding and the run peaked at
// 1.4 GB; at most 1,000 findings per rule and file are kept now. Beside a bare JSON.parse.
const { spawnSync } = await import('node:child_process');
const { mkdtempSync, rmSync, writeFileSync } = await import('node:fs');
const { tmpdir } = await import('node:os');
const { join } = await import('node:path');
const { fileURLToPath } = await import('node:url');
const NAMES = Number(process.env.CHS_BENCH_NAMES ?? 750_000);
const dir = mkdtempSync(join(tmpdir(), 'chs-bench-seccomp-'));
const big = join(dir, 'big.json');
const many = Array.from({ length: NAMES }, (_, i) => i.toString(36));
writeFileSync(
  big,
  JSON.stringify({ defaultAction: 'SCMP_ACT_ERRNO', syscalls: [{ names: many, action: 'SCMP_ACT_ALLOW' }] }),
);
const maxrss = fileURLToPath(new URL('./_maxrss.cjs', import.meta.url));
const chs = fileURLToPath(new URL('../../dist/bundle/chs.cjs', import.meta.url));
const measure = (args) => {
  const started = performance.now();
  const run = spawnSync(process.execPath, ['-r', maxrss, ...args], { encoding: 'utf8', maxBuffer: 1 << 30 });
  return { ms: performance.now() - started, mb: Number(/maxrss-kb (\d+)/.exec(run.stderr)?.[1]) / 1024, run };
};
const bare = measure(['-e', `JSON.parse(require('node:fs').readFileSync(${JSON.stringify(big)}, 'utf8'))`]);
figure(`bare JSON.parse of ${NAMES.toLocaleString('en-US')} names (wall)`, bare.ms, 'ms');
figure('bare JSON.parse: peak memory', bare.mb, 'MB');
const ours = measure([chs, 'lint', '--kind', 'seccomp', '--format', 'json', big]);
figure('chs lint --kind seccomp, same file (wall)', ours.ms, 'ms');
figure('chs lint: peak memory', ours.mb, 'MB');
figure('  findings listed', JSON.parse(ours.run.stdout || '{"diagnostics":[]}').diagnostics.length, '');
rmSync(dir, { recursive: true, force: true });
