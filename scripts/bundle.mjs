#!/usr/bin/env node
// Bundles the built CLI (dist/src/cli/main.js) into dist/bundle/: one module for what every command
// needs and one chunk per lazily imported command, packages left external. Loading a few modules
// instead of a few hundred saves about 100 ms at every start of `chs` (the `bin` runs the bundle).
import { chmodSync, rmSync } from 'node:fs';
import { build } from 'esbuild';

const outdir = new URL('../dist/bundle/', import.meta.url).pathname;
rmSync(outdir, { recursive: true, force: true });
await build({
  entryPoints: [new URL('../dist/src/cli/main.js', import.meta.url).pathname],
  bundle: true,
  splitting: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  packages: 'external',
  outdir,
  outExtension: { '.js': '.mjs' },
  logLevel: 'warning',
});
chmodSync(`${outdir}main.mjs`, 0o755);
process.stdout.write('bundled the CLI into dist/bundle/\n');
