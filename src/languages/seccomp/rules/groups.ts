/** Rules of a profile grouped by system call and Docker condition, for the duplicate and conflict checks. */
import { EPERM, sameAction } from '../actions.js';
import { comparisonsKey, filterRules } from '../filter.js';
import type { FilterRule } from '../filter.js';
import type { Runtime, SeccompProfile } from '../profile.js';

export interface GroupedRule extends FilterRule {
  /** The comparisons as a key: equal keys match exactly the same calls. */
  key: string;
  /** Each comparison as a key, by argument index (the order of libseccomp's chain). */
  comparisonKeys: string[];
  sameOutcome(other: FilterRule): boolean;
}

/**
 * Same call, same Docker includes/excludes: rules that always apply together, in file order.
 * Rules equal to the default action are left out, as runc leaves them out.
 */
export function ruleGroups(profile: SeccompProfile, runtime: Runtime): GroupedRule[][] {
  const groups = new Map<string, GroupedRule[]>();
  for (const rule of filterRules(profile, { runtime })) {
    const grouped: GroupedRule = {
      ...rule,
      key: comparisonsKey(rule.comparisons),
      comparisonKeys: [...rule.comparisons]
        .sort((a, b) => a.index.value - b.index.value)
        .map((c) => comparisonsKey([c])),
      sameOutcome: (other) =>
        sameAction(rule.action, other.action) && (rule.errno ?? EPERM) === (other.errno ?? EPERM),
    };
    const id = `${rule.name.value}\u0000${rule.conditionKey}`;
    const list = groups.get(id) ?? [];
    list.push(grouped);
    groups.set(id, list);
  }
  return [...groups.values()];
}
