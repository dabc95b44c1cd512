/** Pods and the pod templates inside workloads: where each kind keeps its pod. */
import { asObj, asString } from './checks/pod.js';
import type { Obj } from './checks/types.js';

/** Plural resource names as the API server writes them in messages (`deployments.apps`). */
const RESOURCES: Readonly<Record<string, string>> = {
  Pod: 'pods',
  PodTemplate: 'podtemplates',
  ReplicationController: 'replicationcontrollers',
  Deployment: 'deployments.apps',
  ReplicaSet: 'replicasets.apps',
  StatefulSet: 'statefulsets.apps',
  DaemonSet: 'daemonsets.apps',
  Job: 'jobs.batch',
  CronJob: 'cronjobs.batch',
};

export const POD_BEARING_KINDS: readonly string[] = Object.keys(RESOURCES);

export interface PodSource {
  kind: string;
  name: string;
  namespace: string;
  /** The pod's (or the template's) metadata and spec. */
  podMetadata: Obj;
  podSpec: Obj;
  /** The path of the pod spec inside the object: `spec`, `spec.template.spec`, ... */
  specPath: readonly string[];
}

/** The pod inside an object, or undefined for an object that holds none. */
export function podSource(object: unknown): PodSource | undefined {
  const o = asObj(object);
  if (!o) return undefined;
  const kind = asString(o.kind);
  if (!(kind in RESOURCES)) return undefined;
  const metadata = asObj(o.metadata) ?? {};
  let templatePath: string[];
  if (kind === 'Pod') templatePath = [];
  else if (kind === 'PodTemplate') templatePath = ['template'];
  else if (kind === 'CronJob') templatePath = ['spec', 'jobTemplate', 'spec', 'template'];
  else templatePath = ['spec', 'template'];
  let template: Obj | undefined = o;
  for (const key of templatePath) template = asObj(template?.[key]);
  return {
    kind,
    name: asString(metadata.name),
    namespace: asString(metadata.namespace),
    podMetadata: (kind === 'Pod' ? metadata : asObj(template?.metadata)) ?? {},
    podSpec: asObj(template?.spec) ?? {},
    specPath: [...templatePath, 'spec'],
  };
}

export function resourceOf(kind: string): string {
  return RESOURCES[kind] ?? `${kind.toLowerCase()}s`;
}
