#!/usr/bin/env node
// Bundles the built CLI (dist/src/cli/chs.js) into one CommonJS file, dist/bundle/program.cjs, and
// puts the launcher (dist/src/cli/launcher.cjs, the `bin`) beside it as dist/bundle/chs.cjs. The
// preview's worker thread, which reads a cluster snapshot beside the rest, is bundled on its own as
// dist/bundle/snapshot-worker.cjs (src/impact/snapshot-thread.ts finds it beside the program).
//
// Why: loading one file instead of a few hundred modules, and resolving no package names on the
// way, saves about 130 ms at every start of `chs`; a single classic script is also what V8's code
// cache takes on Node 20 (the launcher's cache spares the parse and compile on the next run).
// The small pure-JavaScript packages (js-yaml, commander, re2js, diff) go into the bundle. The
// clients only some commands load (@kubernetes/client-node, @gitbeaker) stay external and are
// imported when needed; so does ajv, needed only when a schema has no precompiled validator.
import { chmodSync, copyFileSync, rmSync } from 'node:fs';
import { build } from 'esbuild';

/**
 * commander requires node:child_process when it loads, for executable subcommands, which chs has
 * none of; loading it costs about 6 ms at every start. commander gets a stand-in that requires
 * the real module on first use.
 */
const lazyChildProcessForCommander = {
  name: 'lazy-child-process-for-commander',
  setup(build) {
    build.onResolve({ filter: /^(node:)?child_process$/ }, (args) =>
      /node_modules[\\/]commander[\\/]/.test(args.importer)
        ? { path: 'child_process', namespace: 'chs-lazy-builtin' }
        : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'chs-lazy-builtin' }, () => ({
      contents: `let real;
const load = () => (real ??= require('node:child_process'));
module.exports = new Proxy({}, { get: (_, key) => load()[key], has: (_, key) => key in load() });`,
      loader: 'js',
    }));
  },
};

const outdir = new URL('../dist/bundle/', import.meta.url).pathname;
rmSync(outdir, { recursive: true, force: true });
await build({
  entryPoints: {
    program: new URL('../dist/src/cli/chs.js', import.meta.url).pathname,
    'snapshot-worker': new URL('../dist/src/impact/snapshot-worker.js', import.meta.url).pathname,
  },
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  external: ['@kubernetes/client-node', '@gitbeaker/*', 'ajv', 'ajv/*', 're2js'],
  // import() of those ES-module-only clients becomes require(), which Node 20.19 and later (our
  // engines floor) do for ES modules: a classic script compiled by the launcher has no import().
  supported: { 'dynamic-import': false },
  // The sources are ES modules: their import.meta.url is the bundle's own URL.
  define: { 'import.meta.url': '__chsImportMetaUrl' },
  banner: { js: "var __chsImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  plugins: [lazyChildProcessForCommander],
  // Smaller is faster to start here: every run reads the whole script (and page faults are dear
  // on a CI runner's VM). Names are kept, for readable stack traces (CHS_DEBUG=1).
  minifyWhitespace: true,
  minifySyntax: true,
  outdir,
  outExtension: { '.js': '.cjs' },
  logLevel: 'warning',
});
copyFileSync(new URL('../dist/src/cli/launcher.cjs', import.meta.url), `${outdir}chs.cjs`);
chmodSync(`${outdir}chs.cjs`, 0o755);
process.stdout.write('bundled the CLI into dist/bundle/ (chs.cjs runs program.cjs)\n');
