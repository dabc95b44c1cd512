/**
 * "Would this profile deny this access?" Rules are compiled once per profile set; an access is
 * decided with AppArmor's precedence: per permission, the highest `priority=` among matching rules
 * counts; at that priority a matching deny wins; without a matching allow the access is denied
 * (or, in complain mode, allowed and logged). Exec accesses also report their transition.
 */
import type { Range } from '../../core/diagnostic.js';
import type { MediationRule, Rule, Word } from './ast.js';
import { compileAare, expandPattern, expandVariables, literalPrefix, normalizeSlashes } from './aare.js';
import type { PolicyModel, ProfileModel } from './model.js';
import { NETWORK_DOMAINS } from './tables.js';

export type Access =
  | { path: string; permissions: string; owner?: boolean }
  | { exec: string; owner?: boolean }
  | { capability: string }
  | { network: { domain?: string; type?: string; protocol?: string; access?: string } }
  | { signal: { signal?: string; peer?: string; access?: 'send' | 'receive' } }
  | { ptrace: { peer?: string; access?: 'read' | 'trace' | 'readby' | 'tracedby' } }
  | {
      mount: {
        operation?: 'mount' | 'remount' | 'umount';
        source?: string;
        target: string;
        fstype?: string;
        options?: string[];
      };
    };

export interface DecidingRule {
  file: string;
  range: Range;
  text: string;
}

export interface AccessDecision {
  decision: 'allow' | 'deny' | 'audit';
  /** The rule that decided; absent when nothing matched (implicit deny, or complain mode). */
  rule?: DecidingRule;
  /** Exec accesses: the transition of the deciding rule (`ix`, `px`, `cx`, ...) and its target. */
  transition?: { mode: string; target?: string };
  /** One sentence saying why. */
  reason: string;
}

export interface EvaluateOptions {
  /** Decide as in enforce mode whatever the profile's flags (the "in block mode" preview). */
  enforce?: boolean;
}

// File permission bits.
const R = 1;
const W = 2;
const A = 4;
const L = 8;
const K = 16;
const M = 32;
const X = 64;
const ALL_FILE = R | W | A | L | K | M | X;
const LETTERS: Record<string, number> = { r: R, w: W, a: A, l: L, k: K, m: M, x: X };

interface Compiled {
  rule: Rule;
  file: string;
  deny: boolean;
  audit: boolean;
  owner: boolean;
  priority: number;
}

interface CompiledFile extends Compiled {
  /** Undefined: every path (`file,` and `all,`). */
  regex: RegExp | undefined;
  prefix: string;
  literal: boolean;
  bits: number;
  exec?: string;
  target?: string;
}

interface CompiledProfile {
  profile: ProfileModel;
  files: CompiledFile[];
  others: Compiled[];
  complain: boolean;
  unconfined: boolean;
  audit: boolean;
}

export interface ProfileSet {
  model: PolicyModel;
  /** File texts by display path (for the deciding rule's text). */
  texts: ReadonlyMap<string, string>;
  compiled: Map<string, CompiledProfile>;
}

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

