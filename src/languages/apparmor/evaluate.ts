/**
 * "Would this profile deny this access?" Rules are compiled once per profile set; an access is
 * decided with AppArmor's precedence (evaluate/decide.ts): per permission, the highest
 * `priority=` among matching rules counts; at that priority a matching deny wins; without a
 * matching allow the access is denied (or, in complain mode, allowed and logged). Exec accesses
 * also report their transition.
 *
 * The file-rule engine is evaluate/files.ts; each other mediation class is a module of its own
 * in evaluate/, listed once below.
 */
import type { Rule } from './ast.js';
import { compileAare, normalizeSlashes } from './aare.js';
import type { PolicyModel, ProfileModel } from './model.js';
import { capabilityClass } from './evaluate/capability.js';
import { dbusClass } from './evaluate/dbus.js';
import { decidePerBit, decideWhole, implicit } from './evaluate/decide.js';
import type { CompiledFile } from './evaluate/types.js';
import { bitsOf, compileFileRule, decideFile, everyPath, fileRules, X } from './evaluate/files.js';
import { ioUringClass } from './evaluate/io-uring.js';
import { mountClass } from './evaluate/mount.js';
import { mqueueClass } from './evaluate/mqueue.js';
import { decideNetwork, networkClass } from './evaluate/network.js';
import { ptraceClass } from './evaluate/ptrace.js';
import { signalClass } from './evaluate/signal.js';
import { unixClass, unixPathAccess } from './evaluate/unix.js';
import { usernsClass } from './evaluate/userns.js';
import { bitNames } from './evaluate/bits.js';
import type {
  Access,
  AccessDecision,
  Compiled,
  CompiledOther,
  CompiledPerms,
  CompiledProfile,
  EvaluateOptions,
  PermsClass,
  ProfileSet,
  WholeClass,
} from './evaluate/types.js';

export type { Access, AccessDecision, EvaluateOptions, ProfileSet } from './evaluate/types.js';

/** The classes decided as a whole, and those decided per permission: one entry per class. */
const WHOLE_CLASSES: readonly WholeClass[] = [
  capabilityClass,
  networkClass,
  signalClass,
  ptraceClass,
  mountClass,
];
const PERMS_CLASSES: readonly PermsClass[] = [unixClass, dbusClass, mqueueClass, ioUringClass, usernsClass];

/** The permission words of each class decided per permission (what an access's `access` may name). */
export const ACCESS_PERMISSIONS: Readonly<Record<string, readonly string[]>> = Object.fromEntries(
  PERMS_CLASSES.map((c) => [c.key, Object.keys(c.table.words)]),
);

/** Prepares a model for evaluation (rules are compiled lazily, per profile). */
export function profileSet(model: PolicyModel, texts: ReadonlyMap<string, string>): ProfileSet {
  return { model, texts, compiled: new Map() };
}

