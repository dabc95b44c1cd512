// Pods as `kubectl get pods -A -o json` prints them (about 3 KB each with two-space indentation,
// 4.4 KB with kubectl's four), shared by the benchmarks over a large cluster.
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';

/** A pod with what the API server adds: uid, owner, managed fields, status. */
export function pod(i) {
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

/**
 * Writes `count` pods to `path` as one List, as `kubectl get pods -A -o json` prints it, but with
 * two-space indentation: that keeps 150,000 pods under what one string can hold, so that a bare
 * JSON.parse (the benchmarks' baseline) can read the file at all.
 */
export async function writePodList(path, count) {
  const out = createWriteStream(path);
  out.write('{\n  "apiVersion": "v1",\n  "items": [\n');
  for (let i = 0; i < count; i++) {
    const text = JSON.stringify(pod(i), null, 2).replace(/^/gm, '    ');
    if (!out.write(`${text}${i + 1 < count ? ',' : ''}\n`)) await once(out, 'drain');
  }
  out.write('  ],\n  "kind": "List",\n  "metadata": {\n    "resourceVersion": ""\n  }\n}\n');
  out.end();
  await once(out, 'finish');
}
