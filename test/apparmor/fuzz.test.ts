/**
 * Mutation fuzzing: profiles cut, spliced and sprinkled with the language's own tokens must give
 * findings, never an exception or a hang. 2,000 cases by default; CHS_FUZZ_ITERATIONS=100000
 * runs the full campaign. The distribution of CPU time per case is printed (no timed assertion:
 * machines differ); CHS_FUZZ_DUMP=FILE writes every case over 20 ms there as JSON.
 */
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PerformanceObserver, performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/core/config.js';
import { emptyFacts } from '../../src/core/language.js';
import { readTextFile } from '../../src/core/read.js';
import { SourceFile } from '../../src/core/source.js';
import { loadProfileSet } from '../../src/languages/apparmor/analyze.js';
import { evaluateAccess } from '../../src/languages/apparmor/evaluate.js';
import type { Access } from '../../src/languages/apparmor/evaluate.js';
import { apparmor } from '../../src/languages/apparmor/index.js';
import { corpus, hasCorpus } from './helpers.js';
import { random } from '../helpers/random.js';
import { APPARMOR_SYSTEM } from '../helpers/apparmor-system.js';

const ITERATIONS = Number(process.env.CHS_FUZZ_ITERATIONS ?? 2000);
/** Cases slower than this (CPU ms) are counted, and written to CHS_FUZZ_DUMP when set. */
const SLOW_MS = 20;

const SEEDS = [
  'include <tunables/global>\nprofile web /usr/sbin/nginx flags=(complain) {\n  include <abstractions/base>\n  /etc/nginx/** r,\n  deny /etc/shadow rw,\n  /usr/bin/tool Cx -> helper,\n  network inet stream,\n  capability net_bind_service,\n  signal (send, receive) set=(term) peer=web,\n  profile helper {\n    /tmp/** rw,\n  }\n}\n',
  '@{HOME} = /home/*/ /root/\n$B = true\n/usr/bin/x {\n  @{HOME}.x rw,\n  if $B {\n    owner /tmp/{a,b}/[^0-9]** rw,\n  } else {\n    ^hat {\n      mount options=(rw,bind) /a -> /b,\n    }\n  }\n  set rlimit nofile <= 10,\n  dbus send bus=system path=/x,\n  unix (connect) type=stream peer=(label=x),\n}\n',
  'abi <abi/4.0>,\nprofile a {\n  userns,\n  priority=2 audit deny /x w,\n  network inet tcp ip=127.0.0.1 port=80 peer=(ip=::1),\n  mqueue (create) type=posix /q,\n  io_uring sqpoll label=x,\n  all,\n}\n',
];

const TOKENS = [
  '{',
  '}',
  ',',
  '"',
  '(',
  ')',
  '[',
  ']',
  '@{',
  '@{HOME}',
  '${B}',
  '$',
  '**',
  '*',
  '?',
  '->',
  '<=',
  '=',
  '+=',
  '^',
  '\\',
  '\n',
  ' ',
  '#',
  '#include <',
  'include if exists "',
  'profile ',
  'flags=(',
  'xattrs=(',
  'deny ',
  'audit ',
  'owner ',
  'priority=',
  'capability ',
  'network ',
  'mount ',
  'signal ',
  'ptrace ',
  'file ',
  'link ',
  'if ',
  'else ',
  'not ',
  'defined ',
  'rwx',
  'Px',
  'cix',
  'peer=',
  'set=',
  'options=',
  '/',
  '//',
  '\u0000',
  'é',
  '{,}',
  '[^',
  '}}}}',
  '{{{{',
];

function mutate(text: string, next: () => number): string {
  let out = text;
  const steps = 1 + Math.floor(next() * 4);
  for (let i = 0; i < steps; i++) {
    const at = Math.floor(next() * (out.length + 1));
    const choice = next();
    if (choice < 0.3) out = out.slice(0, at) + out.slice(at + 1 + Math.floor(next() * 8));
    else if (choice < 0.7)
      out = out.slice(0, at) + (TOKENS[Math.floor(next() * TOKENS.length)] as string) + out.slice(at);
    else if (choice < 0.8) out = out.slice(0, at);
    else if (choice < 0.9) {
      const from = Math.floor(next() * out.length);
      out = out.slice(0, at) + out.slice(from, from + Math.floor(next() * 40)) + out.slice(at);
    } else out = out.slice(0, at) + out.slice(at).replace(/[a-z]/, (c) => c.toUpperCase());
  }
  return out;
}

function seeds(): string[] {
  const all = [...SEEDS];
  if (hasCorpus) {
    const dir = join(corpus, 'examples');
    for (const name of readdirSync(dir)) all.push(readFileSync(join(dir, name), 'utf8'));
  }
  return all;
}

const ACCESSES: Access[] = [
  { path: '/etc/nginx/nginx.conf', permissions: 'r' },
  { path: '/tmp/a/x', permissions: 'rw' },
  { exec: '/usr/bin/tool' },
  { capability: 'net_bind_service' },
  { network: { domain: 'inet', type: 'stream' } },
  { signal: { access: 'send', signal: 'term', peer: 'web' } },
  { mount: { source: '/a', target: '/b', options: ['rw', 'bind'] } },
];