function findProfile(set: ProfileSet, name: string): ProfileModel | undefined {
  const profiles = set.model.profiles;
  return (
    profiles.find((p) => p.name === name) ??
    profiles.find((p) => !p.parent && p.node.attachment?.text === name) ??
    profiles.find(
      (p) => !p.parent && p.name.startsWith('/') && !/[*?[{]/.test(name) && compileAare(p.name).test(name),
    )
  );
}

function baseOf(rule: Rule, file: string): Compiled {
  return {
    rule,
    file,
    deny: rule.qualifiers.deny !== undefined,
    audit: rule.qualifiers.audit !== undefined,
    owner: rule.qualifiers.owner !== undefined,
    priority: rule.qualifiers.priority?.value ?? 0,
  };
}

function compileProfile(profile: ProfileModel): CompiledProfile {
  const variables = new Map(profile.variables);
  variables.set('profile_name', [profile.name]);
  const files: CompiledFile[] = [];
  const others = new Map<string, CompiledOther[]>(WHOLE_CLASSES.map((c) => [c.key, []]));
  const perms = new Map<string, CompiledPerms[]>(PERMS_CLASSES.map((c) => [c.key, []]));
  for (const { rule, file } of profile.rules) {
    if ((rule.kind === 'file' && rule.path) || rule.kind === 'link') {
      files.push(...compileFileRule(rule, file, variables));
      continue;
    }
    const base = baseOf(rule, file);
    if (rule.kind === 'file' || rule.kind === 'all') files.push(everyPath(base));
    if (rule.kind === 'file') continue;
    for (const c of WHOLE_CLASSES)
      if (rule.kind === 'all' || c.ruleKinds.includes(rule.kind))
        others
          .get(c.key)
          ?.push({ ...base, matches: rule.kind === 'all' ? () => true : c.compile(rule, variables) });
    for (const c of PERMS_CLASSES)
      if (rule.kind === 'all' || c.ruleKinds.includes(rule.kind))
        perms.get(c.key)?.push({ ...base, grants: c.compile(rule, variables) });
  }
  const flags = profile.flags;
  return {
    profile,
    files: fileRules(files),
    others,
    perms,
    complain: flags.has('complain') || flags.has('prompt'),
    unconfined: flags.has('unconfined') || flags.has('default_allow'),
    audit: flags.has('audit'),
  };
}

function compiledFor(set: ProfileSet, name: string): CompiledProfile {
  let compiled = set.compiled.get(name);
  if (compiled) return compiled;
  const profile = findProfile(set, name);
  if (!profile) {
    const names = set.model.profiles.map((p) => p.name);
    throw new Error(
      `no AppArmor profile named "${name}"${names.length > 0 ? ` (defined: ${names.join(', ')})` : ''}`,
    );
  }
  compiled = compileProfile(profile);
  set.compiled.set(name, compiled);
  return compiled;
}

/**
 * Decides an access against a named profile (`parent//child` for hats and children; a program
 * path finds the profile attached to it). Throws when no profile has that name, or when the
 * access names a permission its class does not have.
 */
export function evaluateAccess(
  set: ProfileSet,
  profileName: string,
  access: Access,
  options: EvaluateOptions = {},
): AccessDecision {
  const profile = compiledFor(set, profileName);
  if ('path' in access)
    return decideFile(
      set,
      profile,
      normalizeSlashes(access.path),
      bitsOf(access.permissions),
      access.owner ?? true,
      options,
    );
  if ('exec' in access)
    return decideFile(set, profile, normalizeSlashes(access.exec), X, access.owner ?? true, options);
  if ('network' in access) return decideNetwork(set, profile, access.network, options);
  for (const c of PERMS_CLASSES) if (c.key in access) return decidePerms(set, profile, c, access, options);
  for (const c of WHOLE_CLASSES) {
    if (!(c.key in access)) continue;
    const matches = (profile.others.get(c.key) ?? []).filter((rule) => rule.matches(access));
    return decideWhole(set, profile, matches, c.describe(access), options);
  }
  throw new Error(`unknown AppArmor access ${JSON.stringify(access)}`);
}

function decidePerms(
  set: ProfileSet,
  profile: CompiledProfile,
  c: PermsClass,
  access: Access,
  options: EvaluateOptions,
): AccessDecision {
  let wanted = c.wanted(access);
  // Described only for the decision's reason, once.
  let described: string | undefined;
  const what = (): string => (described ??= c.describe(access));
  if ('unix' in access) {
    // A socket bound to a path: file rules decide, on that path.
    const fs = unixPathAccess(access.unix, wanted);
    if (fs) {
      const fileDecision =
        fs.permissions === ''
          ? undefined
          : decideFile(set, profile, normalizeSlashes(fs.path), bitsOf(fs.permissions), true, options);
      if (fileDecision?.decision === 'deny' || fs.rest === 0)
        return (
          fileDecision ?? { decision: 'allow', reason: `${what()}: not mediated on a socket bound to a path` }
        );
      wanted = fs.rest;
    }
  }
  if (wanted === 0) return implicit(profile, `no permission asked in ${what()}`, options);
  const rules = profile.perms.get(c.key) ?? [];
  return decidePerBit(set, profile, rules, access, wanted, (bits) => bitNames(bits, c.table), what, options);
}
