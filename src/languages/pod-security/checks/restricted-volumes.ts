/** Restricted: only volume types that cannot reach the host or its network storage (replaces baseline's hostPath check). */
import { asArray, asObj, asString, joinQuote, pluralize, sortedSet } from './pod.js';
import { ALLOWED, forbid } from './types.js';
import type { Check, CheckResult, PodView } from './types.js';

/** Inline volume sources the restricted level allows (`image` since PSA patched it into 1.0 in Kubernetes 1.33). */
export const ALLOWED_VOLUME_TYPES: readonly string[] = [
  'configMap',
  'csi',
  'downwardAPI',
  'emptyDir',
  'ephemeral',
  'image',
  'persistentVolumeClaim',
  'projected',
  'secret',
];

/** The forbidden sources in the order PSA looks for them; a volume with none of them is "unknown". */
const RESTRICTED_VOLUME_TYPES: readonly string[] = [
  'hostPath',
  'gcePersistentDisk',
  'awsElasticBlockStore',
  'gitRepo',
  'nfs',
  'iscsi',
  'glusterfs',
  'rbd',
  'flexVolume',
  'cinder',
  'cephfs',
  'flocker',
  'fc',
  'azureFile',
  'vsphereVolume',
  'quobyte',
  'azureDisk',
  'portworxVolume',
  'photonPersistentDisk',
  'scaleIO',
  'storageos',
];

const set = (v: unknown): boolean => v !== undefined && v !== null;

function v1_0(pod: PodView): CheckResult {
  const bad: string[] = [];
  const types: string[] = [];
  for (const item of asArray(pod.spec.volumes)) {
    const volume = asObj(item) ?? {};
    if (ALLOWED_VOLUME_TYPES.some((t) => set(volume[t]))) continue;
    // The API server defaults a volume without a source to emptyDir before admission sees it.
    if (!Object.keys(volume).some((k) => k !== 'name' && set(volume[k]))) continue;
    bad.push(asString(volume.name));
    types.push(RESTRICTED_VOLUME_TYPES.find((t) => set(volume[t])) ?? 'unknown');
  }
  if (bad.length === 0) return ALLOWED;
  const list = sortedSet(types);
  return forbid(
    'restricted volume types',
    `${pluralize('volume', 'volumes', bad.length)} ${joinQuote(bad)} ${pluralize('uses', 'use', bad.length)} ${pluralize('restricted volume type', 'restricted volume types', list.length)} ${joinQuote(list)}`,
  );
}

export const restrictedVolumes: Check = {
  id: 'restrictedVolumes',
  level: 'restricted',
  versions: [{ minimum: 0, check: v1_0, overrides: ['hostPathVolumes'] }],
};
