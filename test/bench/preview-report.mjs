// The parts of `chs preview` that grow with the cluster besides reading it and the events: finding
// each pod's workload (`WorkloadsBuilder.finish`) and writing the report (`impactMarkdown`).
// Beside each figure, in the same run, its baseline: pods whose owners are found by key (no name
// search) for the first; JSON.stringify of the same report (the JSON the job also prints) for the
// second. Hostile names: a colon before 1,999 letters (an emoji's name is looked for after each
// colon) in every container name, which the fixes quote. `npm run bench preview-report`.
import { WorkloadsBuilder } from '../../dist/src/impact/cluster.js';
import { impactMarkdown } from '../../dist/src/report/markdown.js';
import { figure, time } from './_util.mjs';

const DEPLOYMENTS = 3_000;
const PODS = 10;
const IMPACTS = 6_000;

const controller = (kind, name) => ({
  apiVersion: 'apps/v1',
  kind,
  metadata: { name, namespace: 'shop' },
  spec: { template: { spec: { containers: [{ name: 'app', image: 'app' }] } } },
});
const pod = (name, owner) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name,
    namespace: 'shop',
    ownerReferences: [{ kind: owner.kind, name: owner.name, controller: true }],
  },
  spec: { containers: [{ name: 'app', image: 'app' }] },
});

/** One namespace of controllers and their pods, owned through a ReplicaSet or directly. */
function cluster(throughReplicaSets) {
  const objects = [];
  for (let d = 0; d < DEPLOYMENTS; d++) {
    objects.push(controller(throughReplicaSets ? 'Deployment' : 'StatefulSet', `web-${d}`));
    for (let p = 0; p < PODS; p++)
      objects.push(
        throughReplicaSets
          ? pod(`web-${d}-5d8f7c-${p}x${d}`, { kind: 'ReplicaSet', name: `web-${d}-5d8f7c` })
          : pod(`web-${d}-${p}`, { kind: 'StatefulSet', name: `web-${d}` }),
      );
  }
  return objects;
}

function finish(objects) {
  const builder = new WorkloadsBuilder();
  for (const object of objects) builder.add(object);
  return builder.finish();
}

const what = `${DEPLOYMENTS.toLocaleString('en-US')} × ${PODS} pods`;
const direct = cluster(false);
const replicaSets = cluster(true);
const base = await time(() => finish(direct), { runs: 5, warmup: 1 });
const built = await time(() => finish(replicaSets), { runs: 5, warmup: 1 });
figure(`baseline: workloads of ${what}, owners by key`, base.median, 'ms');
figure(`workloads of ${what}, through ReplicaSets`, built.median, 'ms');
const workloads = finish(replicaSets);
const unknown = await time(() => {
  for (let d = 0; d < DEPLOYMENTS; d++) workloads.podOwner('shop', `web-${d}-5d8f7c-zz${d}`);
});
figure(`  ${DEPLOYMENTS.toLocaleString('en-US')} pods not in the state, by name`, unknown.median, 'ms');

/** A report of `n` pod security impacts, as a cluster of many workloads of few templates gives. */
function report(name) {
  const impacts = [];
  for (let i = 0; i < IMPACTS; i++) {
    const container = name(i);
    const controls = [
      {
        control: 'allowPrivilegeEscalation',
        policy: 'cluster',
        containers: [container],
        fix: 'set securityContext.allowPrivilegeEscalation=false',
      },
      {
        control: 'runAsNonRoot',
        policy: 'cluster',
        containers: [container],
        fix: `runAsNonRoot: change pod or container "${container}" must set securityContext.runAsNonRoot=true`,
      },
    ];
    impacts.push({
      kind: 'pod-security',
      severity: 'block',
      category: 'rejected by admission',
      target: 'production',
      namespace: `ns-${i % 200}`,
      subject: `Deployment/web-${i}`,
      reason: `would violate PodSecurity "restricted:latest": allowPrivilegeEscalation != false (container "${container}" must set securityContext.allowPrivilegeEscalation=false)`,
      count: 2,
      policy: 'cluster',
      breaks: controls.map((c) => c.control),
      fix: `set allowPrivilegeEscalation=false in securityContext; runAsNonRoot: change pod or container "${container}" must set \`securityContext.runAsNonRoot=true\``,
      controls,
    });
  }
  return {
    version: 1,
    base: { dir: '../base' },
    verdict: { level: 'blocking', headline: `Blocks ${IMPACTS} workloads in production` },
    files: [],
    sections: [{ kind: 'pod-security', title: 'Pod security policies', items: [], impacts, notes: [] }],
    notAnalysed: [],
    lint: { introduced: [], fixed: [], head: { errors: 0, warnings: 0 }, base: { errors: 0, warnings: 0 } },
    inputs: { events: [], snapshot: 'snapshot.json' },
  };
}

const plain = report((i) => `app-${i % 97}`);
const json = await time(() => JSON.stringify(plain, null, 2), { runs: 5, warmup: 1 });
const markdown = await time(() => impactMarkdown(plain), { runs: 5, warmup: 1 });
figure(
  `baseline: JSON.stringify, report of ${IMPACTS.toLocaleString('en-US')} impacts`,
  json.median,
  'ms',
);
figure(`the report as Markdown (artifact and note)`, markdown.median, 'ms');
const hostile = report((i) => `:${'a'.repeat(1_999)}${i % 97}`);
const long = await time(() => impactMarkdown(hostile), { runs: 3, warmup: 1 });
figure(`  a colon and 1,999 letters in each container name`, long.median, 'ms');
