/**
 * Rendering pod security policies as Kubernetes objects: Pod Security Admission namespace labels
 * where a level applies to namespaces named one by one, and a ValidatingAdmissionPolicy with its
 * binding for everything else (explicit controls, and levels with selectors or exemptions that
 * labels cannot express). Output is plain JSON objects in a deterministic order.
 */
import type { Mode } from '../../core/kinds.js';
import { POD_VARIABLES, celList } from './cel.js';
import { levelValidations } from './cel-levels.js';
import { activeControls } from './controls.js';
import type { LabelSelector, PodSecurityPolicy } from './policy.js';
import type { PssLevel } from './version.js';

export interface KubernetesObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: Record<string, unknown>;
}

export interface RenderOptions {
  /** The mode of policies that set none (the target's, else monitor). */
  mode: Mode;
  /** The target's namespaces: policies that name none apply to these. */
  namespaces?: readonly string[];
  /** chs's own namespace, exempt from every policy (`PolicyScope`). */
  ownNamespace?: string;
}

const MANAGED_BY = { 'app.kubernetes.io/managed-by': 'container-host-security' } as const;
const NAME_LABEL = 'kubernetes.io/metadata.name';
const LEVEL_RANK: Record<PssLevel, number> = { privileged: 0, baseline: 1, restricted: 2 };

const RESOURCE_RULES = [
  { apiGroups: [''], apiVersions: ['v1'], resources: ['pods', 'podtemplates', 'replicationcontrollers'] },
  {
    apiGroups: ['apps'],
    apiVersions: ['v1'],
    resources: ['daemonsets', 'deployments', 'replicasets', 'statefulsets'],
  },
  { apiGroups: ['batch'], apiVersions: ['v1'], resources: ['cronjobs', 'jobs'] },
].map((rule) => ({ ...rule, operations: ['CREATE', 'UPDATE'] }));

/** The namespaces a policy applies to by name, when it names them (or the target does). */
function namedNamespaces(policy: PodSecurityPolicy, options: RenderOptions): string[] | undefined {
  const names = policy.spec.namespaces ?? (policy.spec.namespaceSelector ? undefined : options.namespaces);
  if (!names) return undefined;
  const exempt = new Set([...(policy.spec.exemptions?.namespaces ?? []), ...(options.ownNamespace ? [options.ownNamespace] : [])]);
  return names.filter((n) => !exempt.has(n));
}

/** Whether the policy's level can be deployed as namespace labels. */
function levelAsLabels(policy: PodSecurityPolicy, options: RenderOptions): boolean {
  const exemptions = policy.spec.exemptions;
  return (
    namedNamespaces(policy, options) !== undefined &&
    !policy.spec.namespaceSelector &&
    !(exemptions?.runtimeClassNames?.length ?? 0) &&
    !(exemptions?.usernames?.length ?? 0)
  );
}

function namespaceSelector(policy: PodSecurityPolicy, options: RenderOptions): LabelSelector {
  const selector: LabelSelector = structuredClone(policy.spec.namespaceSelector ?? {});
  const expressions = [...(selector.matchExpressions ?? [])];
  const own = options.ownNamespace;
  const names = (
    policy.spec.namespaces ?? (policy.spec.namespaceSelector ? undefined : options.namespaces)
  )?.filter((n) => n !== own);
  if (names) expressions.push({ key: NAME_LABEL, operator: 'In', values: [...names].sort() });
  // chs's own namespace, where the profile loader runs privileged: never bound (PolicyScope).
  const exempt = [...new Set([...(policy.spec.exemptions?.namespaces ?? []), ...(own && !names ? [own] : [])])];
  if (exempt.length > 0)
    expressions.push({ key: NAME_LABEL, operator: 'NotIn', values: [...exempt].sort() });
  if (expressions.length > 0) selector.matchExpressions = expressions;
  return selector;
}

