/**
 * The Security Profiles Operator as the test API server knows it: the CustomResourceDefinitions
 * of SeccompProfile and AppArmorProfile that an operator version installs (their served
 * versions, scope, and structural schemas with the operator's enums, bounds and defaults, written
 * from its api/ types), and what its controller writes back: a SeccompProfile's
 * `status.localhostProfile`, the path under the kubelet's seccomp directory where it installs the
 * profile (`operator/NAME.json` for cluster-scoped profiles, v0.9.0 and newer;
 * `operator/NAMESPACE/NAME.json` before).
 */
import type { JsonMap } from './fields.js';
import { textOf } from '../../src/core/text.js';

const GROUP = 'security-profiles-operator.x-k8s.io';

const ACTIONS = [
  'SCMP_ACT_KILL',
  'SCMP_ACT_KILL_PROCESS',
  'SCMP_ACT_KILL_THREAD',
  'SCMP_ACT_TRAP',
  'SCMP_ACT_ERRNO',
  'SCMP_ACT_TRACE',
  'SCMP_ACT_ALLOW',
  'SCMP_ACT_LOG',
  'SCMP_ACT_NOTIFY',
];
const ARCHES = [
  'SCMP_ARCH_NATIVE',
  'SCMP_ARCH_X86',
  'SCMP_ARCH_X86_64',
  'SCMP_ARCH_X32',
  'SCMP_ARCH_ARM',
  'SCMP_ARCH_AARCH64',
  'SCMP_ARCH_MIPS',
  'SCMP_ARCH_MIPS64',
  'SCMP_ARCH_MIPS64N32',
  'SCMP_ARCH_MIPSEL',
  'SCMP_ARCH_MIPSEL64',
  'SCMP_ARCH_MIPSEL64N32',
  'SCMP_ARCH_PPC',
  'SCMP_ARCH_PPC64',
  'SCMP_ARCH_PPC64LE',
  'SCMP_ARCH_S390',
  'SCMP_ARCH_S390X',
  'SCMP_ARCH_PARISC',
  'SCMP_ARCH_PARISC64',
  'SCMP_ARCH_RISCV64',
];
const FLAGS = [
  'SECCOMP_FILTER_FLAG_TSYNC',
  'SECCOMP_FILTER_FLAG_LOG',
  'SECCOMP_FILTER_FLAG_SPEC_ALLOW',
  'SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV',
];
const OPS = [
  'SCMP_CMP_NE',
  'SCMP_CMP_LT',
  'SCMP_CMP_LE',
  'SCMP_CMP_EQ',
  'SCMP_CMP_GE',
  'SCMP_CMP_GT',
  'SCMP_CMP_MASKED_EQ',
];

const str = (extra: JsonMap = {}): JsonMap => ({ type: 'string', ...extra });
const list = (items: JsonMap, extra: JsonMap = {}): JsonMap => ({ type: 'array', items, ...extra });
const obj = (properties: Record<string, JsonMap>, extra: JsonMap = {}): JsonMap => ({
  type: 'object',
  properties,
  ...extra,
});
const uint = (): JsonMap => ({ type: 'integer', minimum: 0 });

function versionAtLeast(version: string, than: string): boolean {
  const a = version.replace(/^v/, '').split('.').map(Number);
  const b = than.split('.').map(Number);
  for (let i = 0; i < 3; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0);
  return true;
}

/** The common spec fields: `disabled` before v1.0.0, `state` (defaulted) since. */
function specBase(v1: boolean): Record<string, JsonMap> {
  return v1
    ? { state: str({ enum: ['Enabled', 'Disabled'], default: 'Enabled' }) }
    : { disabled: { type: 'boolean' } };
}

