#!/usr/bin/env node
// Re-runs the real-world measurement of docs/gitlab-cmp.md: lints every YAML file under a folder
// of third-party Falco rules files (kept outside the repository: their text is not ours) the way a
// user would, each file alone in a repository whose chs.yaml names the official falco_rules.yaml
// under falco.baseline, and prints every error and warning for judging against Falco's source.
// Not part of the tests: it needs files this repository does not hold.
//
//   node scripts/realworld-falco.mjs DIR BASELINE [--json OUT]
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const [dirArg, baselineArg, flag, jsonOut] = process.argv.slice(2);
if (!dirArg || !baselineArg || (flag !== undefined && (flag !== '--json' || !jsonOut))) {
  process.stderr.write('usage: node scripts/realworld-falco.mjs DIR BASELINE [--json OUT]\n');
  process.exit(2);
}
const cli = fileURLToPath(new URL('../dist/bundle/chs.cjs', import.meta.url));
if (!existsSync(cli)) {
  process.stderr.write('realworld-falco: dist/bundle/chs.cjs is missing: run npm run build first\n');
  process.exit(2);
}
const dir = resolve(dirArg);
const baseline = resolve(baselineArg);

function yamlFiles(at) {
  return readdirSync(at, { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory() ? yamlFiles(join(at, e.name)) : /\.(ya?ml|tpl)$/.test(e.name) ? [join(at, e.name)] : [],
    )
    .sort();
}

const results = [];
for (const file of yamlFiles(dir)) {
  const repo = mkdtempSync(join(tmpdir(), 'chs-realworld-'));
  try {
    mkdirSync(join(repo, 'vendor'));
    copyFileSync(baseline, join(repo, 'vendor', 'falco_rules.yaml'));
    writeFileSync(join(repo, 'chs.yaml'), 'version: 1\nfalco:\n  baseline: [vendor/falco_rules.yaml]\n');
    const name = basename(file);
    copyFileSync(file, join(repo, name));
    const run = spawnSync(process.execPath, [cli, 'lint', '--format', 'json', name], {
      cwd: repo,
      encoding: 'utf8',
    });
    let findings = [];
    let failure = '';
    try {
      findings = JSON.parse(run.stdout).diagnostics;
    } catch {
      failure = (run.stderr || run.stdout).trim().split('\n')[0] ?? `exit ${run.status}`;
    }
    results.push({ file: relative(dir, file), exit: run.status, failure, findings });
  } finally {
    rmSync(repo, { recursive: true, force: true });
  }
}

let errors = 0;
let warnings = 0;
for (const r of results) {
  const e = r.findings.filter((f) => f.severity === 'error' || f.severity === 2).length;
  const w = r.findings.length - e;
  errors += e;
  warnings += w;
  process.stdout.write(
    `${r.file}: exit ${r.exit}, ${e} errors, ${w} warnings${r.failure ? ` (${r.failure})` : ''}\n`,
  );
  for (const f of r.findings) {
    process.stdout.write(`  ${f.line}:${f.column} ${f.severity} ${f.ruleId} ${f.message}\n`);
  }
}
const repos = new Set(results.map((r) => r.file.split('/')[0]));
process.stdout.write(
  `\n${results.length} files from ${repos.size} repositories: ${errors} errors, ${warnings} warnings\n`,
);
if (jsonOut) writeFileSync(jsonOut, JSON.stringify(results, null, 2));
