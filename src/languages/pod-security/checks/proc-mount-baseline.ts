/**
 * Baseline: the default /proc masks stay (procMount unset or `Default`). From 1.35 a pod in a user
 * namespace (`hostUsers: false`) may set any procMount.
 */
import { asString, containersPhrase, inUserNamespace, joinQuote, sortedSet } from './pod.js';
import { ALLOWED, forbid } from './types.js';
import type { Check, CheckResult, PodView } from './types.js';

/** The unconditional rule, shared with the restricted `procMount_restricted` check. */
export function procMountV1_0(pod: PodView): CheckResult {
  const bad: string[] = [];
  const types: string[] = [];
  for (const c of pod.containers) {
    const procMount = c.securityContext?.procMount;
    if (procMount === undefined || procMount === null) continue;
    if (procMount !== 'Default') {
      bad.push(c.name);
      types.push(asString(procMount));
    }
  }
  if (bad.length === 0) return ALLOWED;
  return forbid(
    'procMount',
    `${containersPhrase(bad)} must not set securityContext.procMount to ${joinQuote(sortedSet(types))}`,
  );
}

function v1_35(pod: PodView): CheckResult {
  return inUserNamespace(pod) ? ALLOWED : procMountV1_0(pod);
}

export const procMountBaseline: Check = {
  id: 'procMount',
  level: 'baseline',
  versions: [
    { minimum: 0, check: procMountV1_0 },
    { minimum: 35, check: v1_35 },
  ],
};