function compileProfile(set: ProfileSet, profile: ProfileModel): CompiledProfile {
  const variables = new Map(set.model.variables);
  variables.set('profile_name', [profile.name]);
  const files: CompiledFile[] = [];
  const others: Compiled[] = [];
  for (const { rule, file } of profile.rules) {
    const base: Compiled = {
      rule,
      file,
      deny: rule.qualifiers.deny !== undefined,
      audit: rule.qualifiers.audit !== undefined,
      owner: rule.qualifiers.owner !== undefined,
      priority: rule.qualifiers.priority?.value ?? 0,
    };
    if (rule.kind === 'file') {
      if (!rule.path) {
        files.push({ ...base, regex: undefined, prefix: '', literal: false, bits: ALL_FILE, exec: 'ix' });
        continue;
      }
      const pattern = expandPattern(rule.path.text, variables);
      const p = rule.permissions;
      let bits = 0;
      if (p.read) bits |= R;
      if (p.write) bits |= W | A;
      if (p.append) bits |= A;
      if (p.link) bits |= L;
      if (p.lock) bits |= K;
      if (p.mmap) bits |= M;
      if (p.exec) bits |= X;
      const compiled: CompiledFile = {
        ...base,
        regex: compileAare(pattern),
        prefix: literalPrefix(pattern),
        literal: !/[*?[{]/.test(pattern),
        bits,
      };
      if (p.exec) compiled.exec = p.exec;
      if (rule.target) compiled.target = expandVariables(rule.target.text, variables);
      files.push(compiled);
    } else if (rule.kind === 'link') {
      const pattern = expandPattern(rule.path.text, variables);
      files.push({
        ...base,
        regex: compileAare(pattern),
        prefix: literalPrefix(pattern),
        literal: false,
        bits: L,
      });
    } else if (rule.kind === 'all') {
      files.push({ ...base, regex: undefined, prefix: '', literal: false, bits: ALL_FILE, exec: 'ix' });
      others.push(base);
    } else {
      others.push(base);
    }
  }
  const flags = profile.flags;
  return {
    profile,
    files,
    others,
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
  compiled = compileProfile(set, profile);
  set.compiled.set(name, compiled);
  return compiled;
}

function decidingRule(set: ProfileSet, compiled: Compiled): DecidingRule {
  const { rule, file } = compiled;
  const text = set.texts.get(file)?.slice(rule.start, rule.end).replace(/\s+/g, ' ').trim() ?? '';
  return { file, range: { start: rule.start, end: rule.end }, text };
}

/**
 * Decides an access against a named profile (`parent//child` for hats and children; a program
 * path finds the profile attached to it). Throws when no profile has that name.
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
  const matches = profile.others.filter((c) => matchesOther(c.rule, access, set, profile));
  return decideBy(set, profile, matches, describe(access), options);
}

function bitsOf(permissions: string): number {
  let bits = 0;
  for (const c of permissions) {
    const bit = LETTERS[c];
    if (bit === undefined)
      throw new Error(`unknown file permission "${c}" in "${permissions}" (use r, w, a, l, k, m, x)`);
    bits |= bit;
  }
  if (bits === 0) throw new Error('an access needs at least one permission (r, w, a, l, k, m, x)');
  return bits;
}

function better(a: CompiledFile, b: CompiledFile): boolean {
  if (a.literal !== b.literal) return a.literal;
  return a.prefix.length > b.prefix.length;
}

function decideFile(
  set: ProfileSet,
  profile: CompiledProfile,
  path: string,
  wanted: number,
  owner: boolean,
  options: EvaluateOptions,
): AccessDecision {
  // For each wanted bit: the best (highest-priority) allow and deny.
  let denied = 0;
  let allowed = 0;
  let denyRule: CompiledFile | undefined;
  let allowRule: CompiledFile | undefined;
  let auditAllowed = profile.audit;
  const matching: CompiledFile[] = [];
  for (const rule of profile.files) {
    if ((rule.bits & wanted) === 0) continue;
    if (rule.owner && !owner) continue;
    if (rule.regex !== undefined && (!path.startsWith(rule.prefix) || !rule.regex.test(path))) continue;
    matching.push(rule);
  }
  for (let bit = 1; bit <= X; bit <<= 1) {
    if ((wanted & bit) === 0) continue;
    let top = -Infinity;
    for (const rule of matching) if (rule.bits & bit && rule.priority > top) top = rule.priority;
    if (top === -Infinity) continue;
    let bitDenied: CompiledFile | undefined;
    let bitAllowed: CompiledFile | undefined;
    for (const rule of matching) {
      if ((rule.bits & bit) === 0 || rule.priority !== top) continue;
      if (rule.deny) {
        if (!bitDenied || better(rule, bitDenied)) bitDenied = rule;
      } else if (!bitAllowed || better(rule, bitAllowed)) bitAllowed = rule;
    }
    if (bitDenied) {
      denied |= bit;
      denyRule ??= bitDenied;
    } else if (bitAllowed) {
      allowed |= bit;
      if (!allowRule || (bit === X && bitAllowed.exec) || better(bitAllowed, allowRule))
        allowRule = bitAllowed;
      if (bitAllowed.audit) auditAllowed = true;
    }
  }
  const what = `${letters(wanted)} on ${path}`;
  if (denyRule) {
    return { decision: 'deny', rule: decidingRule(set, denyRule), reason: `a deny rule matches ${what}` };
  }
  const missing = wanted & ~allowed;
  if (missing !== 0) return implicit(profile, `no rule allows ${letters(missing)} on ${path}`, options);
  const decision: AccessDecision = {
    decision: auditAllowed ? 'audit' : 'allow',
    reason: auditAllowed ? `an audit rule allows ${what} and logs it` : `a rule allows ${what}`,
  };
  if (allowRule) decision.rule = decidingRule(set, allowRule);
  if (wanted & X && allowRule?.exec) {
    decision.transition = { mode: allowRule.exec, ...(allowRule.target ? { target: allowRule.target } : {}) };
  }
  return decision;
}

function implicit(profile: CompiledProfile, reason: string, options: EvaluateOptions): AccessDecision {
  if (!options.enforce && profile.unconfined)
    return { decision: 'allow', reason: `${reason}, but the profile is unconfined` };
  if (!options.enforce && profile.complain)
    return { decision: 'audit', reason: `${reason}; complain mode logs and allows it` };
  return { decision: 'deny', reason };
}

function letters(bits: number): string {
  return Object.entries(LETTERS)
    .filter(([, bit]) => bits & bit)
    .map(([letter]) => letter)
    .join('');
}

function decideBy(
  set: ProfileSet,
  profile: CompiledProfile,
  matches: Compiled[],
  what: string,
  options: EvaluateOptions,
): AccessDecision {
  if (matches.length === 0) return implicit(profile, `no rule allows ${what}`, options);
  const top = Math.max(...matches.map((m) => m.priority));
  const atTop = matches.filter((m) => m.priority === top);
  const deny = atTop.find((m) => m.deny);
  if (deny) return { decision: 'deny', rule: decidingRule(set, deny), reason: `a deny rule matches ${what}` };
  const allow = atTop[0] as Compiled;
  const audit = profile.audit || atTop.some((m) => m.audit);
  return {
    decision: audit ? 'audit' : 'allow',
    rule: decidingRule(set, allow),
    reason: audit ? `an audit rule allows ${what} and logs it` : `a rule allows ${what}`,
  };
}

function describe(access: Access): string {
  if ('capability' in access) return `capability ${access.capability}`;
  if ('network' in access) {
    const n = access.network;
    return `network ${[n.access, n.domain, n.type ?? n.protocol].filter(Boolean).join(' ') || '(any)'}`;
  }
  if ('signal' in access)
    return `signal ${[access.signal.access, access.signal.signal, access.signal.peer && `peer=${access.signal.peer}`].filter(Boolean).join(' ')}`;
  if ('ptrace' in access)
    return `ptrace ${[access.ptrace.access, access.ptrace.peer && `peer=${access.ptrace.peer}`].filter(Boolean).join(' ')}`;
  if ('mount' in access)
    return `${access.mount.operation ?? 'mount'} ${access.mount.source ?? ''} ${access.mount.target}`.replace(
      /\s+/g,
      ' ',
    );
  return 'access';
}

// ------------------------------------------------------------------------- non-file rules

function words(rule: MediationRule): string[] {
  return [...rule.permissions, ...rule.words].map((w) => w.text);
}

function condition(rule: MediationRule, key: string): Word[] | undefined {
  const found = rule.conditions.filter((c) => c.key === key);
  return found.length === 0 ? undefined : found.flatMap((c) => c.values);
}

function peerOf(rule: MediationRule): Word[] | undefined {
  const peer = rule.conditions.find((c) => c.key === 'peer');
  if (!peer) return undefined;
  if (peer.nested)
    return peer.nested.find((c) => c.key === 'label')?.values ?? peer.nested.flatMap((c) => c.values);
  return peer.values;
}

function patternMatches(
  pattern: string,
  value: string | undefined,
  set: ProfileSet,
  profile: CompiledProfile,
): boolean {
  if (value === undefined) return false;
  const variables = new Map(set.model.variables);
  variables.set('profile_name', [profile.profile.name]);
  return compileAare(expandPattern(pattern, variables)).test(value);
}

/** Access words a rule grants (`r` means read and readby, ...); empty: every access. */
function grants(rule: MediationRule, wanted: string | undefined, aliases: Record<string, string[]>): boolean {
  const perms = rule.parenthesized
    ? rule.permissions.map((w) => w.text)
    : rule.permissions
        .map((w) => w.text)
        .filter((p) => p in aliases || Object.values(aliases).some((v) => v.includes(p)));
  if (perms.length === 0 || wanted === undefined) return perms.length === 0 || wanted === undefined;
  return perms.some((p) => p === wanted || (aliases[p] ?? []).includes(wanted));
}

const SIGNAL_ALIASES: Record<string, string[]> = {
  send: [],
  receive: [],
  r: ['receive'],
  read: ['receive'],
  w: ['send'],
  write: ['send'],
  rw: ['send', 'receive'],
};
const PTRACE_ALIASES: Record<string, string[]> = {
  read: [],
  trace: [],
  readby: [],
  tracedby: [],
  r: ['read', 'readby'],
  w: ['trace', 'tracedby'],
  rw: ['read', 'readby', 'trace', 'tracedby'],
  write: ['trace', 'tracedby'],
};
const NETWORK_READ = ['receive', 'getattr', 'getopt', 'accept'];
const NETWORK_WRITE = ['send', 'create', 'bind', 'connect', 'listen', 'setattr', 'setopt', 'shutdown'];
const NETWORK_ALIASES: Record<string, string[]> = {
  r: NETWORK_READ,
  read: NETWORK_READ,
  w: NETWORK_WRITE,
  write: NETWORK_WRITE,
  rw: [...NETWORK_READ, ...NETWORK_WRITE],
};
const NETWORK_WORDS = new Set([
  'create',
  'bind',
  'listen',
  'accept',
  'connect',
  'shutdown',
  'getattr',
  'setattr',
  'getopt',
  'setopt',
  'send',
  'receive',
  'r',
  'w',
  'rw',
  'read',
  'write',
]);

function matchesOther(rule: Rule, access: Access, set: ProfileSet, profile: CompiledProfile): boolean {
  if (rule.kind === 'file' || rule.kind === 'link') return false;
  if (rule.kind === 'all') return true;
  if ('capability' in access) {
    if (rule.kind !== 'capability') return false;
    const names = words(rule);
    return names.length === 0 || names.includes(access.capability);
  }
  if ('network' in access) {
    if (rule.kind !== 'network') return false;
    const n = access.network;
    const all = words(rule);
    const perms = rule.parenthesized
      ? rule.permissions.map((w) => w.text)
      : all.filter((w) => NETWORK_WORDS.has(w));
    const rest = rule.parenthesized
      ? rule.words.map((w) => w.text)
      : all.filter((w) => !NETWORK_WORDS.has(w));
    let domain: string | undefined;
    let kind: string | undefined;
    if (rest[0] !== undefined && NETWORK_DOMAINS.has(rest[0])) [domain, kind] = rest;
    else kind = rest[0];
    const family = n.domain === 'local' ? 'unix' : n.domain;
    if (domain !== undefined && (domain === 'local' ? 'unix' : domain) !== family) return false;
    if (kind !== undefined && kind !== n.type && kind !== n.protocol) return false;
    // ip=, port= and peer= narrow a rule to addresses the access does not name.
    if (rule.conditions.length > 0) return false;
    if (perms.length === 0) return true;
    if (n.access === undefined) return false;
    const wanted = n.access;
    return perms.some((p) => p === wanted || (NETWORK_ALIASES[p] ?? []).includes(wanted));
  }
  if ('signal' in access) {
    if (rule.kind !== 'signal') return false;
    const s = access.signal;
    if (!grants(rule, s.access, SIGNAL_ALIASES)) return false;
    const signals = condition(rule, 'set');
    if (signals && s.signal !== undefined && !signals.some((w) => w.text === s.signal)) return false;
    if (signals && s.signal === undefined) return false;
    const peer = peerOf(rule);
    return !peer || peer.some((w) => patternMatches(w.text, s.peer, set, profile));
  }
  if ('ptrace' in access) {
    if (rule.kind !== 'ptrace') return false;
    const p = access.ptrace;
    if (!grants(rule, p.access, PTRACE_ALIASES)) return false;
    const peer = peerOf(rule);
    return !peer || peer.some((w) => patternMatches(w.text, p.peer, set, profile));
  }
  if ('mount' in access) {
    const m = access.mount;
    const operation = m.operation ?? 'mount';
    if (rule.kind !== operation) return false;
    const fstype = condition(rule, 'fstype') ?? condition(rule, 'vfstype');
    if (
      fstype &&
      (m.fstype === undefined || !fstype.some((w) => patternMatches(w.text, m.fstype, set, profile)))
    )
      return false;
    const options = rule.conditions.filter((c) => c.key === 'options');
    for (const c of options) {
      const allowedOptions = c.values.map((w) => w.text);
      const given = m.options ?? [];
      if (
        c.membership
          ? !given.every((o) => allowedOptions.includes(o))
          : given.length !== allowedOptions.length || !given.every((o) => allowedOptions.includes(o))
      )
        return false;
    }
    const pathWords = rule.words.filter((w) => w.text !== '');
    if (operation === 'mount') {
      const source = pathWords[0];
      if (source && !patternMatches(source.text, m.source, set, profile)) return false;
      if (rule.target && !patternMatches(rule.target.text, m.target, set, profile)) return false;
      return true;
    }
    const point = pathWords[0];
    return !point || patternMatches(point.text, m.target, set, profile);
  }
  return false;
}
