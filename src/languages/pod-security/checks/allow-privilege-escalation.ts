/** Restricted: every container must set `allowPrivilegeEscalation: false` (1.8+; Windows pods exempt from 1.25). */
import { containersPhrase, namesWhere, isWindowsPod } from './pod.js';
import { ALLOWED, forbid } from './types.js';
import type { Check, CheckResult, PodView } from './types.js';

function v1_8(pod: PodView): CheckResult {
  const bad = namesWhere(pod, (c) => c.securityContext?.allowPrivilegeEscalation !== false);
  if (bad.length === 0) return ALLOWED;
  return forbid(
    'allowPrivilegeEscalation != false',
    `${containersPhrase(bad)} must set securityContext.allowPrivilegeEscalation=false`,
  );
}

function v1_25(pod: PodView): CheckResult {
  return isWindowsPod(pod) ? ALLOWED : v1_8(pod);
}

export const allowPrivilegeEscalation: Check = {
  id: 'allowPrivilegeEscalation',
  level: 'restricted',
  versions: [
    { minimum: 8, check: v1_8 },
    { minimum: 25, check: v1_25 },
  ],
};
