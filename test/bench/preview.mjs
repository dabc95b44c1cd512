// The impact preview, for what exists today: a merge request touching 10 policy files, with a
// snapshot of 5,000 pods and 1,000,000 recorded events given as inputs (no language provider
// reads them yet: the figures say so), the lint of base and head, and the Markdown of a report
// with 5,000 impact rows cut to GitLab's limit.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import { buildImpactReport } from '../../dist/src/impact/preview.js';
import { impactSections } from '../../dist/src/impact/sections.js';
import { languages, registry } from '../../dist/src/languages/index.js';
import { GITLAB_NOTE_LIMIT, impactMarkdown } from '../../dist/src/report/markdown.js';
import { figure, time } from './_util.mjs';

const dir = mkdtempSync(join(tmpdir(), 'chs-bench-preview-'));
const write = (path, text) => {
  mkdirSync(join(dir, path, '..'), { recursive: true });
  writeFileSync(join(dir, path), text);
};

// 10 policy files of about 1,000 lines, each changed in a few places.
function falcoFile(n, variant) {
  const out = [];
  for (let i = 0; i < 120; i++) {
    out.push(`- rule: Rule ${n}-${i}`, `  desc: rule ${i}`, `  condition: evt.type = execve and proc.name = p${i}${variant && i % 40 === 0 ? ' and container.id != host' : ''}`);
    out.push(`  output: seen (proc=%proc.name)`, `  priority: ${variant && i % 60 === 0 ? 'ERROR' : 'WARNING'}`, '', '', '');
  }
  return out.join('\n') + '\n';
}
function profile(n, variant) {
  const rules = Array.from({ length: 900 }, (_, i) => `  /srv/app${n}/data/${i}/** ${variant && i % 300 === 0 ? 'r' : 'rw'},`);
  return `profile app-${n} flags=(attach_disconnected${variant ? '' : ',complain'}) {\n${rules.join('\n')}\n}\n`;
}
function seccomp(variant) {
  const names = Array.from({ length: 400 }, (_, i) => `syscall_${i}`).filter((_, i) => !(variant && i % 100 === 0));
  return JSON.stringify({ defaultAction: 'SCMP_ACT_ERRNO', syscalls: [{ names, action: 'SCMP_ACT_ALLOW' }] }, null, 2) + '\n';
}
for (const [side, variant] of [['base', false], ['head', true]]) {
  for (let n = 0; n < 4; n++) write(`${side}/policies/falco/f${n}.yaml`, falcoFile(n, variant));
  for (let n = 0; n < 3; n++) write(`${side}/policies/apparmor/app-${n}`, profile(n, variant));
  for (let n = 0; n < 3; n++) write(`${side}/policies/seccomp/s${n}.json`, seccomp(variant));
}

// A snapshot of 5,000 pods and 1,000,000 recorded events.
const pods = [];
for (let i = 0; i < 5_000; i++)
  pods.push(`  - apiVersion: v1\n    kind: Pod\n    metadata: {name: web-${i}, namespace: ns-${i % 50}}\n    spec:\n      containers:\n        - {name: c, image: nginx}`);
write('snapshot.yaml', `apiVersion: v1\nkind: List\nitems:\n${pods.join('\n')}\n`);
const events = createWriteStream(join(dir, 'events.jsonl'));
for (let i = 0; i < 1_000_000; i++) {
  const line = `{"time":"2026-11-20T09:00:00Z","source":"syscall","fields":{"evt.type":"execve","proc.name":"p${i % 120}","k8s.ns.name":"ns-${i % 50}","k8s.pod.name":"web-${i % 5000}"}}\n`;
  if (!events.write(line)) await once(events, 'drain');
}
events.end();
await once(events, 'finish');

const options = {
  baseDir: join(dir, 'base'),
  headDir: join(dir, 'head'),
  base: { dir: 'base' },
  events: [{ absolute: join(dir, 'events.jsonl'), display: 'events.jsonl' }],
  snapshot: { absolute: join(dir, 'snapshot.yaml'), display: 'snapshot.yaml' },
  languages,
  registry,
};
const providers = Object.keys(impactSections);
process.stdout.write(
  `languages linting: ${languages.map((l) => l.kind).join(', ') || 'none yet'}; impact providers: ${providers.join(', ') || 'none yet (events and snapshot not read)'}\n`,
);

let report;
const whole = await time(
  async () => {
    report = await buildImpactReport(options);
    impactMarkdown(report, { limit: GITLAB_NOTE_LIMIT });
  },
  { runs: 5, warmup: 1 },
);
figure('preview: 10 policy files changed, 5,000 pods, 1e6 events', whole.median, 'ms', '< 10,000 ms');
figure('  files in the diff', report.files.length, 'files');

// The Markdown of a report with 5,000 impact rows and 40 large diffs, cut to GitLab's limit.
const big = {
  ...report,
  sections: [
    {
      kind: 'pod-security',
      title: 'Pod security policies',
      items: [],
      impacts: Array.from({ length: 5_000 }, (_, i) => ({
        kind: 'pod-security',
        severity: 'block',
        category: 'rejected by admission',
        target: 'production',
        namespace: `ns-${i % 50}`,
        subject: `Deployment/<img src=x onerror=alert(${i})>`,
        reason: 'runAsNonRoot != true (pod or container "c" must set securityContext.runAsNonRoot=true) @team #1',
      })),
      notes: [],
    },
  ],
  files: Array.from({ length: 40 }, (_, i) => ({
    path: `policies/falco/big-${i}.yaml`,
    kind: 'falco',
    change: 'added',
    additions: 2000,
    deletions: 0,
    diff: Array.from({ length: 2000 }, (_, l) => `+# line ${l} ${'x'.repeat(80)}`).join('\n'),
  })),
};
let length = 0;
const render = await time(() => {
  length = impactMarkdown(big, { limit: GITLAB_NOTE_LIMIT }).length;
});
figure('markdown: 5,000 impact rows + 40 large diffs, cut to 1e6 chars', render.median, 'ms');
figure('  note length', length, 'chars', `<= ${GITLAB_NOTE_LIMIT.toLocaleString('en-US')}`);
const start = performance.now();
const full = impactMarkdown(big).length;
figure('  full artifact length (uncut)', full, 'chars');
figure('  full artifact render', performance.now() - start, 'ms');

rmSync(dir, { recursive: true, force: true });
