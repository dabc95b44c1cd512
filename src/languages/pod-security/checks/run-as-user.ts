/** Restricted (1.23+): no `runAsUser: 0`; skipped for user-namespace pods from 1.35. */
import { containersPhrase, inUserNamespace } from './pod.js';
import { ALLOWED, forbid } from './types.js';
import type { Check, CheckResult, PodView } from './types.js';

function v1_23(pod: PodView): CheckResult {
  const setters: string[] = [];
  if (pod.securityContext?.runAsUser === 0) setters.push('pod');
  const bad = pod.containers.filter((c) => c.securityContext?.runAsUser === 0).map((c) => c.name);
  if (bad.length > 0) setters.push(containersPhrase(bad));
  if (setters.length === 0) return ALLOWED;
  return forbid('runAsUser=0', `${setters.join(' and ')} must not set runAsUser=0`);
}

function v1_35(pod: PodView): CheckResult {
  return inUserNamespace(pod) ? ALLOWED : v1_23(pod);
}

export const runAsUser: Check = {
  id: 'runAsUser',
  level: 'restricted',
  versions: [
    { minimum: 23, check: v1_23 },
    { minimum: 35, check: v1_35 },
  ],
};
