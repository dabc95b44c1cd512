// `chs pod-security check` over 150,000 pods as `kubectl get pods -A -o json` prints them (about
// 3 KB each, ten files), beside a bare JSON.parse of the same files in a process of its own.
// Goal: at most 3x the bare parse's time, under 500 MB. Run with `npm run bench pod-security-files`;
// CHS_BENCH_PODS changes the count.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { figure } from './_util.mjs';

const PODS = Number(process.env.CHS_BENCH_PODS ?? 150_000);
const FILES = 10;
const chs = fileURLToPath(new URL('../../dist/bundle/chs.cjs', import.meta.url));
const maxrss = fileURLToPath(new URL('./_maxrss.cjs', import.meta.url));

/** A pod with what the API server adds: uid, owner, managed fields, status. */
function pod(i) {
  const app = `app-${i % 97}`;
  const container = {
    name: app,
    image: `registry.example.com/${app}:1.${i % 13}`,
    imagePullPolicy: 'IfNotPresent',
    ports: [{ containerPort: 8080, name: 'http', protocol: 'TCP' }],
    securityContext:
      i % 10 < 7
        ? { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: true }
        : { privileged: i % 3 === 0 },
    terminationMessagePath: '/dev/termination-log',
    terminationMessagePolicy: 'File',
    volumeMounts: [
      { mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', name: 'kube-api-access', readOnly: true },
    ],
  };
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      creationTimestamp: '2026-12-01T10:00:00Z',
      generateName: `${app}-7d9f8c6b5-`,
      labels: { app, 'pod-template-hash': '7d9f8c6b5' },
      name: `${app}-7d9f8c6b5-${i.toString(36)}`,
      namespace: `ns-${i % 200}`,
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          blockOwnerDeletion: true,
          controller: true,
          kind: 'ReplicaSet',
          name: `${app}-7d9f8c6b5`,
          uid: `5c1e${String(i).padStart(8, '0')}-aaaa-bbbb-cccc-0123456789ab`,
        },
      ],
      resourceVersion: String(1_000_000 + i),
      uid: `9f3a${String(i).padStart(8, '0')}-1111-2222-3333-0123456789ab`,
    },
    spec: {
      containers: [container],
      dnsPolicy: 'ClusterFirst',
      enableServiceLinks: true,
      nodeName: `node-${i % 500}`,
      preemptionPolicy: 'PreemptLowerPriority',
      priority: 0,
      restartPolicy: 'Always',
      schedulerName: 'default-scheduler',
      securityContext: i % 10 < 7 ? { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } } : {},
      serviceAccount: 'default',
      serviceAccountName: 'default',
      terminationGracePeriodSeconds: 30,
      volumes: [
        {
          name: 'kube-api-access',
          projected: {
            defaultMode: 420,
            sources: [{ serviceAccountToken: { expirationSeconds: 3607, path: 'token' } }],
          },
        },
      ],
    },
    status: {
      conditions: ['Ready', 'PodScheduled'].map((type) => ({
        lastProbeTime: null,
        lastTransitionTime: '2026-12-01T10:00:05Z',
        status: 'True',
        type,
      })),
      hostIP: `10.0.${i % 250}.${i % 200}`,
      phase: 'Running',
      podIP: `10.244.${i % 250}.${i % 250}`,
      qosClass: 'Burstable',
      startTime: '2026-12-01T10:00:00Z',
    },
  };
}

const dir = mkdtempSync(join(tmpdir(), 'chs-bench-pods-'));
const files = [];
let bytes = 0;
for (let f = 0; f < FILES; f++) {
  const items = [];
  for (let i = f; i < PODS; i += FILES) items.push(pod(i));
  const file = join(dir, `pods-${f}.json`);
  writeFileSync(
    file,
    JSON.stringify({ apiVersion: 'v1', items, kind: 'List', metadata: { resourceVersion: '' } }, null, 4),
  );
  files.push(file);
  bytes += statSync(file).size;
}
figure(`${PODS.toLocaleString('en-US')} pods in ${FILES} files, bytes per pod`, bytes / PODS, 'B');

/** Wall time and peak memory of a node process. */
function measure(args, options = {}) {
  const started = performance.now();
  const run = spawnSync(process.execPath, ['-r', maxrss, ...args], {
    encoding: 'utf8',
    maxBuffer: 1 << 30,
    ...options,
  });
  const ms = performance.now() - started;
  const kb = Number(/maxrss-kb (\d+)/.exec(run.stderr)?.[1] ?? NaN);
  return { ms, mb: kb / 1024, status: run.status, stdout: run.stdout };
}

const bare = measure([
  '-e',
  `const fs = require('node:fs'); let n = 0; for (const f of ${JSON.stringify(files)}) n += JSON.parse(fs.readFileSync(f, 'utf8')).items.length; console.log(n);`,
]);
figure('bare JSON.parse of the same files, one by one (wall)', bare.ms, 'ms');
figure('bare JSON.parse: peak memory', bare.mb, 'MB');
const ours = measure([chs, 'pod-security', 'check', '--level', 'baseline', ...files]);
figure('chs pod-security check --level baseline (wall)', ours.ms, 'ms');
figure('chs pod-security check: peak memory', ours.mb, 'MB', '< 500 MB');
figure('  exit status (expected 1: some pods are privileged)', ours.status ?? 'killed', '');
figure('  objects checked', /(\d+) objects checked/.exec(ours.stdout)?.[1] ?? '?', '');
figure('chs over bare JSON.parse (wall)', `${(ours.ms / bare.ms).toFixed(1)}x`, '', '<= 3x');

// Against the repository's policies (no --level): a Namespace's labels may come in a later file.
mkdirSync(join(dir, 'policies', 'pod-security'), { recursive: true });
writeFileSync(
  join(dir, 'policies', 'pod-security', 'baseline.yaml'),
  'apiVersion: container-host-security/v1\nkind: PodSecurity\nmetadata: {name: baseline}\nspec:\n  level: baseline\n  namespaceSelector: {matchExpressions: [{key: kubernetes.io/metadata.name, operator: NotIn, values: [kube-system]}]}\n',
);
const policies = measure([chs, 'pod-security', 'check', ...files], { cwd: dir });
figure('chs pod-security check, the repository policies (wall)', policies.ms, 'ms');
figure('chs pod-security check, the repository policies: peak memory', policies.mb, 'MB', '< 500 MB');
figure('  objects checked', /(\d+) objects checked/.exec(policies.stdout)?.[1] ?? '?', '');
figure('chs (policies) over bare JSON.parse (wall)', `${(policies.ms / bare.ms).toFixed(1)}x`, '', '<= 3x');
rmSync(dir, { recursive: true, force: true });
