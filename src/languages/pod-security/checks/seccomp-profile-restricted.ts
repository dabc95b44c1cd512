/** Restricted (1.19+): a seccomp profile of type RuntimeDefault or Localhost must apply to every container (Windows pods exempt from 1.25). */
import { asString, containersPhrase, field, isWindowsPod, joinQuote, sortedSet } from './pod.js';
import { hasSeccompProfile, validSeccompType } from './seccomp-profile-baseline.js';
import { ALLOWED, forbid } from './types.js';
import type { Check, CheckResult, PodView } from './types.js';

function v1_19(pod: PodView): CheckResult {
  const setters: string[] = [];
  const values: string[] = [];
  let podSet = false;
  if (hasSeccompProfile(pod.securityContext)) {
    const type = field(pod.securityContext, 'seccompProfile', 'type');
    if (!validSeccompType(type)) {
      setters.push('pod');
      values.push(asString(type));
    } else {
      podSet = true;
    }
  }
  const explicit: string[] = [];
  const implicit: string[] = [];
  for (const c of pod.containers) {
    if (hasSeccompProfile(c.securityContext)) {
      const type = field(c.securityContext, 'seccompProfile', 'type');
      if (!validSeccompType(type)) {
        explicit.push(c.name);
        values.push(asString(type));
      }
    } else if (!podSet) {
      implicit.push(c.name);
    }
  }
  if (explicit.length > 0) setters.push(containersPhrase(explicit));
  if (setters.length > 0)
    return forbid(
      'seccompProfile',
      `${setters.join(' and ')} must not set securityContext.seccompProfile.type to ${joinQuote(sortedSet(values))}`,
    );
  if (implicit.length > 0)
    return forbid(
      'seccompProfile',
      `pod or ${containersPhrase(implicit)} must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"`,
    );
  return ALLOWED;
}

function v1_25(pod: PodView): CheckResult {
  return isWindowsPod(pod) ? ALLOWED : v1_19(pod);
}

export const seccompProfileRestricted: Check = {
  id: 'seccompProfile_restricted',
  level: 'restricted',
  versions: [
    { minimum: 19, check: v1_19, overrides: ['seccompProfile_baseline'] },
    { minimum: 25, check: v1_25, overrides: ['seccompProfile_baseline'] },
  ],
};
