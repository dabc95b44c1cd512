/** Rules of a profile grouped by system call and Docker condition, for the duplicate and conflict checks. */
import { EPERM, sameAction } from '../actions.js';
import { applicableEntries, comparisonsKey, namesWhere, rulesOf } from '../filter.js';
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
  // Only a call with two rules or more under one condition can repeat or contradict itself: those
  // names are found first, from the names alone, and only they get rules. A profile of 750,000
  // names made a rule, a key and a list per name, kept to the end of the lint; sorting the names
  // finds the repeated ones in a tenth of the memory a Map of counts takes.
  const named = new Map<string, string[]>();
  for (const applicable of applicableEntries(profile, { runtime })) {
    let names = named.get(applicable.conditionKey);
    if (!names) named.set(applicable.conditionKey, (names = []));
    for (let g = 0; g < applicable.groups.length; g++) {
      for (const name of applicable.entry.names.values) names.push(name);
      if (runtime === 'docker' && applicable.entry.name) names.push(applicable.entry.name.value);
    }
  }
  const repeatedIn = new Map<string, Set<string>>();
  for (const [conditionKey, names] of named) {
    names.sort();
    const repeated = new Set<string>();
    for (let i = 1; i < names.length; i++) if (names[i] === names[i - 1]) repeated.add(names[i] as string);
    repeatedIn.set(conditionKey, repeated);
  }
  named.clear();
  const groups = new Map<string, GroupedRule[]>();
  const keys = new Map<readonly ArgComparison[], { key: string; comparisonKeys: string[] }>();
  for (const applicable of applicableEntries(profile, { runtime })) {
    const repeated = repeatedIn.get(applicable.conditionKey);
    if (!repeated || repeated.size === 0) continue;
    for (const name of namesWhere(applicable.entry, runtime, (n) => repeated.has(n))) {
      for (const rule of rulesOf(applicable, name)) {
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
    }
  }
  return [...groups.values()];
}

function sameOutcome(this: FilterRule, other: FilterRule): boolean {
  return sameAction(this.action, other.action) && (this.errno ?? EPERM) === (other.errno ?? EPERM);
}
