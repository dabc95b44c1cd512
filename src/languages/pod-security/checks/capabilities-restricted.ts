/** Restricted: containers must drop ALL and may add back only NET_BIND_SERVICE (1.22+; Windows pods exempt from 1.25). */
import { asArray, asObj, asString, containersPhrase, isWindowsPod, joinQuote, sortedSet } from './pod.js';
import { ALLOWED, forbid } from './types.js';
import type { Check, CheckResult, PodView } from './types.js';

function v1_22(pod: PodView): CheckResult {
  const missingDropAll: string[] = [];
  const adding: string[] = [];
  const forbidden: string[] = [];
  for (const c of pod.containers) {
    const caps = asObj(c.securityContext?.capabilities);
    if (!caps) {
      missingDropAll.push(c.name);
      continue;
    }
    if (!asArray(caps.drop).some((d) => d === 'ALL')) missingDropAll.push(c.name);
    let addedForbidden = false;
    for (const cap of asArray(caps.add)) {
      if (cap !== 'NET_BIND_SERVICE') {
        addedForbidden = true;
        forbidden.push(asString(cap));
      }
    }
    if (addedForbidden) adding.push(c.name);
  }
  const details: string[] = [];
  if (missingDropAll.length > 0)
    details.push(`${containersPhrase(missingDropAll)} must set securityContext.capabilities.drop=["ALL"]`);
  if (adding.length > 0)
    details.push(
      `${containersPhrase(adding)} must not include ${joinQuote(sortedSet(forbidden))} in securityContext.capabilities.add`,
    );
  return details.length === 0 ? ALLOWED : forbid('unrestricted capabilities', details.join('; '));
}

function v1_25(pod: PodView): CheckResult {
  return isWindowsPod(pod) ? ALLOWED : v1_22(pod);
}

export const capabilitiesRestricted: Check = {
  id: 'capabilities_restricted',
  level: 'restricted',
  versions: [
    { minimum: 22, check: v1_22, overrides: ['capabilities_baseline'] },
    { minimum: 25, check: v1_25, overrides: ['capabilities_baseline'] },
  ],
};
