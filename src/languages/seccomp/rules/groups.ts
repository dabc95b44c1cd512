/** Rules of a profile grouped by system call and Docker condition, for the duplicate and conflict checks. */
import { EPERM, sameAction } from '../actions.js';
import { comparisonsKey, filterRules } from '../filter.js';
import type { FilterRule } from '../filter.js';
import type { ArgComparison, Runtime, SeccompProfile } from '../profile.js';

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
  // One list per name and condition under one key, and the comparison keys computed once per
  // entry: a profile of 750,000 names made a Map, two keys and a closure for each name.
  const groups = new Map<string, GroupedRule[]>();
  const keys = new Map<readonly ArgComparison[], { key: string; comparisonKeys: string[] }>();
  for (const rule of filterRules(profile, { runtime })) {
    let known = keys.get(rule.comparisons);
    if (!known) {
      const sorted =
        rule.comparisons.length < 2
          ? rule.comparisons
          : [...rule.comparisons].sort((a, b) => a.index.value - b.index.value);
      known = {
        key: comparisonsKey(rule.comparisons),
        comparisonKeys: sorted.map((c) => comparisonsKey([c])),
      };
      keys.set(rule.comparisons, known);
    }
    const grouped: GroupedRule = Object.assign(rule, {
      key: known.key,
      comparisonKeys: known.comparisonKeys,
      sameOutcome,
    });
    const key = `${rule.name.value}\0${rule.conditionKey}`;
    const list = groups.get(key);
    if (list) list.push(grouped);
    else groups.set(key, [grouped]);
  }
  return [...groups.values()];
}

function sameOutcome(this: FilterRule, other: FilterRule): boolean {
  return sameAction(this.action, other.action) && (this.errno ?? EPERM) === (other.errno ?? EPERM);
}
