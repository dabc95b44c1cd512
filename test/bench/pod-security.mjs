// Benchmark: 150,000 pods (Kubernetes' largest supported cluster) against the restricted level plus
// five explicit-control policies. Goal: under 2 s. Run with `npm run bench` after `npm run build`.
import {
  evaluateAgainstPolicies,
  evaluatePodSecurity,
} from '../../dist/src/languages/pod-security/evaluate.js';
import { PodSecurityPolicy } from '../../dist/src/languages/pod-security/policy.js';
import { LATEST } from '../../dist/src/languages/pod-security/version.js';
import { figure, time } from './_util.mjs';

const PODS = 150_000;

const policy = (name, spec) =>
  new PodSecurityPolicy(
    { apiVersion: 'container-host-security/v1', kind: 'PodSecurity', metadata: { name }, spec },
    LATEST,
  );

const policies = [
  policy('restricted', { level: 'restricted' }),
  policy('no-root', { controls: { runAsNonRoot: true, privileged: false, allowPrivilegeEscalation: false } }),
  policy('read-only', { controls: { readOnlyRootFilesystem: true, hostNamespaces: false } }),
  policy('caps', { controls: { capabilities: { dropAll: true, allowed: ['NET_BIND_SERVICE'] } } }),
  policy('profiles', {
    controls: {
      seccomp: { required: true, allowedProfiles: ['RuntimeDefault'] },
      appArmor: { allowedProfiles: ['RuntimeDefault', 'localhost/k8s-nginx'] },
    },
  }),
  policy('volumes', {
    controls: {
      volumes: { allowed: ['configMap', 'secret', 'emptyDir', 'projected'] },
      hostPorts: { allowed: [] },
      sysctls: { allowed: ['net.ipv4.*'] },
    },
  }),
];

// Pods that look like a real cluster's: mostly compliant app pods, some system pods, some sloppy ones.
function pod(i) {
  const compliant = i % 10 < 7;
  const container = (name) => ({
    name,
    image: `registry.example.com/app-${i % 97}:1.${i % 13}`,
    ports: i % 50 === 0 ? [{ containerPort: 8080, hostPort: 8080 }] : [{ containerPort: 8080 }],
    securityContext: compliant
      ? { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } }
      : { privileged: i % 3 === 0, capabilities: { add: ['NET_ADMIN'] } },
    volumeMounts: [{ name: 'config', mountPath: '/etc/app' }],
  });
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: `pod-${i}`, namespace: `ns-${i % 200}`, labels: { app: `app-${i % 97}` } },
    spec: {
      securityContext: compliant ? { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } } : {},
      hostNetwork: i % 100 === 0,
      initContainers: i % 4 === 0 ? [container('init')] : [],
      containers: i % 5 === 0 ? [container('app'), container('sidecar')] : [container('app')],
      volumes: [
        { name: 'config', configMap: { name: `app-${i % 97}` } },
        ...(i % 40 === 0 ? [{ name: 'host', hostPath: { path: '/var/log' } }] : []),
      ],
    },
  };
}

const pods = Array.from({ length: PODS }, (_, i) => pod(i));

// On a shared machine wall time includes other processes' turns; CPU time of this process does not.
function cpuMs(fn) {
  const start = process.cpuUsage();
  fn();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

let rejected = 0;
const all = await time(
  () => {
    rejected = 0;
    for (const p of pods)
      if (!evaluateAgainstPolicies(p, policies, { namespace: p.metadata.namespace }).allowed) rejected++;
  },
  { runs: 5, warmup: 1 },
);
figure(
  `pod-security: ${PODS.toLocaleString('en-US')} pods, restricted + 5 policies (median)`,
  all.median,
  'ms',
  '< 2,000 ms',
);
figure('pod-security: of which rejected', rejected, 'pods');
const cpu = [1, 2, 3]
  .map(() =>
    cpuMs(() => {
      for (const p of pods) evaluateAgainstPolicies(p, policies, { namespace: p.metadata.namespace });
    }),
  )
  .sort((a, b) => a - b)[1];
figure('pod-security: the same, CPU time of this process (median of 3)', cpu, 'ms', '< 2,000 ms');

const level = await time(
  () => {
    for (const p of pods) evaluatePodSecurity(p, { level: 'restricted', version: 'latest' });
  },
  { runs: 5, warmup: 1 },
);
figure(
  `pod-security: ${PODS.toLocaleString('en-US')} pods, restricted level only (median)`,
  level.median,
  'ms',
);