function matchConditions(policy: PodSecurityPolicy): { name: string; expression: string }[] {
  const conditions: { name: string; expression: string }[] = [];
  const runtimeClasses = policy.spec.exemptions?.runtimeClassNames ?? [];
  if (runtimeClasses.length > 0) {
    conditions.push({
      name: 'exempt-runtime-classes',
      expression: `!((object.kind == 'Pod' ? object.spec : object.kind == 'CronJob' ? object.spec.jobTemplate.spec.template.spec : object.kind == 'PodTemplate' ? object.template.spec : object.spec.template.spec).?runtimeClassName.orValue('') in ${celList(runtimeClasses)})`,
    });
  }
  const users = policy.spec.exemptions?.usernames ?? [];
  if (users.length > 0)
    conditions.push({
      name: 'exempt-usernames',
      expression: `!(request.userInfo.username in ${celList(users)})`,
    });
  return conditions;
}

/** The validations of a policy's ValidatingAdmissionPolicy (empty when labels carry everything). */
function policyValidations(
  policy: PodSecurityPolicy,
  options: RenderOptions,
): { expression: string; message: string; reason: string }[] {
  const validations: { expression: string; message: string; reason: string }[] = [];
  if (policy.level && policy.level !== 'privileged' && !levelAsLabels(policy, options)) {
    for (const v of levelValidations(policy.level, policy.version.minor)) {
      validations.push({
        expression: v.expression,
        message: `violates PodSecurity "${policy.level}:${policy.version.text}": ${v.check}`,
        reason: 'Forbidden',
      });
    }
  }
  for (const { rule, value } of activeControls(policy.controls)) {
    validations.push({
      expression: (rule.cel as (value: unknown) => string)(value),
      message: `${policy.name}: ${rule.reason}`,
      reason: 'Forbidden',
    });
  }
  return validations;
}

/** The Kubernetes objects that deploy the policies: namespaces first, then each policy's admission policy and binding. */
export function renderPodSecurity(
  policies: readonly PodSecurityPolicy[],
  options: RenderOptions,
): KubernetesObject[] {
  const sorted = [...policies].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const labels = new Map<string, Record<string, string>>();
  const admission: KubernetesObject[] = [];
  for (const policy of sorted) {
    const mode = policy.spec.mode ?? options.mode;
    if (policy.level && policy.level !== 'privileged' && levelAsLabels(policy, options)) {
      for (const namespace of namedNamespaces(policy, options) ?? []) {
        const current = labels.get(namespace) ?? {};
        const modes = mode === 'block' ? ['enforce', 'warn', 'audit'] : ['warn', 'audit'];
        for (const m of modes) {
          const key = `pod-security.kubernetes.io/${m}`;
          const existing = current[key] as PssLevel | undefined;
          if (existing && LEVEL_RANK[existing] >= LEVEL_RANK[policy.level]) continue;
          current[key] = policy.level;
          current[`${key}-version`] = policy.version.text;
        }
        labels.set(namespace, current);
      }
    }
    const validations = policyValidations(policy, options);
    if (validations.length === 0) continue;
    const name = policy.renderedName;
    const conditions = matchConditions(policy);
    admission.push({
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicy',
      metadata: { name, labels: { ...MANAGED_BY } },
      spec: {
        failurePolicy: mode === 'block' ? 'Fail' : 'Ignore',
        matchConstraints: { resourceRules: RESOURCE_RULES },
        ...(conditions.length > 0 ? { matchConditions: conditions } : {}),
        variables: POD_VARIABLES.map((v) => ({ ...v })),
        validations,
      },
    });
    admission.push({
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicyBinding',
      metadata: { name, labels: { ...MANAGED_BY } },
      spec: {
        policyName: name,
        validationActions: mode === 'block' ? ['Deny'] : ['Warn', 'Audit'],
        matchResources: { namespaceSelector: namespaceSelector(policy, options) },
      },
    });
  }
  const namespaces: KubernetesObject[] = [...labels.keys()].sort().map((name) => ({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name, labels: Object.fromEntries(Object.entries(labels.get(name) ?? {}).sort()) },
  }));
  return [...namespaces, ...admission];
}
