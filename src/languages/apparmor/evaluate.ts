/**
 * "Would this profile deny this access?" Rules are compiled once per profile set; an access is
 * decided with AppArmor's precedence: per permission, the highest `priority=` among matching rules
 * counts; at that priority a matching deny wins; without a matching allow the access is denied
 * (or, in complain mode, allowed and logged). Exec accesses also report their transition.
 */
import type { Range } from '../../core/diagnostic.js';
import type { MediationRule, Rule, Word } from './ast.js';
import {
  aareToRegexSource,
  compileAare,
  expandAlternatives,
  expandPattern,
  expandVariables,
  literalPrefix,
  normalizeSlashes,
} from './aare.js';
import type { PolicyModel, ProfileModel } from './model.js';
import { NETWORK_DOMAINS, NETWORK_PERMISSIONS, NETWORK_PROTOCOL_TYPES, NETWORK_TYPES } from './tables.js';

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

interface DecidingRule {
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
  /** Built on first use. */
  deciding?: DecidingRule;
}

interface CompiledFile extends Compiled {
  /** The pattern (after expansion); undefined: every path (`file,` and `all,`). */
  at: CompiledPattern | undefined;
  prefix: string;
  literal: boolean;
  bits: number;
  exec: string | undefined;
  target: string | undefined;
}

interface CompiledOther extends Compiled {
  matches: (access: Access) => boolean;
}

/**
 * The rules of one permission bit that can match a path, most specific first, searched with
 * combined expressions: one regular expression per chunk of rules, whose first matching
 * alternative is the first matching rule (a chunk that does not match skips all its rules).
 */
interface Lane {
  rules: CompiledFile[];
  chunks: { from: number; regex: RegExp }[];
}

/** The file rules that can match paths of one first component, arranged for quick decisions. */
interface Bucket {
  /** In the profile's order (the general path, with priorities). */
  all: CompiledFile[];
  /** Per permission bit (0..6): allow and deny rules, most specific first (built on first use). */
  allow: (Lane | undefined)[];
  deny: (Lane | undefined)[];
}

