/** Baseline: no sharing of the host's network, PID or IPC namespaces. */
import { ALLOWED, forbid } from './types.js';
import type { Check, CheckResult, PodView } from './types.js';

function v1_0(pod: PodView): CheckResult {
  const shared: string[] = [];
  if (pod.spec.hostNetwork === true) shared.push('hostNetwork=true');
  if (pod.spec.hostPID === true) shared.push('hostPID=true');
  if (pod.spec.hostIPC === true) shared.push('hostIPC=true');
  return shared.length === 0 ? ALLOWED : forbid('host namespaces', shared.join(', '));
}

export const hostNamespaces: Check = {
  id: 'hostNamespaces',
  level: 'baseline',
  versions: [{ minimum: 0, check: v1_0 }],
};
