/**
 * Legacy PodSecurityPolicy (policy/v1beta1, extensions/v1beta1) translated to the project's kind:
 * what validates carries over as explicit controls; what mutated pods, checked ranges or depended on
 * RBAC `use` is reported, field by field. Also the strictest Pod Security Standards level that
 * admits everything the PSP admitted.
 */
import { asArray, asObj, asString } from './checks/pod.js';
import type { Obj } from './checks/types.js';
import { DEFAULT_CAPABILITIES } from './checks/capabilities-baseline.js';
import { ALLOWED_VOLUME_TYPES } from './checks/restricted-volumes.js';
import { safeSysctls } from './checks/sysctls.js';
import type { Controls, PolicyDocument } from './policy.js';
import { POLICY_API_VERSION, POLICY_KIND } from './policy.js';
import type { PssLevel } from './version.js';

export const LEGACY_API_VERSIONS: readonly string[] = ['policy/v1beta1', 'extensions/v1beta1'];

interface LegacyNote {
  /** Path of the field in the PSP (`spec.defaultAddCapabilities`). */
  path: (string | number)[];
  messageId: 'mutating' | 'notCarried';
  field: string;
  hint: string;
}

export interface Translation {
  document: PolicyDocument;
  notes: LegacyNote[];
  suggestedLevel: PssLevel;
}

const SECCOMP_ALLOWED = 'seccomp.security.alpha.kubernetes.io/allowedProfileNames';
const SECCOMP_DEFAULT = 'seccomp.security.alpha.kubernetes.io/defaultProfileName';
const APPARMOR_ALLOWED = 'apparmor.security.beta.kubernetes.io/allowedProfileNames';
const APPARMOR_DEFAULT = 'apparmor.security.beta.kubernetes.io/defaultProfileName';

const VOLUME_TYPES: ReadonlySet<string> = new Set([
  ...ALLOWED_VOLUME_TYPES,
  'awsElasticBlockStore',
  'azureDisk',
  'azureFile',
  'cephfs',
  'cinder',
  'fc',
  'flexVolume',
  'flocker',
  'gcePersistentDisk',
  'gitRepo',
  'glusterfs',
  'hostPath',
  'iscsi',
  'nfs',
  'photonPersistentDisk',
  'portworxVolume',
  'quobyte',
  'rbd',
  'scaleIO',
  'storageos',
  'vsphereVolume',
]);

function seccompProfile(name: string): string | undefined {
  if (name === 'runtime/default' || name === 'docker/default') return 'RuntimeDefault';
  if (name === 'unconfined') return 'Unconfined';
  if (name.startsWith('localhost/')) return name;
  return undefined;
}

function apparmorProfile(name: string): string | undefined {
  if (name === 'runtime/default') return 'RuntimeDefault';
  if (name === 'unconfined') return 'Unconfined';
  if (name.startsWith('localhost/')) return name;
  return undefined;
}

/** A DNS label from a PSP name (PSP names allow dots, policy names do not). */
function policyName(name: string): string {
  const cleaned = name
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 53)
    .replace(/-+$/, '');
  return cleaned || 'legacy-psp';
}

