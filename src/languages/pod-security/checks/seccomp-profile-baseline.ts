/**
 * Baseline: seccomp may not be turned off. Before 1.19 PSA reads the alpha annotations; from 1.19
 * the `seccompProfile` fields (type RuntimeDefault or Localhost, or unset).
 */
import { asString, containersPhrase, field, goQuote, joinQuote, pluralize, sortedSet } from './pod.js';
import { ALLOWED, forbid } from './types.js';
import type { Check, CheckResult, PodView } from './types.js';

const POD_ANNOTATION = 'seccomp.security.alpha.kubernetes.io/pod';
const CONTAINER_ANNOTATION_PREFIX = 'container.seccomp.security.alpha.kubernetes.io/';

export function validSeccompType(type: unknown): boolean {
  return type === 'RuntimeDefault' || type === 'Localhost';
}

function validAnnotation(value: string): boolean {
  return value === 'runtime/default' || value === 'docker/default' || value.startsWith('localhost/');
}

function v1_0(pod: PodView): CheckResult {
  const forbidden: string[] = [];
  const podValue = pod.annotations[POD_ANNOTATION];
  if (podValue !== undefined && !validAnnotation(podValue))
    forbidden.push(`${POD_ANNOTATION}=${goQuote(podValue)}`);
  for (const c of pod.containers) {
    const key = CONTAINER_ANNOTATION_PREFIX + c.name;
    const value = pod.annotations[key];
    if (value !== undefined && !validAnnotation(value)) forbidden.push(`${key}=${goQuote(value)}`);
  }
  const list = sortedSet(forbidden);
  if (list.length === 0) return ALLOWED;
  return forbid(
    'seccompProfile',
    `forbidden ${pluralize('annotation', 'annotations', list.length)} ${list.join(', ')}`,
  );
}

/** Whether a securityContext sets a seccomp profile at all (a non-null `seccompProfile`). */
export function hasSeccompProfile(securityContext: unknown): boolean {
  const profile = field(securityContext as Record<string, unknown> | undefined, 'seccompProfile');
  return profile !== undefined && profile !== null;
}

function v1_19(pod: PodView): CheckResult {
  const setters: string[] = [];
  const values: string[] = [];
  if (hasSeccompProfile(pod.securityContext)) {
    const type = field(pod.securityContext, 'seccompProfile', 'type');
    if (!validSeccompType(type)) {
      setters.push('pod');
      values.push(asString(type));
    }
  }
  const bad: string[] = [];
  for (const c of pod.containers) {
    if (!hasSeccompProfile(c.securityContext)) continue;
    const type = field(c.securityContext, 'seccompProfile', 'type');
    if (!validSeccompType(type)) {
      bad.push(c.name);
      values.push(asString(type));
    }
  }
  if (bad.length > 0) setters.push(containersPhrase(bad));
  if (setters.length === 0) return ALLOWED;
  return forbid(
    'seccompProfile',
    `${setters.join(' and ')} must not set securityContext.seccompProfile.type to ${joinQuote(sortedSet(values))}`,
  );
}

export const seccompProfileBaseline: Check = {
  id: 'seccompProfile_baseline',
  level: 'baseline',
  versions: [
    { minimum: 0, check: v1_0 },
    { minimum: 19, check: v1_19 },
  ],
};