interface CompiledProfile {
  profile: ProfileModel;
  files: CompiledFile[];
  /** File rules (indices in `files`) whose literal prefix names a first component ("etc" for /etc/x). */
  ownRules: Map<string, number[]>;
  /** File rules (indices in `files`) whose first component is a pattern: candidates for every path. */
  anyRules: number[];
  /** Buckets built on first use, by first component (a path's own rules and the pattern-led ones). */
  byComponent: Map<string, Bucket>;
  /** The bucket of paths whose first component no rule names. */
  anyComponent: Bucket | undefined;
  /** Whether any rule has a priority (then the general path decides). */
  priorities: boolean;
  /** Non-file rules by the access they can decide (`all,` rules in every list). */
  others: Map<string, CompiledOther[]>;
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

function firstComponent(path: string): string | undefined {
  if (path.charCodeAt(0) !== 47) return undefined;
  const slash = path.indexOf('/', 1);
  return slash === -1 ? undefined : path.slice(1, slash);
}

/** `file,` and `all,`: every path, every permission, exec inherits. */
function everyPath(base: Compiled): CompiledFile {
  return {
    rule: base.rule,
    file: base.file,
    deny: base.deny,
    audit: base.audit,
    owner: base.owner,
    priority: base.priority,
    at: undefined,
    prefix: '',
    literal: false,
    bits: ALL_FILE,
    exec: 'ix',
    target: undefined,
  };
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
  const others: CompiledOther[] = [];
  for (const { rule, file } of profile.rules) {
    if ((rule.kind === 'file' && rule.path) || rule.kind === 'link') {
      files.push(...compileFileRule(rule, file, variables));
      continue;
    }
    const base = baseOf(rule, file);
    if (rule.kind === 'file') {
      files.push(everyPath(base));
    } else {
      if (rule.kind === 'all') files.push(everyPath(base));
      others.push({ ...base, matches: compileOther(rule, variables) });
    }
  }
  // Group the rules by the first component their literal prefix names, in one pass; the
  // buckets (and their expressions) are built when a path of that component is first decided.
  const ownRules = new Map<string, number[]>();
  const anyRules: number[] = [];
  files.forEach((rule, index) => {
    const component =
      rule.at === undefined || !rule.prefix.includes('/', 1) ? undefined : firstComponent(rule.prefix);
    if (component === undefined) anyRules.push(index);
    else {
      const list = ownRules.get(component);
      if (list) list.push(index);
      else ownRules.set(component, [index]);
    }
  });
  const flags = profile.flags;
  return {
    profile,
    files,
    ownRules,
    anyRules,
    byComponent: new Map(),
    anyComponent: undefined,
    priorities: files.some((rule) => rule.priority !== 0),
    others: byAccessKind(others),
    complain: flags.has('complain') || flags.has('prompt'),
    unconfined: flags.has('unconfined') || flags.has('default_allow'),
    audit: flags.has('audit'),
  };
}

/**
 * Compiled path rules by rule and by the rule's text once variables are expanded. Included
 * abstractions are parsed once per process (load.ts) and shared by every profile that includes
 * them, so their rules are compiled once too, not once per profile.
 */
const compiledRules = new WeakMap<Rule, { key: string; compiled: CompiledFile[] }>();

function compileFileRule(
  rule: Rule & { kind: 'file' | 'link' },
  file: string,
  variables: ReadonlyMap<string, readonly string[]>,
): CompiledFile[] {
  const path = rule.path as Word;
  const target =
    rule.kind === 'file' && rule.target ? expandVariables(rule.target.text, variables) : undefined;
  const expanded = expandPattern(path.text, variables);
  const key = target === undefined ? expanded : `${expanded}\u0000${target}`;
  const known = compiledRules.get(rule);
  if (known && known.key === key && known.compiled[0]?.file === file) return known.compiled;
  const compiled: CompiledFile[] = [];
  let bits = L;
  let exec: string | undefined;
  if (rule.kind === 'file') {
    const p = rule.permissions;
    bits = 0;
    if (p.read) bits |= R;
    if (p.write) bits |= W | A;
    if (p.append) bits |= A;
    if (p.link) bits |= L;
    if (p.lock) bits |= K;
    if (p.mmap) bits |= M;
    if (p.exec) bits |= X;
    exec = p.exec;
  }
  const q = rule.qualifiers;
  for (const at of patternsOf(expanded)) {
    // Every field written, in one order: one object shape for all compiled rules.
    compiled.push({
      rule,
      file,
      deny: q.deny !== undefined,
      audit: q.audit !== undefined,
      owner: q.owner !== undefined,
      priority: q.priority?.value ?? 0,
      at,
      prefix: at.prefix,
      literal: rule.kind === 'file' && at.literal,
      bits,
      exec,
      target,
    });
  }
  compiledRules.set(rule, { key, compiled });
  return compiled;
}

/** One alternative of a path pattern; its expressions are made when first needed. */
interface CompiledPattern {
  pattern: string;
  prefix: string;
  literal: boolean;
  regex?: RegExp;
  /** The expression for combined expressions (no anchors, no capturing groups). */
  source?: string;
}

function regexOf(at: CompiledPattern): RegExp {
  at.regex ??= compileAare(at.pattern);
  return at.regex;
}

/** The alternatives of a pattern, compiled, by the pattern's text (rules repeat across files). */
const patterns = new Map<string, CompiledPattern[]>();

function patternsOf(expanded: string): CompiledPattern[] {
  let known = patterns.get(expanded);
  if (!known) {
    known = expandAlternatives(expanded, new Map()).map((pattern) => ({
      pattern,
      prefix: literalPrefix(pattern),
      literal: !/[*?[{]/.test(pattern),
    }));
    if (patterns.size > 50_000) patterns.clear();
    patterns.set(expanded, known);
  }
  return known;
}

/** The bucket for paths of a first component (built on first use). */
function bucketFor(profile: CompiledProfile, component: string | undefined): Bucket {
  const own = component === undefined ? undefined : profile.ownRules.get(component);
  if (own === undefined || component === undefined) {
    profile.anyComponent ??= bucketOf(profile.anyRules.map((i) => profile.files[i] as CompiledFile));
    return profile.anyComponent;
  }
  let bucket = profile.byComponent.get(component);
  if (!bucket) {
    bucket = bucketOf(mergeInOrder(own, profile.anyRules).map((i) => profile.files[i] as CompiledFile));
    profile.byComponent.set(component, bucket);
  }
  return bucket;
}

/** Two ascending lists of rule indices merged (the profile's order). */
function mergeInOrder(a: readonly number[], b: readonly number[]): number[] {
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const x = a[i];
    const y = b[j];
    if (y === undefined || (x !== undefined && x < y)) {
      out.push(x as number);
      i++;
    } else {
      out.push(y);
      j++;
    }
  }
  return out;
}

const ACCESS_KINDS = ['capability', 'network', 'signal', 'ptrace', 'mount'] as const;

/** The key of a non-file access: the name of its one property. */
function accessKind(access: Access): string {
  for (const kind of ACCESS_KINDS) if (kind in access) return kind;
  return '';
}

function byAccessKind(others: CompiledOther[]): Map<string, CompiledOther[]> {
  const out = new Map<string, CompiledOther[]>();
  for (const kind of ACCESS_KINDS) {
    const wanted = kind === 'mount' ? ['mount', 'remount', 'umount'] : [kind];
    out.set(
      kind,
      others.filter((other) => other.rule.kind === 'all' || wanted.includes(other.rule.kind)),
    );
  }
  return out;
}

function bucketOf(rules: CompiledFile[]): Bucket {
  return { all: rules, allow: [], deny: [] };
}

const specific = (a: CompiledFile, b: CompiledFile): number => (better(a, b) ? -1 : better(b, a) ? 1 : 0);

/** The allow or deny lane of a permission bit (0..6), built when first needed. */
function laneFor(bucket: Bucket, deny: boolean, i: number): Lane {
  const lanes = deny ? bucket.deny : bucket.allow;
  let lane = lanes[i];
  if (!lane) {
    const bit = 1 << i;
    lane = laneOf(bucket.all.filter((rule) => rule.bits & bit && rule.deny === deny).sort(specific));
    lanes[i] = lane;
  }
  return lane;
}

/** Rules per combined expression: enough to skip most rules at once, few enough to stay small. */
const CHUNK = 24;

function laneOf(rules: CompiledFile[]): Lane {
  const chunks: Lane['chunks'] = [];
  for (let from = 0; from < rules.length; from += CHUNK) {
    const chunk = rules.slice(from, from + CHUNK);
    let regex: RegExp;
    try {
      regex = combined(chunk.map((rule) => ruleSource(rule, false)));
    } catch {
      // A pattern apparmor_parser refuses: its literal stand-in (compileAare) instead.
      regex = combined(chunk.map((rule) => ruleSource(rule, true)));
    }
    chunks.push({ from, regex });
  }
  return { rules, chunks };
}

function combined(sources: string[]): RegExp {
  return new RegExp(`^(?:${sources.map((source) => `(${source})`).join('|')})$`, 's');
}

/** A rule's expression without anchors or capturing groups (so that groups number the rules). */
function ruleSource(rule: CompiledFile, safe: boolean): string {
  const at = rule.at;
  if (at === undefined) return '[\\s\\S]*';
  if (safe) return nonCapturing(regexOf(at).source.slice(1, -1));
  at.source ??= nonCapturing(aareToRegexSource(at.pattern));
  return at.source;
}

/** Turns the capturing groups of an expression into non-capturing ones. */
function nonCapturing(source: string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i] as string;
    if (c === '\\') {
      out += c + (source[i + 1] ?? '');
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
    } else if (c === '[') inClass = true;
    else if (c === '(' && source[i + 1] !== '?') {
      out += '(?:';
      continue;
    }
    out += c;
  }
  return out;
}

