#!/usr/bin/env node
// `npm run docs`: writes docs/rules/<id>.md for every rule and docs/rules/README.md, generated from
// the rules' metadata (the built dist/, so `npm run docs` compiles first). Pages of rules that no
// longer exist are removed. `--check` writes nothing and exits 1 when a page is out of date.
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { registry } = await import(join(root, 'dist/src/languages/index.js'));
const { ruleDocs } = await import(join(root, 'dist/src/core/rule-page.js'));

function existing(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? existing(join(dir, entry.name)) : [relative(root, join(dir, entry.name))],
  );
}

const pages = ruleDocs(registry.all());
const check = process.argv.includes('--check');
const stale = [];
for (const [path, text] of pages) {
  const file = join(root, path);
  if (existsSync(file) && readFileSync(file, 'utf8') === text) continue;
  stale.push(path);
  if (!check) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
  }
}
for (const path of existing(join(root, 'docs/rules'))) {
  if (pages.has(path.split('\\').join('/'))) continue;
  stale.push(path);
  if (!check) rmSync(join(root, path));
}
if (check && stale.length > 0) {
  process.stderr.write(`out of date (run \`npm run docs\`): ${stale.join(', ')}\n`);
  process.exit(1);
}
if (!check) process.stdout.write(`docs/rules: ${pages.size} pages, ${stale.length} written or removed\n`);
