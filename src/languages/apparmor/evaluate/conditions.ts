/** Reading a mediation rule's words and conditions, for the class modules. */
import type { MediationRule, Word } from '../ast.js';
import { compileAare, expandPattern } from '../aare.js';
import type { Variables } from './types.js';

export function words(rule: MediationRule): string[] {
  return [...rule.permissions, ...rule.words].map((w) => w.text);
}

/** The values of a condition (every occurrence of the key); undefined when the rule has none. */
export function condition(rule: MediationRule, key: string): Word[] | undefined {
  const found = rule.conditions.filter((c) => c.key === key);
  return found.length === 0 ? undefined : found.flatMap((c) => c.values);
}

/** The values of a condition inside `peer=(...)`; undefined when the rule has none. */
export function peerCondition(rule: MediationRule, key: string): Word[] | undefined {
  const peer = rule.conditions.find((c) => c.key === 'peer');
  const found = peer?.nested?.filter((c) => c.key === key) ?? [];
  return found.length === 0 ? undefined : found.flatMap((c) => c.values);
}

/** signal and ptrace: `peer=LABEL` or `peer=(label=LABEL)`. */
export function peerOf(rule: MediationRule): Word[] | undefined {
  const peer = rule.conditions.find((c) => c.key === 'peer');
  if (!peer) return undefined;
  if (peer.nested)
    return peer.nested.find((c) => c.key === 'label')?.values ?? peer.nested.flatMap((c) => c.values);
  return peer.values;
}

/** An AppArmor pattern (variables expanded) as a predicate. */
export function patternOf(word: Word, variables: Variables): RegExp {
  return compileAare(expandPattern(word.text, variables));
}

/**
 * A condition of a rule against a value of an access. The rule's condition absent: any value. The
 * access's value absent: it stands for every value, so an allow rule must leave the condition
 * open to match, and a deny rule that could match some value matches.
 */
export function conditionMatcher(
  values: readonly Word[] | undefined,
  variables: Variables,
): (value: string | undefined, deny: boolean) => boolean {
  if (values === undefined) return () => true;
  const patterns = values.map((word) => patternOf(word, variables));
  return (value, deny) => (value === undefined ? deny : patterns.some((p) => p.test(value)));
}

/** The access words a rule grants (aliases such as `r` expanded); undefined: every access. */
export function grantedSet(rule: MediationRule, aliases: Record<string, string[]>): Set<string> | undefined {
  const perms = rule.permissions.map((w) => w.text).filter((p) => p in aliases);
  if (perms.length === 0) return undefined;
  return new Set(perms.flatMap((p) => [p, ...(aliases[p] ?? [])]));
}
