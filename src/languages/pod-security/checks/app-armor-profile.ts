/**
 * Baseline: AppArmor may not be turned off. Both channels count: the `appArmorProfile` fields (type
 * RuntimeDefault or Localhost) and the deprecated per-container annotations (empty,
 * `runtime/default` or `localhost/...`). PSA patched the field check into its 1.0 revision.
 */
import { containersPhrase, goQuote, joinQuote, pluralize, sortedSet, asString, field } from './pod.js';
import { ALLOWED, forbid } from './types.js';
import type { Check, CheckResult, PodView } from './types.js';

export const APPARMOR_ANNOTATION_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';

function allowedType(type: unknown): boolean {
  return type === 'RuntimeDefault' || type === 'Localhost';
}

function allowedAnnotation(value: string): boolean {
  return value === '' || value === 'runtime/default' || value.startsWith('localhost/');
}

function v1_0(pod: PodView): CheckResult {
  const setters: string[] = [];
  const badTypes: string[] = [];
  const podProfile = field(pod.securityContext, 'appArmorProfile');
  if (podProfile !== undefined && podProfile !== null) {
    const type = field(pod.securityContext, 'appArmorProfile', 'type');
    if (!allowedType(type)) {
      setters.push('pod');
      badTypes.push(asString(type));
    }
  }
  const badContainers: string[] = [];
  for (const c of pod.containers) {
    const profile = c.securityContext?.appArmorProfile;
    if (profile === undefined || profile === null) continue;
    const type = field(c.securityContext, 'appArmorProfile', 'type');
    if (!allowedType(type)) {
      badContainers.push(c.name);
      badTypes.push(asString(type));
    }
  }
  if (badContainers.length > 0) setters.push(containersPhrase(badContainers));
  const badAnnotations: string[] = [];
  for (const [key, value] of Object.entries(pod.annotations)) {
    if (key.startsWith(APPARMOR_ANNOTATION_PREFIX) && !allowedAnnotation(value))
      badAnnotations.push(`${key}=${goQuote(value)}`);
  }
  const values = sortedSet(badTypes);
  if (badAnnotations.length > 0) {
    badAnnotations.sort();
    values.push(...badAnnotations);
    setters.push(pluralize('annotation', 'annotations', badAnnotations.length));
  }
  if (setters.length === 0) return ALLOWED;
  return forbid(
    pluralize('forbidden AppArmor profile', 'forbidden AppArmor profiles', values.length),
    `${setters.join(' and ')} must not set AppArmor profile type to ${joinQuote(values)}`,
  );
}

export const appArmorProfile: Check = {
  id: 'appArmorProfile',
  level: 'baseline',
  versions: [{ minimum: 0, check: v1_0 }],
};
