/** Baseline: containers may add only capabilities from the container runtime's default set. */
import { asArray, asString, containersPhrase, field, joinQuote, sortedSet } from './pod.js';
import { ALLOWED, forbid } from './types.js';
import type { Check, CheckResult, PodView } from './types.js';

export const DEFAULT_CAPABILITIES: ReadonlySet<string> = new Set([
  'AUDIT_WRITE',
  'CHOWN',
  'DAC_OVERRIDE',
  'FOWNER',
  'FSETID',
  'KILL',
  'MKNOD',
  'NET_BIND_SERVICE',
  'SETFCAP',
  'SETGID',
  'SETPCAP',
  'SETUID',
  'SYS_CHROOT',
]);

function v1_0(pod: PodView): CheckResult {
  const bad: string[] = [];
  const capabilities: string[] = [];
  for (const c of pod.containers) {
    let valid = true;
    for (const cap of asArray(field(c.securityContext, 'capabilities', 'add'))) {
      const name = asString(cap);
      if (!DEFAULT_CAPABILITIES.has(name)) {
        valid = false;
        capabilities.push(name);
      }
    }
    if (!valid) bad.push(c.name);
  }
  if (bad.length === 0) return ALLOWED;
  return forbid(
    'non-default capabilities',
    `${containersPhrase(bad)} must not include ${joinQuote(sortedSet(capabilities))} in securityContext.capabilities.add`,
  );
}

export const capabilitiesBaseline: Check = {
  id: 'capabilities_baseline',
  level: 'baseline',
  versions: [{ minimum: 0, check: v1_0 }],
};
