/** Baseline: no Windows HostProcess containers (pod or container `windowsOptions.hostProcess: true`). */
import { containersPhrase, namesWhere, field } from './pod.js';
import { ALLOWED, forbid } from './types.js';
import type { Check, CheckResult, PodView } from './types.js';

function v1_0(pod: PodView): CheckResult {
  const bad = namesWhere(pod, (c) => field(c.securityContext, 'windowsOptions', 'hostProcess') === true);
  const setters: string[] = [];
  if (field(pod.securityContext, 'windowsOptions', 'hostProcess') === true) setters.push('pod');
  if (bad.length > 0) setters.push(containersPhrase(bad));
  if (setters.length === 0) return ALLOWED;
  return forbid(
    'hostProcess',
    `${setters.join(' and ')} must not set securityContext.windowsOptions.hostProcess=true`,
  );
}

export const windowsHostProcess: Check = {
  id: 'windowsHostProcess',
  level: 'baseline',
  versions: [{ minimum: 0, check: v1_0 }],
};
