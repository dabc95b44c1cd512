/**
 * How a target gets its AppArmor and seccomp profiles onto the nodes, and the one name mapping
 * that follows from it: a seccomp profile file of the repository -> the `localhostProfile` path a
 * pod must name. Lint, render, pod security, chs test and the preview all ask here, so the path a
 * policy allows, the file the nodes hold and the profile the preview evaluates are the same.
 *
 * - loader: the loader DaemonSet writes each profile into `<kubelet>/seccomp/container-host-security/`
 *   under its path below the seccomp directory, `/` written `__` (a ConfigMap key is flat):
 *   `policies/seccomp/api.json` -> `container-host-security/api.json`,
 *   `policies/seccomp/team/api.json` -> `container-host-security/team__api.json`.
 * - security-profiles-operator: a SeccompProfile object named after the same path (DNS name,
 *   without `.json`); the operator installs it where its `status.localhostProfile` says:
 *   `operator/NAME.json` since v0.9.0 (cluster-scoped profiles), `operator/NAMESPACE/NAME.json`
 *   before (one object per namespace of the target).
 */
import type { Config, TargetConfig } from './config.js';
import { globBase } from './glob.js';

/** Where the seccomp profiles are in the conventional layout (the seccomp language's default paths). */
export const DEFAULT_SECCOMP_PATHS: readonly string[] = ['policies/seccomp/**/*.json'];

/** The directory, below the kubelet's seccomp directory, where the loader installs profiles. */
const LOADER_SECCOMP_DIR = 'container-host-security';

const SPO_GROUP = 'security-profiles-operator.x-k8s.io';

/** The Security Profiles Operator version a target declares when it names none: its current API. */
const CURRENT_OPERATOR_VERSION = '1.0.0';

/**
 * What an operator version serves, from its API types (api/seccompprofile, api/apparmorprofile):
 * - v0.9.0 made every profile kind cluster-scoped (before: namespaced; the seccomp path carried
 *   the namespace), and replaced AppArmorProfile's raw `policy` text by an abstract policy;
 * - v1.0.0 added the v1 versions (storage), with AppArmorProfile `mode: Enforce|Complain`
 *   instead of v1alpha1's `complainMode`.
 */
export interface OperatorApi {
  version: string;
  seccompApiVersion: string;
  apparmorApiVersion: string;
  /** Profiles are cluster-scoped objects (v0.9.0 and newer). */
  clusterScoped: boolean;
  /** AppArmorProfile takes the profile as text (`spec.policy`, before v0.9.0), else an abstract policy. */
  apparmorPolicyText: boolean;
  /** How the AppArmor mode is written: `mode` (v1), `complainMode` (v0.9, v0.10), none (raw text). */
  apparmorMode: 'mode' | 'complainMode' | 'none';
}

export type Delivery = { kind: 'loader' } | { kind: 'security-profiles-operator'; operator: OperatorApi };

function versionParts(version: string): [number, number, number] {
  const [major = 0, minor = 0, patch = 0] = version.replace(/^v/, '').split('.').map(Number);
  return [major, minor, patch];
}

function atLeast(version: string, than: string): boolean {
  const a = versionParts(version);
  const b = versionParts(than);
  for (let i = 0; i < 3; i++)
    if ((a[i] as number) !== (b[i] as number)) return (a[i] as number) > (b[i] as number);
  return true;
}

function operatorApi(version: string = CURRENT_OPERATOR_VERSION): OperatorApi {
  const v1 = atLeast(version, '1.0.0');
  const clusterScoped = atLeast(version, '0.9.0');
  return {
    version: version.replace(/^v/, ''),
    seccompApiVersion: `${SPO_GROUP}/${v1 ? 'v1' : 'v1beta1'}`,
    apparmorApiVersion: `${SPO_GROUP}/${v1 ? 'v1' : 'v1alpha1'}`,
    clusterScoped,
    apparmorPolicyText: !clusterScoped,
    apparmorMode: v1 ? 'mode' : clusterScoped ? 'complainMode' : 'none',
  };
}