export function translatePsp(psp: Obj): Translation {
  const metadata = asObj(psp.metadata) ?? {};
  const spec = asObj(psp.spec) ?? {};
  const annotations = asObj(metadata.annotations) ?? {};
  const notes: LegacyNote[] = [];
  const note = (
    path: (string | number)[],
    messageId: LegacyNote['messageId'],
    field: string,
    hint: string,
  ): void => {
    notes.push({ path, messageId, field, hint });
  };
  const controls: Controls = {};

  if (spec.privileged !== true) controls.privileged = false;
  if (spec.allowPrivilegeEscalation === false) controls.allowPrivilegeEscalation = false;
  if (spec.defaultAllowPrivilegeEscalation !== undefined)
    note(
      ['spec', 'defaultAllowPrivilegeEscalation'],
      'mutating',
      'defaultAllowPrivilegeEscalation',
      'set securityContext.allowPrivilegeEscalation in the workloads',
    );
  if (spec.readOnlyRootFilesystem === true) controls.readOnlyRootFilesystem = true;

  const hostFlags = ['hostNetwork', 'hostPID', 'hostIPC'].map((k) => spec[k] === true);
  if (hostFlags.every((f) => !f)) controls.hostNamespaces = false;
  else if (!hostFlags.every((f) => f))
    note(
      ['spec'],
      'notCarried',
      'hostNetwork/hostPID/hostIPC',
      'the PSP allows some host namespaces but not all; the translation allows all three (controls.hostNamespaces is all or nothing)',
    );

  const capabilities: NonNullable<Controls['capabilities']> = {};
  const drops = asArray(spec.requiredDropCapabilities).map(asString);
  if (drops.includes('ALL')) capabilities.dropAll = true;
  else if (drops.length > 0)
    note(
      ['spec', 'requiredDropCapabilities'],
      'notCarried',
      'requiredDropCapabilities',
      'only dropping ALL can be required: use controls.capabilities.dropAll',
    );
  if (spec.allowedCapabilities !== undefined) {
    const allowed = asArray(spec.allowedCapabilities).map(asString);
    if (!allowed.includes('*'))
      capabilities.allowed = [
        ...new Set([...allowed, ...asArray(spec.defaultAddCapabilities).map(asString)]),
      ];
  } else {
    capabilities.allowed = asArray(spec.defaultAddCapabilities).map(asString);
  }
  if (spec.defaultAddCapabilities !== undefined)
    note(
      ['spec', 'defaultAddCapabilities'],
      'mutating',
      'defaultAddCapabilities',
      'add the capabilities in the workloads; they stay allowed',
    );
  if (capabilities.dropAll !== undefined || capabilities.allowed !== undefined)
    controls.capabilities = capabilities;

  // An absent or empty list allows no volume at all, as in PodSecurityPolicy.
  {
    const volumes = asArray(spec.volumes).map(asString);
    if (!volumes.includes('*')) {
      const unknown = volumes.filter((v) => !VOLUME_TYPES.has(v));
      if (unknown.length > 0)
        note(
          ['spec', 'volumes'],
          'notCarried',
          `volumes ${unknown.join(', ')}`,
          'not a volume type of current Kubernetes',
        );
      controls.volumes = { allowed: volumes.filter((v) => VOLUME_TYPES.has(v)) };
    }
  }
  // An absent or empty list allows no host port, as in PodSecurityPolicy.
  {
    controls.hostPorts = {
      allowed: asArray(spec.hostPorts).map((r) => ({
        min: Number(asObj(r)?.min ?? 0),
        max: Number(asObj(r)?.max ?? 0),
      })),
    };
  }
  if (spec.allowedHostPaths !== undefined) {
    controls.hostPaths = {
      allowed: asArray(spec.allowedHostPaths).map((p) => {
        const entry = asObj(p) ?? {};
        return {
          pathPrefix: asString(entry.pathPrefix),
          ...(entry.readOnly === true ? { readOnly: true } : {}),
        };
      }),
    };
  }
  for (const key of ['allowedFlexVolumes', 'allowedCSIDrivers'])
    if (spec[key] !== undefined)
      note(['spec', key], 'notCarried', key, 'drivers are not restricted by the translation');

  const runAsUser = asObj(spec.runAsUser);
  const rule = asString(runAsUser?.rule);
  if (rule === 'MustRunAsNonRoot') controls.runAsNonRoot = true;
  else if (rule === 'MustRunAs')
    note(
      ['spec', 'runAsUser'],
      'notCarried',
      'runAsUser MustRunAs ranges',
      'only running as non-root is checked (controls.runAsNonRoot); set runAsUser in the workloads',
    );
  for (const key of ['runAsGroup', 'supplementalGroups', 'fsGroup']) {
    const r = asString(asObj(spec[key])?.rule);
    if (r === 'MustRunAs' || r === 'MayRunAs')
      note(['spec', key], 'mutating', `${key} ${r}`, `set ${key} in the workloads; ranges are not checked`);
  }
  const seLinux = asObj(spec.seLinux);
  if (asString(seLinux?.rule) === 'MustRunAs') {
    const type = asString(asObj(seLinux?.seLinuxOptions)?.type);
    if (type) controls.seLinux = { allowedTypes: [type] };
    note(
      ['spec', 'seLinux'],
      'mutating',
      'seLinux MustRunAs',
      'set seLinuxOptions in the workloads; only the type is checked',
    );
  }
  if (spec.allowedProcMountTypes !== undefined)
    controls.procMount = { allowed: asArray(spec.allowedProcMountTypes).map(asString) };

  const forbidden = asArray(spec.forbiddenSysctls).map(asString);
  const unsafe = asArray(spec.allowedUnsafeSysctls).map(asString);
  if (spec.forbiddenSysctls !== undefined || spec.allowedUnsafeSysctls !== undefined) {
    const matches = (name: string, pattern: string): boolean =>
      pattern === '*' || pattern === name || (pattern.endsWith('*') && name.startsWith(pattern.slice(0, -1)));
    const allowed = [...safeSysctls(Number.POSITIVE_INFINITY), ...unsafe].filter(
      (s) => !forbidden.some((f) => matches(s, f)),
    );
    controls.sysctls = { allowed: [...new Set(allowed)] };
  }

  const seccompAllowed = asString(annotations[SECCOMP_ALLOWED]);
  if (seccompAllowed && seccompAllowed !== '*') {
    const names = seccompAllowed.split(',').map((s) => s.trim());
    controls.seccomp = {
      allowedProfiles: [...new Set(names.map(seccompProfile).filter((p): p is string => p !== undefined))],
    };
  }
  if (annotations[SECCOMP_DEFAULT] !== undefined)
    note(
      ['metadata', 'annotations', SECCOMP_DEFAULT],
      'mutating',
      SECCOMP_DEFAULT,
      'set securityContext.seccompProfile in the workloads, or require one with controls.seccomp.required',
    );
  const apparmorAllowed = asString(annotations[APPARMOR_ALLOWED]);
  if (apparmorAllowed && apparmorAllowed !== '*') {
    const names = apparmorAllowed.split(',').map((s) => s.trim());
    controls.appArmor = {
      allowedProfiles: [...new Set(names.map(apparmorProfile).filter((p): p is string => p !== undefined))],
    };
  }
  if (annotations[APPARMOR_DEFAULT] !== undefined)
    note(
      ['metadata', 'annotations', APPARMOR_DEFAULT],
      'mutating',
      APPARMOR_DEFAULT,
      'set securityContext.appArmorProfile in the workloads, or require one with controls.appArmor.required',
    );

  const document: PolicyDocument = {
    apiVersion: POLICY_API_VERSION,
    kind: POLICY_KIND,
    metadata: { name: policyName(asString(metadata.name)) },
    spec: { controls },
  };
  return { document, notes, suggestedLevel: suggestLevel(spec, controls) };
}

