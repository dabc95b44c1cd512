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
  // The duplicate and conflict checks both ask: compute once per profile and runtime.
  const cached = cache.get(profile);
  if (cached?.runtime === runtime) return cached.groups;
  const groups = computeGroups(profile, runtime);
  cache.set(profile, { runtime, groups });
  return groups;
}

const cache = new WeakMap<SeccompProfile, { runtime: Runtime; groups: GroupedRule[][] }>();

function computeGroups(profile: SeccompProfile, runtime: Runtime): GroupedRule[][] {
  const byName = new Map<string, Map<string, GroupedRule[]>>();
  for (const rule of filterRules(profile, { runtime })) {
    const sorted =
      rule.comparisons.length < 2
        ? rule.comparisons
        : [...rule.comparisons].sort((a, b) => a.index.value - b.index.value);
    const grouped: GroupedRule = Object.assign(rule, {
      key: comparisonsKey(rule.comparisons),
      comparisonKeys: sorted.map((c) => comparisonsKey([c])),
      sameOutcome: (other: FilterRule) =>
        sameAction(rule.action, other.action) && (rule.errno ?? EPERM) === (other.errno ?? EPERM),
    });
    let byCondition = byName.get(rule.name.value);
    if (!byCondition) byName.set(rule.name.value, (byCondition = new Map<string, GroupedRule[]>()));
    const list = byCondition.get(rule.conditionKey);
    if (list) list.push(grouped);
    else byCondition.set(rule.conditionKey, [grouped]);
  }
  return [...byName.values()].flatMap((byCondition) => [...byCondition.values()]);
}
