/** Baseline: no hostPath volumes. */
import { asArray, asObj, asString, joinQuote, pluralize } from './pod.js';
import { ALLOWED, forbid } from './types.js';
import type { Check, CheckResult, PodView } from './types.js';

function v1_0(pod: PodView): CheckResult {
  const names: string[] = [];
  for (const item of asArray(pod.spec.volumes)) {
    const volume = asObj(item);
    if (volume && volume.hostPath !== undefined && volume.hostPath !== null)
      names.push(asString(volume.name));
  }
  if (names.length === 0) return ALLOWED;
  return forbid('hostPath volumes', `${pluralize('volume', 'volumes', names.length)} ${joinQuote(names)}`);
}

export const hostPathVolumes: Check = {
  id: 'hostPathVolumes',
  level: 'baseline',
  versions: [{ minimum: 0, check: v1_0 }],
};