/**
 * The strictest level that admits every pod the PSP admitted, following the Kubernetes mapping of
 * PodSecurityPolicy fields to Pod Security Standards (an unset profile annotation counts as allowed).
 */
function suggestLevel(spec: Obj, controls: Controls): PssLevel {
  const caps = controls.capabilities?.allowed;
  const hostPathAllowed = !controls.volumes || controls.volumes.allowed.includes('hostPath');
  const baselineOk =
    controls.privileged === false &&
    controls.hostNamespaces === false &&
    (controls.hostPorts?.allowed.length ?? 1) === 0 &&
    caps !== undefined &&
    caps.every((c) => DEFAULT_CAPABILITIES.has(c)) &&
    !hostPathAllowed &&
    (controls.procMount?.allowed ?? ['Default']).every((p) => p === 'Default') &&
    (controls.sysctls?.allowed ?? []).every((s) => safeSysctls(Number.POSITIVE_INFINITY).includes(s)) &&
    !(controls.seccomp?.allowedProfiles ?? []).includes('Unconfined') &&
    !(controls.appArmor?.allowedProfiles ?? []).includes('Unconfined') &&
    asString(asObj(spec.seLinux)?.rule) === 'MustRunAs';
  if (!baselineOk) return 'privileged';
  const restrictedOk =
    controls.runAsNonRoot === true &&
    controls.allowPrivilegeEscalation === false &&
    controls.capabilities?.dropAll === true &&
    (caps ?? []).every((c) => c === 'NET_BIND_SERVICE') &&
    (controls.seccomp?.allowedProfiles ?? []).length > 0 &&
    (controls.volumes?.allowed ?? ['*']).every((v) =>
      (ALLOWED_VOLUME_TYPES).includes(v),
    );
  return restrictedOk ? 'restricted' : 'baseline';
}
