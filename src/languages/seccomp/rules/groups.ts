/** Rules of a profile grouped by system call and Docker condition, for the duplicate and conflict checks. */
import { EPERM, sameAction } from '../actions.js';
import { comparisonsKey, eachFilterRule } from '../filter.js';
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
 * Same call, same Docker includes/excludes: rules that always apply together, in file order; only
 * the groups of two rules or more (one rule alone neither repeats nor contradicts). Rules equal to
 * the default action are left out, as runc leaves them out.
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
  // Only a call with two rules or more under one condition can repeat or contradict itself: the
  // rules are counted first and only those are kept. A profile of 750,000 names made a rule, a
  // key and a list per name, held until the end of the lint.
  const counts = new Map<string, Map<string, number>>();
  for (const rule of eachFilterRule(profile, { runtime })) {
    let names = counts.get(rule.conditionKey);
    if (!names) counts.set(rule.conditionKey, (names = new Map<string, number>()));
    names.set(rule.name.value, (names.get(rule.name.value) ?? 0) + 1);
  }
  const groups = new Map<string, GroupedRule[]>();
  const keys = new Map<readonly ArgComparison[], { key: string; comparisonKeys: string[] }>();
  for (const rule of eachFilterRule(profile, { runtime })) {
    if ((counts.get(rule.conditionKey)?.get(rule.name.value) ?? 0) < 2) continue;
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
