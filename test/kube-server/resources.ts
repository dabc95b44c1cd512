/**
 * The resource types the test API server serves, and the defaults the real API server fills in
 * for them (the fields a drift check must not mistake for changes).
 */
import { isMap } from './fields.js';
import type { Json, JsonMap } from './fields.js';

export interface ResourceType {
  /** '' for the core group. */
  group: string;
  version: string;
  kind: string;
  plural: string;
  singular: string;
  namespaced: boolean;
  /** Whether writes to spec bump metadata.generation. */
  hasGeneration: boolean;
  /** Registered by a CustomResourceDefinition. */
  custom?: boolean;
  /** The version's structural schema (openAPIV3Schema), when it is not "anything goes". */
  schema?: JsonMap;
}

export const BUILTIN_TYPES: ResourceType[] = [
  {
    group: '',
    version: 'v1',
    kind: 'Namespace',
    plural: 'namespaces',
    singular: 'namespace',
    namespaced: false,
    hasGeneration: false,
  },
  {
    group: '',
    version: 'v1',
    kind: 'Node',
    plural: 'nodes',
    singular: 'node',
    namespaced: false,
    hasGeneration: false,
  },
  {
    group: '',
    version: 'v1',
    kind: 'ConfigMap',
    plural: 'configmaps',
    singular: 'configmap',
    namespaced: true,
    hasGeneration: false,
  },
  {
    group: '',
    version: 'v1',
    kind: 'Secret',
    plural: 'secrets',
    singular: 'secret',
    namespaced: true,
    hasGeneration: false,
  },
  {
    group: '',
    version: 'v1',
    kind: 'ServiceAccount',
    plural: 'serviceaccounts',
    singular: 'serviceaccount',
    namespaced: true,
    hasGeneration: false,
  },
  {
    group: '',
    version: 'v1',
    kind: 'Pod',
    plural: 'pods',
    singular: 'pod',
    namespaced: true,
    hasGeneration: false,
  },
  {
    group: 'apps',
    version: 'v1',
    kind: 'DaemonSet',
    plural: 'daemonsets',
    singular: 'daemonset',
    namespaced: true,
    hasGeneration: true,
  },
  {
    group: 'apps',
    version: 'v1',
    kind: 'Deployment',
    plural: 'deployments',
    singular: 'deployment',
    namespaced: true,
    hasGeneration: true,
  },
  {
    group: 'apps',
    version: 'v1',
    kind: 'StatefulSet',
    plural: 'statefulsets',
    singular: 'statefulset',
    namespaced: true,
    hasGeneration: true,
  },
  {
    group: 'batch',
    version: 'v1',
    kind: 'Job',
    plural: 'jobs',
    singular: 'job',
    namespaced: true,
    hasGeneration: true,
  },
  {
    group: 'batch',
    version: 'v1',
    kind: 'CronJob',
    plural: 'cronjobs',
    singular: 'cronjob',
    namespaced: true,
    hasGeneration: true,
  },
  {
    group: 'apiextensions.k8s.io',
    version: 'v1',
    kind: 'CustomResourceDefinition',
    plural: 'customresourcedefinitions',
    singular: 'customresourcedefinition',
    namespaced: false,
    hasGeneration: true,
  },
  {
    group: 'admissionregistration.k8s.io',
    version: 'v1',
    kind: 'ValidatingAdmissionPolicy',
    plural: 'validatingadmissionpolicies',
    singular: 'validatingadmissionpolicy',
    namespaced: false,
    hasGeneration: true,
  },
  {
    group: 'admissionregistration.k8s.io',
    version: 'v1',
    kind: 'ValidatingAdmissionPolicyBinding',
    plural: 'validatingadmissionpolicybindings',
    singular: 'validatingadmissionpolicybinding',
    namespaced: false,
    hasGeneration: true,
  },
];

export function groupVersion(type: ResourceType): string {
  return type.group === '' ? type.version : `${type.group}/${type.version}`;
}

