/** Restricted: containers must run as non-root (pod or container `runAsNonRoot: true`); skipped for user-namespace pods from 1.35. */
import { containersPhrase, inUserNamespace } from './pod.js';
import { ALLOWED, forbid } from './types.js';
import type { Check, CheckResult, PodView } from './types.js';

function v1_0(pod: PodView): CheckResult {
  const setters: string[] = [];
  let podNonRoot = false;
  const podValue = pod.securityContext?.runAsNonRoot;
  if (podValue !== undefined && podValue !== null) {
    if (podValue !== true) setters.push('pod');
    else podNonRoot = true;
  }
  const explicit: string[] = [];
  const implicit: string[] = [];
  for (const c of pod.containers) {
    const value = c.securityContext?.runAsNonRoot;
    if (value !== undefined && value !== null) {
      if (value !== true) explicit.push(c.name);
    } else if (!podNonRoot) {
      implicit.push(c.name);
    }
  }
  if (explicit.length > 0) setters.push(containersPhrase(explicit));
  if (setters.length > 0)
    return forbid(
      'runAsNonRoot != true',
      `${setters.join(' and ')} must not set securityContext.runAsNonRoot=false`,
    );
  if (implicit.length > 0)
    return forbid(
      'runAsNonRoot != true',
      `pod or ${containersPhrase(implicit)} must set securityContext.runAsNonRoot=true`,
    );
  return ALLOWED;
}

function v1_35(pod: PodView): CheckResult {
  return inUserNamespace(pod) ? ALLOWED : v1_0(pod);
}

export const runAsNonRoot: Check = {
  id: 'runAsNonRoot',
  level: 'restricted',
  versions: [
    { minimum: 0, check: v1_0 },
    { minimum: 35, check: v1_35 },
  ],
};
