/** Baseline: no host ports. */
import { asArray, asObj, containersPhrase, pluralize, sortedSet } from './pod.js';
import { ALLOWED, forbid } from './types.js';
import type { Check, CheckResult, PodView } from './types.js';
import { textOf } from '../../../core/text.js';

function v1_0(pod: PodView): CheckResult {
  const bad: string[] = [];
  const ports: string[] = [];
  for (const c of pod.containers) {
    let valid = true;
    for (const item of asArray(c.raw.ports)) {
      const hostPort = asObj(item)?.hostPort;
      if (hostPort !== undefined && hostPort !== null && hostPort !== 0) {
        valid = false;
        ports.push(textOf(hostPort));
      }
    }
    if (!valid) bad.push(c.name);
  }
  if (bad.length === 0) return ALLOWED;
  const list = sortedSet(ports);
  return forbid(
    'hostPort',
    `${containersPhrase(bad)} ${pluralize('uses', 'use', bad.length)} ${pluralize('hostPort', 'hostPorts', list.length)} ${list.join(', ')}`,
  );
}

export const hostPorts: Check = {
  id: 'hostPorts',
  level: 'baseline',
  versions: [{ minimum: 0, check: v1_0 }],
};
