#!/usr/bin/env node
// `npm run look`: renders the example's preview note and a drift issue as GitLab would show them
// and screenshots them with a headless Chromium, folds closed (what a reviewer meets first) and
// open. Look at dist/look/*.png after every change of the note or the issue.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gitLabPage, renderGitLab } from './gitlab-markdown.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = join(root, 'dist', 'look');
mkdirSync(out, { recursive: true });
const cli = join(root, 'dist', 'bundle', 'chs.cjs');
if (!existsSync(cli)) {
  process.stderr.write('look: dist/bundle/chs.cjs is missing: run npm run build first\n');
  process.exit(2);
}

// The example's note, with the links a merge request pipeline would give it.
const ci = {
  CI_PROJECT_URL: 'https://gitlab.example.com/shop/policies',
  CI_COMMIT_SHA: '4f1c2d3e4b5a69788796a5b4c3d2e1f001122334',
  CI_JOB_URL: 'https://gitlab.example.com/shop/policies/-/jobs/5001',
};
const notePath = join(out, 'note.md');
const preview = spawnSync(
  process.execPath,
  [
    cli,
    '-C',
    join(root, 'examples'),
    'preview',
    '--base-dir',
    'base',
    '--events',
    'events/shop.jsonl',
    '--events',
    'events/shop-2026-11-23.jsonl',
    '--snapshot',
    'cluster/snapshot.yaml',
    '--out',
    notePath,
  ],
  { env: { ...process.env, ...ci }, encoding: 'utf8' },
);
if (preview.status === 2) {
  process.stderr.write(preview.stderr);
  process.exit(2);
}

// A drift issue: the Falco rules missing, the loader script edited by hand, a long diff.
const { driftIssueBody, driftIssueTitle } = await import(join(root, 'dist', 'src', 'cli', 'drift-issue.js'));
const long = Array.from(
  { length: 100 },
  (_, i) => `-    rule ${i}: keep\n+    rule ${i}: changed by hand`,
).join('\n');
const ref = (kind, name, namespace) => ({
  apiVersion: kind === 'DaemonSet' ? 'apps/v1' : 'v1',
  kind,
  name,
  namespace,
});
const report = {
  target: 'production',
  context: 'shop/agents:production',
  missing: [ref('ConfigMap', 'chs-falco-rules', 'falco')],
  changed: [
    {
      ref: ref('ConfigMap', 'chs-profile-loader', 'container-host-security'),
      managers: ['kubectl-edit'],
      diff: `--- a\n+++ b\n@@ -1,4 +1,4 @@\n data:\n   load.sh: |\n-    set -u\n+    echo tampered\n`,
    },
    {
      ref: ref('DaemonSet', 'chs-profile-loader', 'container-host-security'),
      managers: [],
      diff: `--- a\n+++ b\n@@ -1,200 +1,200 @@\n${long}\n`,
    },
  ],
  extra: [],
  components: new Map([
    ['/ConfigMap/falco/chs-falco-rules', 'falco-rules'],
    ['/ConfigMap/container-host-security/chs-profile-loader', 'profile-loader'],
    ['apps/DaemonSet/container-host-security/chs-profile-loader', 'profile-loader'],
  ]),
};
const issue = `# ${driftIssueTitle('production')}\n\n${driftIssueBody(report, { projectUrl: ci.CI_PROJECT_URL, defaultBranch: 'main', via: 'apply', jobName: 'chs-drift' })}`;
writeFileSync(join(out, 'drift-issue.md'), issue);

const chromium = ['chromium', 'chromium-browser', 'google-chrome'].find(
  (name) => spawnSync('sh', ['-c', `command -v ${name}`]).status === 0,
);
const shots = [];
for (const [name, markdown] of [
  ['note', readFileSync(notePath, 'utf8')],
  ['drift-issue', issue],
]) {
  const html = renderGitLab(markdown);
  for (const open of [false, true]) {
    const file = join(out, `${name}${open ? '-open' : ''}.html`);
    writeFileSync(file, gitLabPage(name, html, { open }));
    if (!chromium) continue;
    const png = file.replace(/\.html$/, '.png');
    const height = open ? 6000 : 1400;
    const shot = spawnSync(
      chromium,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--hide-scrollbars',
        `--window-size=1100,${height}`,
        `--screenshot=${png}`,
        `file://${file}`,
      ],
      { encoding: 'utf8', timeout: 60_000 },
    );
    if (shot.status !== 0)
      process.stderr.write(`look: ${chromium} failed on ${file}: ${shot.stderr.split('\n')[0]}\n`);
    else shots.push(png);
  }
}
if (!chromium) process.stderr.write('look: no chromium found (apt-get install -y chromium): HTML only\n');
process.stdout.write(`${[...shots, join(out, 'note.html'), join(out, 'drift-issue.html')].join('\n')}\n`);
