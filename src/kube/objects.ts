/** Kubernetes objects as plain JSON, how they are named in messages, and the order they apply in. */

export type KubeObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; [key: string]: unknown };
  [key: string]: unknown;
};

/**
 * What tells a pod's workload, as the pod's JSON holds it (`metadata.name`, `metadata.namespace`,
 * `metadata.ownerReferences`, `spec.nodeName`; each undefined when absent): all a large cluster's
 * snapshot needs of most of its pods.
 */
export interface PodFields {
  name: string;
  namespace: unknown;
  ownerReferences: unknown;
  nodeName: unknown;
}

export interface ObjectRef {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
}

export function refOf(object: KubeObject): ObjectRef {
  const { apiVersion, kind } = object;
  const { name, namespace } = object.metadata;
  return namespace === undefined ? { apiVersion, kind, name } : { apiVersion, kind, name, namespace };
}

/** `configmap/chs-apparmor (namespace container-host-security)`, as kubectl names objects. */
export function describeRef(ref: ObjectRef): string {
  const base = `${ref.kind.toLowerCase()}/${ref.name}`;
  return ref.namespace === undefined ? base : `${base} (namespace ${ref.namespace})`;
}

/** A key that identifies an object across versions of its API group. */
export function refKey(ref: ObjectRef): string {
  const group = ref.apiVersion.includes('/') ? ref.apiVersion.split('/')[0] : '';
  return `${group}/${ref.kind}/${ref.namespace ?? ''}/${ref.name}`;
}

/**
 * Apply order: what others depend on first (namespaces, CRDs, then configuration and identities,
 * then the workloads that mount them, then admission policies and their bindings), as Helm and
 * kubectl order their installs.
 */
const KIND_ORDER = [
  'Namespace',
  'CustomResourceDefinition',
  'ServiceAccount',
  'Secret',
  'ConfigMap',
  'ClusterRole',
  'ClusterRoleBinding',
  'Role',
  'RoleBinding',
  'SeccompProfile',
  'AppArmorProfile',
  'DaemonSet',
  'Deployment',
  'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding',
];

export function kindRank(kind: string): number {
  const index = KIND_ORDER.indexOf(kind);
  return index === -1 ? KIND_ORDER.indexOf('DaemonSet') - 0.5 : index;
}

/** Objects in apply order (stable: same rank keeps namespace/name order). */
export function sortForApply<T extends KubeObject>(objects: readonly T[]): T[] {
  return [...objects].sort(
    (a, b) =>
      kindRank(a.kind) - kindRank(b.kind) ||
      (a.metadata.namespace ?? '').localeCompare(b.metadata.namespace ?? '') ||
      a.metadata.name.localeCompare(b.metadata.name),
  );
}
