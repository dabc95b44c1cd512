/**
 * The file-rule engine: `file` and `link` rules (and the every-path part of `file,` and `all,`)
 * compiled per profile and decided per permission bit. Without priorities, per bit the most
 * specific matching deny wins, else the most specific allow; rules are grouped by the first
 * component their literal prefix names and searched with combined expressions, built when a path
 * of that component is first decided.
 */
import type { Rule, Word } from '../ast.js';
import {
  aareToRegexSource,
  compileAare,
  expandAlternatives,
  expandPattern,
  expandVariables,
  literalPrefix,
} from '../aare.js';
import { LruCache } from '../../../core/lru.js';
import type {
  AccessDecision,
  Bucket,
  Compiled,
  CompiledFile,
  CompiledPattern,
  CompiledProfile,
  EvaluateOptions,
  FileRules,
  Lane,
  ProfileSet,
  Variables,
} from './types.js';
import { decidingRule, implicit } from './decide.js';

// File permission bits.
const R = 1;
const W = 2;
const A = 4;
const L = 8;
const K = 16;
const M = 32;
export const X = 64;
const ALL_FILE = R | W | A | L | K | M | X;
const LETTERS: Record<string, number> = { r: R, w: W, a: A, l: L, k: K, m: M, x: X };

function firstComponent(path: string): string | undefined {
  if (path.charCodeAt(0) !== 47) return undefined;
  const slash = path.indexOf('/', 1);
  return slash === -1 ? undefined : path.slice(1, slash);
}

/** `file,` and `all,`: every path, every permission, exec inherits. */
export function everyPath(base: Compiled): CompiledFile {
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

/** Indexes a profile's compiled file rules by the first component of their literal prefix. */
export function fileRules(files: CompiledFile[]): FileRules {
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
  return {
    rules: files,
    ownRules,
    anyRules,
    byComponent: new Map(),
    anyComponent: undefined,
    priorities: files.some((rule) => rule.priority !== 0),
  };
}

/**
 * Compiled path rules by rule and by the rule's text once variables are expanded. Included
 * abstractions are parsed once per process (load.ts) and shared by every profile that includes
 * them, so their rules are compiled once too, not once per profile.
 */
const compiledRules = new WeakMap<Rule, { key: string; compiled: CompiledFile[] }>();

export function compileFileRule(
  rule: Rule & { kind: 'file' | 'link' },
  file: string,
  variables: Variables,
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

function regexOf(at: CompiledPattern): RegExp {
  at.regex ??= compileAare(at.pattern);
  return at.regex;
}

/** The alternatives of a pattern, compiled, by the pattern's text (rules repeat across files). */
/**
 * The alternatives of a pattern, compiled, by the pattern's text (rules repeat across files and
 * profiles). Bounded: a process that reads many merge requests keeps the patterns in use.
 */
export const PATTERN_CACHE = new LruCache<string, CompiledPattern[]>(20_000);

function patternsOf(expanded: string): CompiledPattern[] {
  let known = PATTERN_CACHE.get(expanded);
  if (!known) {
    known = expandAlternatives(expanded, new Map()).map((pattern) => ({
      pattern,
      prefix: literalPrefix(pattern),
      literal: !/[*?[{]/.test(pattern),
    }));
    PATTERN_CACHE.set(expanded, known);
  }
  return known;
}

/** The bucket for paths of a first component (built on first use). */
function bucketFor(profile: FileRules, component: string | undefined): Bucket {
  const own = component === undefined ? undefined : profile.ownRules.get(component);
  if (own === undefined || component === undefined) {
    profile.anyComponent ??= bucketOf(profile.anyRules.map((i) => profile.rules[i] as CompiledFile));
    return profile.anyComponent;
  }
  let bucket = profile.byComponent.get(component);
  if (!bucket) {
    bucket = bucketOf(mergeInOrder(own, profile.anyRules).map((i) => profile.rules[i] as CompiledFile));
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

const BITS = new Map<string, number>();

export function bitsOf(permissions: string): number {
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

/** Decides the permission bits `wanted` on a path. */
export function decideFile(
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
  const bucket = bucketFor(profile.files, firstComponent(path));
  if (!profile.files.priorities) {
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
