/** Labelling rendered objects. */
import type { KubeObject } from '../kube/objects.js';
import {
  COMPONENT_LABEL,
  CONTENT_HASH_LABEL,
  MANAGED_BY,
  MANAGED_BY_LABEL,
  PART_OF_LABEL,
  TARGET_LABEL,
  contentHash,
} from './labels.js';

/** A ConfigMap's data must stay under the API server's 1 MiB object limit. */
export const MAX_CONFIGMAP_BYTES = 1024 * 1024 - 16 * 1024;

function ourLabels(target: string, component: string): Record<string, string> {
  return {
    [MANAGED_BY_LABEL]: MANAGED_BY,
    [PART_OF_LABEL]: MANAGED_BY,
    [COMPONENT_LABEL]: component,
    [TARGET_LABEL]: target,
  };
}

/** Adds our labels, then the hash of everything else as the content-hash label. */
export function finalize(object: KubeObject, target: string, component: string): KubeObject {
  const labels = { ...(object.metadata.labels ?? {}), ...ourLabels(target, component) };
  const out: KubeObject = { ...object, metadata: { ...object.metadata, labels } };
  labels[CONTENT_HASH_LABEL] = contentHash({ ...out, metadata: { ...out.metadata, labels: { ...labels } } });
  return out;
}

export function configMap(name: string, namespace: string, data: Record<string, string>): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace }, data };
}

export function dataBytes(data: Record<string, string>): number {
  return Object.entries(data).reduce((n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(v), 0);
}
