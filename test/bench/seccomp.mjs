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

// The 750,000-name profile (memory of chs lint, chs test and chs preview beside a bare
// JSON.parse) is test/bench/seccomp-memory.mjs.