function seccompSchema(v1: boolean): JsonMap {
  return obj({
    apiVersion: str(),
    kind: str(),
    metadata: { type: 'object' },
    spec: obj(
      {
        ...specBase(v1),
        baseProfileName: str(),
        defaultAction: str({ enum: ACTIONS }),
        architectures: list(str({ enum: ARCHES })),
        listenerPath: str({ pattern: '^/var/run/security-profiles-operator/[a-zA-Z0-9_\\-\\.]+$' }),
        listenerMetadata: str(),
        syscalls: list(
          obj(
            {
              names: list(str(), { minItems: 1 }),
              action: str({ enum: ACTIONS }),
              errnoRet: uint(),
              args: list(
                obj(
                  { index: uint(), value: uint(), valueTwo: uint(), op: str({ enum: OPS }) },
                  { required: ['index', 'op'] },
                ),
                { maxItems: 6 },
              ),
            },
            { required: ['action', 'names'] },
          ),
        ),
        flags: list(str({ enum: FLAGS })),
      },
      { required: ['defaultAction'] },
    ),
    status: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
  });
}

function apparmorSchema(version: string, v1: boolean): JsonMap {
  const abstract = obj({
    executable: obj({ allowedExecutables: list(str()), allowedLibraries: list(str()) }),
    filesystem: obj({ readOnlyPaths: list(str()), writeOnlyPaths: list(str()), readWritePaths: list(str()) }),
    network: obj({
      allowRaw: { type: 'boolean' },
      allowedProtocols: obj({ allowTcp: { type: 'boolean' }, allowUdp: { type: 'boolean' } }),
    }),
    capability: obj({ allowedCapabilities: list(str()) }),
  });
  const clusterScoped = versionAtLeast(version, '0.9.0');
  const textAndAbstract = versionAtLeast(version, '0.8.4');
  const spec: Record<string, JsonMap> = clusterScoped
    ? {
        ...specBase(versionAtLeast(version, '1.0.0')),
        abstract,
        ...(v1 || versionAtLeast(version, '1.0.0')
          ? { mode: str({ enum: ['Enforce', 'Complain'], default: 'Enforce' }) }
          : { complainMode: { type: 'boolean' } }),
      }
    : { ...specBase(false), policy: str(), ...(textAndAbstract ? { abstract } : {}) };
  return obj({
    apiVersion: str(),
    kind: str(),
    metadata: { type: 'object' },
    spec: obj(spec),
    status: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
  });
}

function crd(
  kind: string,
  plural: string,
  scope: 'Cluster' | 'Namespaced',
  versions: { name: string; storage: boolean; schema: JsonMap }[],
): JsonMap {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.${GROUP}` },
    spec: {
      group: GROUP,
      names: { kind, listKind: `${kind}List`, plural, singular: kind.toLowerCase() },
      scope,
      versions: versions.map((v) => ({
        name: v.name,
        served: true,
        storage: v.storage,
        schema: { openAPIV3Schema: v.schema },
        subresources: { status: {} },
      })),
    },
  };
}

/** The CRDs an operator version installs (0.4.0 and newer). */
export function operatorCrds(version: string): JsonMap[] {
  const v1 = versionAtLeast(version, '1.0.0');
  const scope = versionAtLeast(version, '0.9.0') ? 'Cluster' : 'Namespaced';
  return [
    crd(
      'SeccompProfile',
      'seccompprofiles',
      scope,
      v1
        ? [
            { name: 'v1', storage: true, schema: seccompSchema(true) },
            { name: 'v1beta1', storage: false, schema: seccompSchema(false) },
          ]
        : [{ name: 'v1beta1', storage: true, schema: seccompSchema(false) }],
    ),
    crd(
      'AppArmorProfile',
      'apparmorprofiles',
      scope,
      v1
        ? [
            { name: 'v1', storage: true, schema: apparmorSchema(version, true) },
            { name: 'v1alpha1', storage: false, schema: apparmorSchema(version, false) },
          ]
        : [{ name: 'v1alpha1', storage: true, schema: apparmorSchema(version, false) }],
    ),
  ];
}

/** What the operator's controller reports for a SeccompProfile it installed. */
export function seccompStatus(profile: JsonMap): JsonMap {
  const metadata = (profile.metadata ?? {}) as JsonMap;
  const name = textOf(metadata.name);
  const file = name.endsWith('.json') ? name : `${name}.json`;
  const namespace = typeof metadata.namespace === 'string' ? `${metadata.namespace}/` : '';
  return { status: 'Installed', localhostProfile: `operator/${namespace}${file}` };
}