/** The first rule of a lane that matches the path (owner rules only for the owner). */
function firstMatch(lane: Lane, path: string, owner: boolean): CompiledFile | undefined {
  const rules = lane.rules;
  for (const { from, regex } of lane.chunks) {
    const match = regex.exec(path);
    if (match === null) continue;
    let at = 1;
    while (match[at] === undefined && at < match.length) at++;
    const rule = rules[from + at - 1] as CompiledFile;
    if (!rule.owner || owner) return rule;
    // An owner rule and an access by another user: the rules after it, one by one.
    const end = Math.min(rules.length, from + CHUNK);
    for (let k = from + at; k < end; k++) {
      const next = rules[k] as CompiledFile;
      if (fileRuleMatches(next, path, owner)) return next;
    }
  }
  return undefined;
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

function decidingRule(set: ProfileSet, compiled: Compiled): DecidingRule {
  if (compiled.deciding) return compiled.deciding;
  const { rule, file } = compiled;
  const text = set.texts.get(file)?.slice(rule.start, rule.end).replace(/\s+/g, ' ').trim() ?? '';
  compiled.deciding = { file, range: { start: rule.start, end: rule.end }, text };
  return compiled.deciding;
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
  if ('network' in access) return decideNetwork(set, profile, access.network, options);
  const matches: Compiled[] = [];
  for (const other of profile.others.get(accessKind(access)) ?? [])
    if (other.matches(access)) matches.push(other);
  return decideBy(set, profile, matches, access, options);
}

const BITS = new Map<string, number>();

function bitsOf(permissions: string): number {
  const known = BITS.get(permissions);
  if (known !== undefined) return known;
  let bits = 0;
  for (const c of permissions) {
    const bit = LETTERS[c];
    if (bit === undefined)
      throw new Error(`unknown file permission "${c}" in "${permissions}" (use r, w, a, l, k, m, x)`);
    bits |= bit;
  }
  if (bits === 0) throw new Error('an access needs at least one permission (r, w, a, l, k, m, x)');
  if (BITS.size < 1024) BITS.set(permissions, bits);
  return bits;
}

function fileRuleMatches(rule: CompiledFile, path: string, owner: boolean): boolean {
  return (
    (!rule.owner || owner) &&
    (rule.at === undefined || (path.startsWith(rule.prefix) && regexOf(rule.at).test(path)))
  );
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
  let allowed = 0;
  let denyRule: CompiledFile | undefined;
  let allowRule: CompiledFile | undefined;
  let auditAllowed = profile.audit;
  const bucket = bucketFor(profile, firstComponent(path));
  if (!profile.priorities) {
    // Without priorities: per bit, the most specific matching deny, else the most specific allow.
    for (let i = 0; i < 7; i++) {
      const bit = 1 << i;
      if ((wanted & bit) === 0) continue;
      const bitDenied = firstMatch(laneFor(bucket, true, i), path, owner);
      if (bitDenied) {
        // A denied permission denies the access.
        denyRule = bitDenied;
        break;
      }
      const rule = firstMatch(laneFor(bucket, false, i), path, owner);
      if (!rule) continue;
      allowed |= bit;
      if (!allowRule || (bit === X && rule.exec) || better(rule, allowRule)) allowRule = rule;
      if (rule.audit) auditAllowed = true;
    }
  } else {
    decideWithPriorities(
      bucket.all,
      wanted,
      (rule) => fileRuleMatches(rule, path, owner),
      (bit, rule) => {
        if (rule.deny) {
          denyRule ??= rule;
        } else {
          allowed |= bit;
          if (!allowRule || (bit === X && rule.exec) || better(rule, allowRule)) allowRule = rule;
          if (rule.audit) auditAllowed = true;
        }
      },
    );
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

/** Per bit: among matching rules the highest priority counts, and there a deny wins. */
function decideWithPriorities(
  rules: readonly CompiledFile[],
  wanted: number,
  matches: (rule: CompiledFile) => boolean,
  decide: (bit: number, rule: CompiledFile) => void,
): void {
  const matching = rules.filter((rule) => (rule.bits & wanted) !== 0 && matches(rule));
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
    const winner = bitDenied ?? bitAllowed;
    if (winner) decide(bit, winner);
  }
}

function implicit(profile: CompiledProfile, reason: string, options: EvaluateOptions): AccessDecision {
  if (!options.enforce && profile.unconfined)
    return { decision: 'allow', reason: `${reason}, but the profile is unconfined` };
  if (!options.enforce && profile.complain)
    return { decision: 'audit', reason: `${reason}; complain mode logs and allows it` };
  return { decision: 'deny', reason };
}

const LETTER_SETS: string[] = [];
for (let bits = 0; bits <= ALL_FILE; bits++) {
  LETTER_SETS.push(
    Object.entries(LETTERS)
      .filter(([, bit]) => bits & bit)
      .map(([letter]) => letter)
      .join(''),
  );
}

function letters(bits: number): string {
  return LETTER_SETS[bits & ALL_FILE] as string;
}

function decideBy(
  set: ProfileSet,
  profile: CompiledProfile,
  matches: Compiled[],
  access: Access,
  options: EvaluateOptions,
): AccessDecision {
  if (matches.length === 0) return implicit(profile, `no rule allows ${describe(access)}`, options);
  let top = -Infinity;
  for (const match of matches) if (match.priority > top) top = match.priority;
  let allow: Compiled | undefined;
  let audit = profile.audit;
  for (const match of matches) {
    if (match.priority !== top) continue;
    if (match.deny) {
      return {
        decision: 'deny',
        rule: decidingRule(set, match),
        reason: `a deny rule matches ${describe(access)}`,
      };
    }
    allow ??= match;
    if (match.audit) audit = true;
  }
  if (!allow) return implicit(profile, `no rule allows ${describe(access)}`, options);
  const what = describe(access);
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
    return `network ${[n.access, n.domain, n.type, n.protocol].filter(Boolean).join(' ') || '(any)'}`;
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

/** A predicate for a non-file rule, with its names, sets and patterns prepared once. */
function compileOther(
  rule: MediationRule,
  variables: ReadonlyMap<string, readonly string[]>,
): (access: Access) => boolean {
  const pattern = (word: Word): RegExp => compileAare(expandPattern(word.text, variables));
  switch (rule.kind) {
    case 'all':
      return () => true;
    case 'capability': {
      const names = new Set(words(rule));
      return (access) => 'capability' in access && (names.size === 0 || names.has(access.capability));
    }
    case 'network': {
      const all = words(rule);
      const perms = rule.parenthesized
        ? rule.permissions.map((w) => w.text)
        : all.filter((w) => NETWORK_PERMISSIONS.has(w));
      const rest = rule.parenthesized
        ? rule.words.map((w) => w.text)
        : all.filter((w) => !NETWORK_PERMISSIONS.has(w));
      const entries = networkEntries(rest);
      const granted = new Set(perms.flatMap((p) => [p, ...(NETWORK_ALIASES[p] ?? [])]));
      // ip=, port= and peer= narrow a rule to addresses the access does not name.
      const narrowed = rule.conditions.length > 0;
      return (access) => {
        if (!('network' in access) || narrowed) return false;
        const n = access.network;
        const domain = n.domain === 'local' ? 'unix' : n.domain;
        const type = n.type;
        let covered = false;
        for (const entry of entries) {
          if (entry.domain !== undefined && entry.domain !== domain) continue;
          if (entry.types !== undefined && (type === undefined || !entry.types.has(type))) continue;
          covered = true;
          break;
        }
        if (!covered) return false;
        if (granted.size === 0) return true;
        return n.access !== undefined && granted.has(n.access);
      };
    }
    case 'signal': {
      const granted = grantedSet(rule, SIGNAL_ALIASES);
      const signals = condition(rule, 'set');
      const signalSet = signals ? new Set(signals.map((w) => w.text)) : undefined;
      const peers = peerOf(rule)?.map(pattern);
      return (access) => {
        if (!('signal' in access)) return false;
        const s = access.signal;
        if (granted && (s.access === undefined || !granted.has(s.access))) return false;
        if (signalSet && (s.signal === undefined || !signalSet.has(s.signal))) return false;
        return !peers || (s.peer !== undefined && peers.some((p) => p.test(s.peer as string)));
      };
    }
    case 'ptrace': {
      const granted = grantedSet(rule, PTRACE_ALIASES);
      const peers = peerOf(rule)?.map(pattern);
      return (access) => {
        if (!('ptrace' in access)) return false;
        const p = access.ptrace;
        if (granted && (p.access === undefined || !granted.has(p.access))) return false;
        return !peers || (p.peer !== undefined && peers.some((r) => r.test(p.peer as string)));
      };
    }
    case 'mount':
    case 'remount':
    case 'umount': {
      const operation = rule.kind;
      const fstypes = (condition(rule, 'fstype') ?? condition(rule, 'vfstype'))?.map(pattern);
      const optionSets = rule.conditions
        .filter((c) => c.key === 'options')
        .map((c) => ({ membership: c.membership, values: new Set(c.values.map((w) => w.text)) }));
      const paths = rule.words.filter((w) => w.text !== '').map(pattern);
      const target = rule.target ? pattern(rule.target) : undefined;
      return (access) => {
        if (!('mount' in access)) return false;
        const m = access.mount;
        if ((m.operation ?? 'mount') !== operation) return false;
        if (fstypes && (m.fstype === undefined || !fstypes.some((r) => r.test(m.fstype as string))))
          return false;
        const given = m.options ?? [];
        for (const { membership, values } of optionSets) {
          if (!given.every((o) => values.has(o))) return false;
          if (!membership && given.length !== values.size) return false;
        }
        const [first] = paths;
        if (operation === 'mount') {
          if (first && (m.source === undefined || !first.test(m.source))) return false;
          return !target || target.test(m.target);
        }
        return !first || first.test(m.target);
      };
    }
    default:
      return () => false;
  }
}

/** The sockets a network rule covers: a domain (undefined: every one) and its types (undefined: every one). */
interface NetworkEntry {
  domain?: string;
  types?: ReadonlySet<string>;
}

/**
 * The sockets of a network rule's words, as apparmor_parser's mapping table has them: `network`
 * every socket; `network D` domain D with the types the table lists for every domain (stream,
 * dgram, seqpacket, rdm, raw, packet); `network T` type T in every domain; `network tcp` (udp,
 * icmp) the protocol's type in the domains it is mapped for; `network D T` and `network D tcp`
 * likewise within D. Words that name no entry cover nothing (apparmor_parser refuses them).
 */
function networkEntries(words: readonly string[]): NetworkEntry[] {
  const [first, second] = words;
  if (first === undefined) return [{}];
  if (NETWORK_DOMAINS.has(first)) {
    const domain = first === 'local' ? 'unix' : first;
    if (second === undefined) return [{ domain, types: NETWORK_TYPES }];
    if (NETWORK_TYPES.has(second)) return [{ domain, types: new Set([second]) }];
    const mapped = NETWORK_PROTOCOL_TYPES[second];
    return mapped?.domains.includes(domain) ? [{ domain, types: new Set([mapped.type]) }] : [];
  }
  if (second !== undefined) return [];
  if (NETWORK_TYPES.has(first)) return [{ types: new Set([first]) }];
  const mapped = NETWORK_PROTOCOL_TYPES[first];
  return mapped ? mapped.domains.map((domain) => ({ domain, types: new Set([mapped.type]) })) : [];
}

type NetworkAccess = Extract<Access, { network: unknown }>['network'];

/** Every domain once (`local` is `unix`). */
const ALL_DOMAINS = [...NETWORK_DOMAINS].filter((domain) => domain !== 'local');

/**
 * The sockets an access stands for, each a domain and a type. The protocol only chooses the type
 * (`tcp` a stream socket, `udp` a dgram one, `icmp` a raw one), as the kernel's socket(2) does
 * with protocol 0; a part left out stands for every value (the access is allowed only when all
 * of them are).
 */
function networkSockets(n: NetworkAccess): { domain: string; type: string }[] {
  const mapped = n.protocol === undefined ? undefined : NETWORK_PROTOCOL_TYPES[n.protocol];
  let types: readonly string[];
  if (n.type !== undefined) {
    if (mapped && mapped.type !== n.type)
      throw new Error(
        `network access: ${n.protocol} sockets are of type ${mapped.type}, not ${n.type} (socket(2) refuses them)`,
      );
    types = [n.type];
  } else if (mapped) types = [mapped.type];
  else if (n.protocol !== undefined)
    throw new Error(
      `network access: AppArmor mediates sockets by domain and type, and protocol "${n.protocol}" names no type (tcp, udp and icmp do): give the type too`,
    );
  else types = [...NETWORK_TYPES];
  const domains = n.domain === undefined ? ALL_DOMAINS : [n.domain === 'local' ? 'unix' : n.domain];
  return domains.flatMap((domain) => types.map((type) => ({ domain, type })));
}

/** A network access, decided per socket it stands for: one denied socket denies it. */
function decideNetwork(
  set: ProfileSet,
  profile: CompiledProfile,
  n: NetworkAccess,
  options: EvaluateOptions,
): AccessDecision {
  const rules = profile.others.get('network') ?? [];
  const decideOne = (access: Access): AccessDecision => {
    const matches: Compiled[] = [];
    for (const rule of rules) if (rule.matches(access)) matches.push(rule);
    return decideBy(set, profile, matches, access, options);
  };
  // One socket named in full (the usual case): no copies.
  if (n.domain !== undefined && n.type !== undefined && n.protocol === undefined)
    return decideOne({ network: n });
  let result: AccessDecision | undefined;
  for (const socket of networkSockets(n)) {
    const one: NetworkAccess = { ...socket };
    if (n.access !== undefined) one.access = n.access;
    if (n.protocol !== undefined) one.protocol = n.protocol;
    const decision = decideOne({ network: one });
    if (decision.decision === 'deny') return decision;
    if (!result || (decision.decision === 'audit' && result.decision === 'allow')) result = decision;
  }
  return result as AccessDecision;
}

/** The access words a rule grants (aliases such as `r` expanded); undefined: every access. */
function grantedSet(rule: MediationRule, aliases: Record<string, string[]>): Set<string> | undefined {
  const perms = rule.permissions.map((w) => w.text).filter((p) => p in aliases);
  if (perms.length === 0) return undefined;
  return new Set(perms.flatMap((p) => [p, ...(aliases[p] ?? [])]));
}
