/** The project's pod security policy kind (`container-host-security/v1`, `PodSecurity`) as a model. */
import type { Range } from '../../core/diagnostic.js';
import type { Mode } from '../../core/kinds.js';
import type { YamlNode } from '../../core/yaml.js';
import type { PodView } from './checks/types.js';
import { LATEST } from './version.js';
import type { PolicyVersion, PssLevel } from './version.js';

export const POLICY_API_VERSION = 'container-host-security/v1';
export const POLICY_KIND = 'PodSecurity';

export interface ProfileControl {
  required?: boolean;
  allowedProfiles?: string[];
}

/** Explicit controls; each one present is a requirement on every pod the policy applies to. */
export interface Controls {
  runAsNonRoot?: true;
  privileged?: false;
  allowPrivilegeEscalation?: false;
  readOnlyRootFilesystem?: true;
  hostNamespaces?: false;
  capabilities?: { dropAll?: boolean; allowed?: string[] };
  seccomp?: ProfileControl;
  appArmor?: ProfileControl;
  hostPorts?: { allowed: { min: number; max: number }[] };
  hostPaths?: { allowed: { pathPrefix: string; readOnly?: boolean }[] };
  volumes?: { allowed: string[] };
  sysctls?: { allowed: string[] };
  procMount?: { allowed: string[] };
  seLinux?: { allowedTypes: string[] };
  userNamespaces?: { required: boolean };
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: {
    key: string;
    operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
    values?: string[];
  }[];
}

export interface PolicySpec {
  mode?: Mode;
  level?: PssLevel;
  version?: string;
  namespaces?: string[];
  namespaceSelector?: LabelSelector;
  exemptions?: { namespaces?: string[]; runtimeClassNames?: string[]; usernames?: string[] };
  controls?: Controls;
}

export interface PolicyDocument {
  apiVersion: string;
  kind: string;
  metadata: { name: string; description?: string };
  spec: PolicySpec;
}

function selectorMatches(selector: LabelSelector, labels: Readonly<Record<string, string>>): boolean {
  for (const [key, value] of Object.entries(selector.matchLabels ?? {}))
    if (labels[key] !== value) return false;
  for (const e of selector.matchExpressions ?? []) {
    const has = Object.hasOwn(labels, e.key);
    const value = labels[e.key];
    if (e.operator === 'Exists' && !has) return false;
    if (e.operator === 'DoesNotExist' && has) return false;
    if (e.operator === 'In' && !(has && (e.values ?? []).includes(value as string))) return false;
    if (e.operator === 'NotIn' && has && (e.values ?? []).includes(value as string)) return false;
  }
  return true;
}

/**
 * Where chs deploys pod security policies, the one definition every command uses (lint, check,
 * test, the preview and render): a policy that names no namespaces and selects none applies to
 * its targets' namespaces (every namespace when a target names none), and never to chs's own
 * namespace, where the profile loader runs privileged.
 */
export interface PolicyScope {
  /** The namespaces of the targets; undefined when a target names none (every namespace). */
  targetNamespaces?: readonly string[];
  /** chs's own namespace (chs.yaml `render.namespace`, by default `container-host-security`). */
  ownNamespace: string;
}

/** The scope of a configuration's targets (a namespace is in scope when any target binds there). */
export function scopeOf(config: {
  targets: readonly { namespaces?: readonly string[] }[];
  render: { namespace: string };
}): PolicyScope {
  const everywhere = config.targets.some((t) => !t.namespaces || t.namespaces.length === 0);
  return everywhere
    ? { ownNamespace: config.render.namespace }
    : {
        ownNamespace: config.render.namespace,
        targetNamespaces: [...new Set(config.targets.flatMap((t) => t.namespaces ?? []))],
      };
}

export class PodSecurityPolicy {
  readonly name: string;
  readonly level: PssLevel | undefined;
  readonly version: PolicyVersion;
  readonly controls: Controls;

  constructor(
    readonly document: PolicyDocument,
    version: PolicyVersion,
    /** Where the policy was read from (for findings); absent for policies built in code. */
    readonly file?: string,
    readonly root?: YamlNode | null,
    /** The range of the YAML document, for findings about the whole policy. */
    readonly range?: Range,
  ) {
    this.name = document.metadata.name;
    this.level = document.spec.level;
    this.version = version ?? LATEST;
    this.controls = document.spec.controls ?? {};
  }

  get spec(): PolicySpec {
    return this.document.spec;
  }

  /** The name of the rendered ValidatingAdmissionPolicy and its binding. */
  get renderedName(): string {
    return `chs-${this.name}`;
  }

  /** Whether the policy applies to a pod in a namespace (exemptions that need a user are not known here). */
  appliesTo(
    namespace: string,
    namespaceLabels: Readonly<Record<string, string>>,
    pod?: PodView,
    scope?: PolicyScope,
  ): boolean {
    return this.appliesBesidesLabels(namespace, pod, scope) && this.selects(namespace, namespaceLabels);
  }

  /** Whether the policy applies, but for its namespaceSelector (which needs the namespace's labels). */
  appliesBesidesLabels(namespace: string, pod?: PodView, scope?: PolicyScope): boolean {
    const spec = this.spec;
    if (scope && namespace === scope.ownNamespace) return false;
    if (spec.exemptions?.namespaces?.includes(namespace)) return false;
    if (scope?.targetNamespaces && !spec.namespaces && !spec.namespaceSelector && !scope.targetNamespaces.includes(namespace))
      return false;
    if (spec.namespaces && !spec.namespaces.includes(namespace)) return false;
    const runtimeClass = pod?.spec.runtimeClassName;
    if (typeof runtimeClass === 'string' && spec.exemptions?.runtimeClassNames?.includes(runtimeClass))
      return false;
    return true;
  }

  /** Whether the namespaceSelector (if any) selects a namespace with these labels. */
  selects(namespace: string, namespaceLabels: Readonly<Record<string, string>>): boolean {
    const selector = this.spec.namespaceSelector;
    if (!selector) return true;
    return selectorMatches(selector, { 'kubernetes.io/metadata.name': namespace, ...namespaceLabels });
  }
}