/** The resource types a CustomResourceDefinition declares: one per served version. */
export function typesFromCrd(crd: JsonMap): ResourceType[] {
  const spec = crd.spec;
  if (!isMap(spec) || !isMap(spec.names) || typeof spec.group !== 'string') return [];
  const { kind, plural } = spec.names;
  if (typeof kind !== 'string' || typeof plural !== 'string') return [];
  const group = spec.group;
  const singular = typeof spec.names.singular === 'string' ? spec.names.singular : kind.toLowerCase();
  const versions = Array.isArray(spec.versions) ? spec.versions.filter(isMap) : [];
  return versions
    .filter((v) => v.served !== false && typeof v.name === 'string')
    .map((v) => {
      const schema =
        isMap(v.schema) && isMap(v.schema.openAPIV3Schema) ? v.schema.openAPIV3Schema : undefined;
      const structural = schema && schema['x-kubernetes-preserve-unknown-fields'] !== true;
      return {
        group,
        version: v.name as string,
        kind,
        plural,
        singular,
        namespaced: spec.scope !== 'Cluster',
        hasGeneration: true,
        custom: true,
        ...(structural ? { schema } : {}),
      };
    });
}

function setDefault(map: JsonMap, key: string, value: Json): void {
  if (map[key] === undefined) map[key] = value;
}

function defaultPodSpec(spec: JsonMap): void {
  setDefault(spec, 'restartPolicy', 'Always');
  setDefault(spec, 'terminationGracePeriodSeconds', 30);
  setDefault(spec, 'dnsPolicy', 'ClusterFirst');
  setDefault(spec, 'schedulerName', 'default-scheduler');
  setDefault(spec, 'securityContext', {});
  for (const list of ['containers', 'initContainers']) {
    const containers = spec[list];
    if (!Array.isArray(containers)) continue;
    for (const c of containers) {
      if (!isMap(c)) continue;
      const image = typeof c.image === 'string' ? c.image : '';
      const tagged = /:[^/]+$/.test(image) && !image.endsWith(':latest');
      setDefault(c, 'imagePullPolicy', tagged || image.includes('@') ? 'IfNotPresent' : 'Always');
      setDefault(c, 'terminationMessagePath', '/dev/termination-log');
      setDefault(c, 'terminationMessagePolicy', 'File');
    }
  }
  const volumes = spec.volumes;
  if (Array.isArray(volumes)) {
    for (const v of volumes) {
      if (!isMap(v)) continue;
      if (isMap(v.configMap)) setDefault(v.configMap, 'defaultMode', 420);
      if (isMap(v.secret)) setDefault(v.secret, 'defaultMode', 420);
      if (isMap(v.hostPath)) setDefault(v.hostPath, 'type', '');
    }
  }
}

/** Fills in what the real API server defaults, and the status it starts an object with. */
export function applyDefaults(type: ResourceType, object: JsonMap): void {
  const spec = isMap(object.spec) ? object.spec : undefined;
  switch (type.kind) {
    case 'Namespace': {
      const metadata = object.metadata as JsonMap;
      const labels = isMap(metadata.labels) ? metadata.labels : (metadata.labels = {});
      labels['kubernetes.io/metadata.name'] = metadata.name as string;
      object.spec = { finalizers: ['kubernetes'], ...(spec ?? {}) };
      object.status = { phase: 'Active' };
      break;
    }
    case 'DaemonSet': {
      if (!spec) break;
      setDefault(spec, 'revisionHistoryLimit', 10);
      setDefault(spec, 'updateStrategy', {
        type: 'RollingUpdate',
        rollingUpdate: { maxUnavailable: 1, maxSurge: 0 },
      });
      const template = isMap(spec.template) ? spec.template : undefined;
      if (template && isMap(template.spec)) defaultPodSpec(template.spec);
      object.status ??= {
        currentNumberScheduled: 0,
        desiredNumberScheduled: 0,
        numberMisscheduled: 0,
        numberReady: 0,
      };
      break;
    }
    case 'Deployment': {
      if (!spec) break;
      setDefault(spec, 'replicas', 1);
      setDefault(spec, 'revisionHistoryLimit', 10);
      setDefault(spec, 'progressDeadlineSeconds', 600);
      const template = isMap(spec.template) ? spec.template : undefined;
      if (template && isMap(template.spec)) defaultPodSpec(template.spec);
      break;
    }
    case 'Pod': {
      if (spec) defaultPodSpec(spec);
      object.status ??= { phase: 'Pending' };
      break;
    }
    case 'ValidatingAdmissionPolicy': {
      if (spec) setDefault(spec, 'failurePolicy', 'Fail');
      break;
    }
    default:
      break;
  }
}
