/**
 * How a profile's matching rules become a decision, shared by every class: the highest
 * `priority=` among matching rules counts; at that priority a matching deny wins; an allow from
 * an `audit` rule (or in an `audit` profile) is logged; without a matching allow the access is
 * denied, or in complain mode allowed and logged.
 */
import type {
  AccessDecision,
  Compiled,
  CompiledPerms,
  CompiledProfile,
  DecidingRule,
  EvaluateOptions,
  ProfileSet,
} from './types.js';

export function decidingRule(set: ProfileSet, compiled: Compiled): DecidingRule {
  if (compiled.deciding) return compiled.deciding;
  const { rule, file } = compiled;
  const text = set.texts.get(file)?.slice(rule.start, rule.end).replace(/\s+/g, ' ').trim() ?? '';
  compiled.deciding = { file, range: { start: rule.start, end: rule.end }, text };
  return compiled.deciding;
}

/** No rule allows the access: denied, unless the profile's flags say otherwise. */
export function implicit(profile: CompiledProfile, reason: string, options: EvaluateOptions): AccessDecision {
  if (!options.enforce && profile.unconfined)
    return { decision: 'allow', reason: `${reason}, but the profile is unconfined` };
  if (!options.enforce && profile.complain)
    return { decision: 'audit', reason: `${reason}; complain mode logs and allows it` };
  return { decision: 'deny', reason };
}

/** An access decided as a whole by the rules that match it. */
export function decideWhole(
  set: ProfileSet,
  profile: CompiledProfile,
  matches: Compiled[],
  what: string,
  options: EvaluateOptions,
): AccessDecision {
  if (matches.length === 0) return implicit(profile, `no rule allows ${what}`, options);
  let top = -Infinity;
  for (const match of matches) if (match.priority > top) top = match.priority;
  let allow: Compiled | undefined;
  let audit = profile.audit;
  for (const match of matches) {
    if (match.priority !== top) continue;
    if (match.deny) {
      return { decision: 'deny', rule: decidingRule(set, match), reason: `a deny rule matches ${what}` };
    }
    allow ??= match;
    if (match.audit) audit = true;
  }
  if (!allow) return implicit(profile, `no rule allows ${what}`, options);
  return {
    decision: audit ? 'audit' : 'allow',
    rule: decidingRule(set, allow),
    reason: audit ? `an audit rule allows ${what} and logs it` : `a rule allows ${what}`,
  };
}

/**
 * An access decided per permission bit, as the kernel reads the permissions of the state its
 * query ends in: per bit, among the rules that grant or deny it for this access, the highest
 * priority counts and there a deny wins. One denied or missing bit denies the access.
 */
export function decidePerBit(
  set: ProfileSet,
  profile: CompiledProfile,
  rules: readonly CompiledPerms[],
  access: Parameters<CompiledPerms['grants']>[0],
  wanted: number,
  name: (bits: number) => string,
  what: () => string,
  options: EvaluateOptions,
): AccessDecision {
  const matching: { rule: CompiledPerms; bits: number }[] = [];
  for (const rule of rules) {
    const bits = rule.grants(access) & wanted;
    if (bits !== 0) matching.push({ rule, bits });
  }
  let allowed = 0;
  let allowRule: CompiledPerms | undefined;
  let audit = profile.audit;
  for (let bit = 1; bit <= wanted; bit *= 2) {
    if ((wanted & bit) === 0) continue;
    let top = -Infinity;
    for (const m of matching) if (m.bits & bit && m.rule.priority > top) top = m.rule.priority;
    let denied: CompiledPerms | undefined;
    let allowedBy: CompiledPerms | undefined;
    for (const m of matching) {
      if ((m.bits & bit) === 0 || m.rule.priority !== top) continue;
      if (m.rule.deny) denied ??= m.rule;
      else allowedBy ??= m.rule;
    }
    if (denied)
      return {
        decision: 'deny',
        rule: decidingRule(set, denied),
        reason: `a deny rule matches ${name(bit)} in ${what()}`,
      };
    if (allowedBy) {
      allowed |= bit;
      allowRule ??= allowedBy;
      if (allowedBy.audit) audit = true;
    }
  }
  const missing = wanted & ~allowed;
  if (missing !== 0 || !allowRule)
    return implicit(profile, `no rule allows ${name(missing)} in ${what()}`, options);
  return {
    decision: audit ? 'audit' : 'allow',
    rule: decidingRule(set, allowRule),
    reason: audit ? `an audit rule allows ${what()} and logs it` : `a rule allows ${what()}`,
  };
}