/**
 * CPU time of this thread alone, in ms (Linux: /proc/thread-self/schedstat), or undefined.
 * process.cpuUsage() also counts V8's compiler and collector threads, whose work (optimising a
 * hot function, marking the heap) lands on whichever case happens to run meanwhile.
 */
function threadCpu(): number | undefined {
  try {
    return Number(readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[0]) / 1e6;
  } catch {
    return undefined;
  }
}

/** The value below which `share` of the sorted samples fall. */
function percentile(sorted: readonly number[], share: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * share))] ?? 0;
}

describe('apparmor fuzzing', () => {
  it(
    `survives ${ITERATIONS.toLocaleString('en-US')} mutated profiles`,
    async () => {
      // Garbage-collection pauses, to tell a slow case from a case a collection happened to land in.
      const pauses: { start: number; end: number }[] = [];
      const observer = new PerformanceObserver((list) => {
        for (const entry of list.getEntries())
          pauses.push({ start: entry.startTime, end: entry.startTime + entry.duration });
      });
      observer.observe({ entryTypes: ['gc'] });
      const next = random(20260511);
      const pool = seeds();
      // The machines are shared: CPU time per case is the fairer measure, wall time is shown too.
      const cpuTimes: number[] = [];
      const threadTimes: number[] = [];
      let slowestWall = 0;
      const slow: { index: number; cpu: number; wall: number; start: number; end: number; text: string }[] =
        [];
      let withFindings = 0;
      for (let i = 0; i < ITERATIONS; i++) {
        const text = mutate(pool[Math.floor(next() * pool.length)] as string, next);
        const start = performance.now();
        const cpu = process.cpuUsage();
        const thread = threadCpu();
        try {
          const context = {
            config: defaultConfig(process.cwd()),
            cwd: process.cwd(),
            includeDirs: [],
            readFile: readTextFile,
            report: (): void => {
              withFindings++;
            },
            facts: emptyFacts(),
          };
          const file = new SourceFile('fuzz', text);
          apparmor.collectFacts?.([file], context);
          void apparmor.lint([file], context);
          const { set } = loadProfileSet([{ path: 'fuzz', text }], {
            roots: [APPARMOR_SYSTEM],
            bases: [],
            cwd: process.cwd(),
          });
          for (const profile of set.model.profiles.slice(0, 3)) {
            for (const access of ACCESSES) evaluateAccess(set, profile.name, access);
          }
        } catch (error) {
          throw new Error(
            `case ${i} crashed: ${(error as Error).stack ?? String(error)}\n--- profile ---\n${text}`,
            { cause: error },
          );
        }
        const wall = performance.now() - start;
        const threadNow = threadCpu();
        if (thread !== undefined && threadNow !== undefined) threadTimes.push(threadNow - thread);
        const used = process.cpuUsage(cpu);
        const tookCpu = (used.user + used.system) / 1000;
        cpuTimes.push(tookCpu);
        if (wall > slowestWall) slowestWall = wall;
        if (tookCpu > SLOW_MS) slow.push({ index: i, cpu: tookCpu, wall, start, end: start + wall, text });
      }
      // The observer hears of the collections once the loop yields.
      await new Promise((done) => setTimeout(done, 50));
      observer.disconnect();
      const gcIn = (c: { start: number; end: number }): number =>
        pauses.reduce((sum, p) => sum + Math.max(0, Math.min(c.end, p.end) - Math.max(c.start, p.start)), 0);
      const over100WithoutGc = slow.filter((c) => c.cpu - gcIn(c) > 100).length;
      const sorted = [...cpuTimes].sort((a, b) => a - b);
      const over100 = sorted.filter((t) => t > 100).length;
      console.log(
        `fuzz: ${ITERATIONS} profiles, ${withFindings} findings; CPU per case: max ${percentile(sorted, 1).toFixed(1)} ms, ` +
          `p99 ${percentile(sorted, 0.99).toFixed(2)} ms, median ${percentile(sorted, 0.5).toFixed(2)} ms, ` +
          `${slow.length} over ${SLOW_MS} ms, ${over100} over 100 ms (${over100WithoutGc} once the collection pauses inside them are taken out); slowest wall ${slowestWall.toFixed(1)} ms`,
      );
      if (threadTimes.length > 0) {
        const byThread = [...threadTimes].sort((a, b) => a - b);
        console.log(
          `fuzz: main thread CPU per case: max ${percentile(byThread, 1).toFixed(1)} ms, p99 ${percentile(byThread, 0.99).toFixed(2)} ms, ` +
            `${byThread.filter((t) => t > SLOW_MS).length} over ${SLOW_MS} ms, ${byThread.filter((t) => t > 100).length} over 100 ms`,
        );
      }
      if (process.env.CHS_FUZZ_DUMP) {
        // Every slow case, for a look at what made it slow (the first case pays for the warm-up).
        writeFileSync(
          process.env.CHS_FUZZ_DUMP,
          JSON.stringify(
            slow.map((c) => ({ ...c, gc: gcIn(c) })),
            null,
            1,
          ),
        );
      }
      expect(withFindings).toBeGreaterThan(0);
    },
    60_000 + ITERATIONS * 10,
  );
});