/** The delivery of a target (`loader` unless it says otherwise). */
export function deliveryOf(target: TargetConfig | undefined): Delivery {
  if (target?.delivery !== 'security-profiles-operator') return { kind: 'loader' };
  return { kind: 'security-profiles-operator', operator: operatorApi(target.operatorVersion) };
}

/** A DNS-1123 label from a file name: lower case, [a-z0-9-], at most 63 characters. */
function dnsName(text: string): string {
  const name = text
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/, '');
  return name === '' ? 'profile' : name;
}

/** A ConfigMap key from a relative path: `[-._a-zA-Z0-9]+`. */
export function configMapKey(relativePath: string): string {
  return relativePath.replace(/\//g, '__').replace(/[^-._a-zA-Z0-9]/g, '-');
}

/** A profile's path below the seccomp directory: the static part of the first glob it is under. */
function seccompRelativePath(config: Pick<Config, 'paths'>, repoPath: string): string {
  for (const glob of config.paths.seccomp ?? DEFAULT_SECCOMP_PATHS) {
    const base = globBase(glob);
    if (base === '.') return repoPath;
    if (repoPath.startsWith(`${base}/`)) return repoPath.slice(base.length + 1);
  }
  return repoPath;
}

/** The name of a profile on the nodes (loader) and of its SeccompProfile object (operator). */
export function seccompProfileName(
  config: Pick<Config, 'paths'>,
  repoPath: string,
  delivery: Delivery,
): string {
  const rel = seccompRelativePath(config, repoPath);
  return delivery.kind === 'loader' ? configMapKey(rel) : dnsName(rel.replace(/\.json$/i, ''));
}

/** The namespaces a target's namespaced operator objects go to. */
export function operatorNamespaces(target: TargetConfig, chsNamespace: string): string[] {
  return target.namespaces && target.namespaces.length > 0 ? target.namespaces : [chsNamespace];
}

export interface LocalhostPath {
  /** What `securityContext.seccompProfile.localhostProfile` names. */
  path: string;
  /** The namespace whose object installs it (operators before v0.9.0). */
  namespace?: string;
}

/** Every path under which a target's nodes hold a profile of the repository. */
export function seccompLocalhostPaths(
  config: Pick<Config, 'paths' | 'render'>,
  target: TargetConfig,
  repoPath: string,
): LocalhostPath[] {
  const delivery = deliveryOf(target);
  const name = seccompProfileName(config, repoPath, delivery);
  if (delivery.kind === 'loader') return [{ path: `${LOADER_SECCOMP_DIR}/${name}` }];
  if (delivery.operator.clusterScoped) return [{ path: `operator/${name}.json` }];
  return operatorNamespaces(target, config.render.namespace).map((namespace) => ({
    path: `operator/${namespace}/${name}.json`,
    namespace,
  }));
}

/** The paths pods name a profile by, across the given targets (each once, in order). */
export function seccompPathsOn(
  config: Pick<Config, 'paths' | 'render'>,
  targets: readonly TargetConfig[],
  repoPath: string,
): string[] {
  return [...new Set(targets.flatMap((t) => seccompLocalhostPaths(config, t, repoPath).map((p) => p.path)))];
}

/**
 * The repository profile a pod's `localhostProfile` names on a target, if any: the reverse of
 * the mapping, over the repository's profile paths.
 */
export function seccompProfileAt(
  config: Pick<Config, 'paths' | 'render'>,
  target: TargetConfig | undefined,
  localhostProfile: string,
  repoPaths: Iterable<string>,
): string | undefined {
  if (!target) return undefined;
  for (const repoPath of repoPaths)
    if (seccompLocalhostPaths(config, target, repoPath).some((p) => p.path === localhostProfile))
      return repoPath;
  return undefined;
}
