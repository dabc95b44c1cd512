#!/usr/bin/env node
/**
 * The `chs` executable: runs the bundled program (dist/bundle/program.cjs) with a V8 code cache, so
 * that a run does not parse and compile again the code the previous run of the same command
 * compiled. Node 22 does the same for every module with `module.enableCompileCache()`; on Node 20 a
 * script compiled through `vm.Script` with `cachedData` is the way.
 *
 * The cache is one file per command, Node version and program build, in
 * `$CHS_COMPILE_CACHE` or `<tmpdir>/chs-compile-cache-<uid>/` (not in CI jobs, unless
 * `CHS_COMPILE_CACHE` names a directory). It is only an optimisation: a
 * missing, unreadable, foreign or rejected cache means an ordinary compile, and a cache that cannot
 * be written is left unwritten. A cache directory that another user owns or can write to is
 * ignored, since its contents would run as our code. `CHS_COMPILE_CACHE=off` disables it.
 */
import fs = require('node:fs');
import Module = require('node:module');
import os = require('node:os');
import path = require('node:path');
import v8 = require('node:v8');
import vm = require('node:vm');

const program = path.join(__dirname, 'program.cjs');

// V8 sends a function to its optimising compiler once it has run a budget of bytecode. Most of a
// lint run is code that runs a few times only: on Node 20, four times the default budget (67,584)
// spares about 12% of the instructions of `chs lint` on the examples (optimising code that then
// hardly runs), and makes no measurable difference to a replay of 300,000 events, whose hot code
// is optimised a little later. The budget is read afresh at every tiering decision.
if (process.versions.node.startsWith('20.')) v8.setFlagsFromString('--interrupt-budget=270336');
// After a major collection V8 lets the heap grow to up to four times what survived before the next
// one. A run reads its inputs whole once (a YAML file's parser events, gone once the tree is
// built) and then builds on a smaller live set: with that slack, `chs lint` of an 8 MB Falco file
// peaked at 1.08 GB, and with twice what survived at 745 MB, for the same CPU time; a preview over
// 20,000 YAML pods went from 650 MB to 385 MB for 7% more CPU (`npm run bench yaml-memory`).
v8.setFlagsFromString('--heap-growing-percent=100');

/** The command's name (`lint`, `preview`...): each command's run compiles different functions. */
function commandOf(argv: readonly string[]): string {
  for (let i = 2; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '-C' || arg === '--cwd') i++;
    else if (!arg.startsWith('-')) return /^[a-z][a-z-]{0,30}$/.test(arg) ? arg : 'other';
  }
  return 'none';
}

/** The cache directory, created private to this user; undefined when it cannot be trusted. */
function cacheDirectory(): string | undefined {
  const setting = process.env.CHS_COMPILE_CACHE;
  if (setting === 'off' || setting === '0') return undefined;
  // A CI job's machine is thrown away after a command or two: writing a cache nobody reads would
  // only cost time. CHS_COMPILE_CACHE set to a directory (kept with the job cache) turns it on.
  if (!setting && process.env.CI) return undefined;
  const uid = typeof process.getuid === 'function' ? process.getuid() : undefined;
  const dir = setting || path.join(os.tmpdir(), `chs-compile-cache-${uid ?? 'user'}`);
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const stat = fs.statSync(dir);
    if (!stat.isDirectory()) return undefined;
    if (uid !== undefined && (stat.uid !== uid || (stat.mode & 0o022) !== 0)) return undefined;
    return dir;
  } catch {
    return undefined;
  }
}

function cacheFile(dir: string, sourceStat: fs.Stats): string {
  const flags = process.execArgv
    .join(' ')
    .replace(/[^\w=.-]+/g, '_')
    .slice(0, 40);
  const build = `${sourceStat.size.toString(36)}-${Math.trunc(sourceStat.mtimeMs).toString(36)}`;
  return path.join(
    dir,
    `${commandOf(process.argv)}-${process.version}-${process.arch}-${build}${flags ? `-${flags}` : ''}.bin`,
  );
}

function readCache(file: string): Buffer | undefined {
  try {
    return fs.readFileSync(file);
  } catch {
    return undefined;
  }
}

/** Writes through a temporary file, so that a concurrent run never reads half a cache. */
function writeCache(file: string, script: vm.Script): boolean {
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    fs.writeFileSync(temporary, script.createCachedData(), { mode: 0o600 });
    fs.renameSync(temporary, file);
    return true;
  } catch {
    try {
      fs.rmSync(temporary, { force: true });
    } catch {
      // Nothing more to do: the cache is an optimisation.
    }
    return false;
  }
}

const source = fs.readFileSync(program, 'utf8');
const dir = cacheDirectory();
const file = dir === undefined ? undefined : cacheFile(dir, fs.statSync(program));
const cachedData = file === undefined ? undefined : readCache(file);
const script = new vm.Script(Module.wrap(source), {
  filename: program,
  ...(cachedData === undefined ? {} : { cachedData }),
});
const debug = (message: string): void => {
  if (process.env.CHS_DEBUG) process.stderr.write(`chs: code cache: ${message}\n`);
};
if (file === undefined) debug('off');
else if (cachedData !== undefined && script.cachedDataRejected !== true) debug(`used ${file}`);
else {
  debug(cachedData === undefined ? `none yet at ${file}` : `rejected ${file}`);
  // Written at exit, so that it holds every function this run compiled, not only the top level.
  process.once('exit', () => {
    if (writeCache(file, script)) debug(`written ${file}`);
  });
}
const wrapper = script.runInThisContext() as (
  exports: unknown,
  require: NodeJS.Require,
  module: { exports: unknown },
  filename: string,
  dirname: string,
) => void;
const programModule = { exports: {} };
wrapper.call(
  programModule.exports,
  programModule.exports,
  Module.createRequire(program),
  programModule,
  program,
  path.dirname(program),
);
