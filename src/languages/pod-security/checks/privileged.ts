/** Baseline: no privileged containers. */
import { containersPhrase, namesWhere } from './pod.js';
import { ALLOWED, forbid } from './types.js';
import type { Check, CheckResult, PodView } from './types.js';

function v1_0(pod: PodView): CheckResult {
  const bad = namesWhere(pod, (c) => c.securityContext?.privileged === true);
  if (bad.length === 0) return ALLOWED;
  return forbid('privileged', `${containersPhrase(bad)} must not set securityContext.privileged=true`);
}

export const privileged: Check = {
  id: 'privileged',
  level: 'baseline',
  versions: [{ minimum: 0, check: v1_0 }],
};
