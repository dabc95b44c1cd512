/** The shapes shared by the evaluator's modules: accesses, decisions and compiled rules. */
import type { Range } from '../../../core/diagnostic.js';
import type { MediationRule, Rule } from '../ast.js';
import type { PolicyModel, ProfileModel } from '../model.js';

/** A permission word, or several (each is decided; one denied denies the access). */
export type Permissions = string | string[];

/** The other end of a unix socket: its address and its label (profile name). */
interface UnixPeer {
  addr?: string;
  label?: string;
}

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
    }
  | { unix: { access: Permissions; type?: string; addr?: string; peer?: UnixPeer } }
  | {
      dbus: {
        access: Permissions;
        bus?: string;
        /** bind: the name bound; send and receive: the peer's name. */
        name?: string;
        path?: string;
        interface?: string;
        member?: string;
        /** send and receive: the peer's label. */
        label?: string;
      };
    }
  | { mqueue: { access: Permissions; name?: string; type?: 'posix' | 'sysv'; label?: string } }
  | { io_uring: { access: Permissions; label?: string } }
  | { userns: { access?: Permissions } };

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

export type Variables = ReadonlyMap<string, readonly string[]>;

export interface Compiled {
  rule: Rule;
  file: string;
  deny: boolean;
  audit: boolean;
  owner: boolean;
  priority: number;
  /** Built on first use. */
  deciding?: DecidingRule;
}

/** A non-file rule: whether it matches an access (classes decided as a whole). */
export interface CompiledOther extends Compiled {
  matches: (access: Access) => boolean;
}

/**
 * A rule of a class decided per permission: the permissions (bits of the class) it grants, or
 * denies, for an access; 0 when it does not match the access.
 */
export interface CompiledPerms extends Compiled {
  grants: (access: Access) => number;
}

export interface CompiledProfile {
  profile: ProfileModel;
  /** The file engine's compiled rules and indexes (files.ts). */
  files: FileRules;
  /** Rules of the classes decided as a whole, by access key (`all,` rules in every list). */
  others: Map<string, CompiledOther[]>;
  /** Rules of the classes decided per permission, by access key. */
  perms: Map<string, CompiledPerms[]>;
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

/** A mediation class decided as a whole (capability, network, signal, ptrace, mount). */
export interface WholeClass {
  key: string;
  ruleKinds: readonly MediationRule['kind'][];
  compile: (rule: MediationRule, variables: Variables) => (access: Access) => boolean;
  describe: (access: Access) => string;
}

/**
 * A mediation class decided per permission (unix, dbus, mqueue, io_uring, userns), as the
 * kernel reads the permission bits of the state the query ends in.
 */
export interface PermsClass {
  key: string;
  ruleKinds: readonly MediationRule['kind'][];
  table: PermissionTable;
  /** The bits an access asks for (throws, with what to write, on an unknown word). */
  wanted: (access: Access) => number;
  compile: (rule: MediationRule, variables: Variables) => (access: Access) => number;
  describe: (access: Access) => string;
}

/** A class's permission words: each word's bits (aliases included), and every bit of the class. */
export interface PermissionTable {
  words: Readonly<Record<string, number>>;
  all: number;
  /** The class, for messages. */
  className: string;
}

// The file engine's shapes (files.ts).

export interface CompiledFile extends Compiled {
  /** The pattern (after expansion); undefined: every path (`file,` and `all,`). */
  at: CompiledPattern | undefined;
  prefix: string;
  literal: boolean;
  bits: number;
  exec: string | undefined;
  target: string | undefined;
}

/**
 * The rules of one permission bit that can match a path, most specific first, searched with
 * combined expressions: one regular expression per chunk of rules, whose first matching
 * alternative is the first matching rule (a chunk that does not match skips all its rules).
 */
export interface Lane {
  rules: CompiledFile[];
  chunks: { from: number; regex: RegExp }[];
}

/** The file rules that can match paths of one first component, arranged for quick decisions. */
export interface Bucket {
  /** In the profile's order (the general path, with priorities). */
  all: CompiledFile[];
  /** Per permission bit (0..6): allow and deny rules, most specific first (built on first use). */
  allow: (Lane | undefined)[];
  deny: (Lane | undefined)[];
}

/** A profile's file rules, with the indexes the engine builds (buckets on first use). */
export interface FileRules {
  rules: CompiledFile[];
  /** File rules (indices in `rules`) whose literal prefix names a first component ("etc" for /etc/x). */
  ownRules: Map<string, number[]>;
  /** File rules (indices in `rules`) whose first component is a pattern: candidates for every path. */
  anyRules: number[];
  /** Buckets built on first use, by first component (a path's own rules and the pattern-led ones). */
  byComponent: Map<string, Bucket>;
  /** The bucket of paths whose first component no rule names. */
  anyComponent: Bucket | undefined;
  /** Whether any rule has a priority (then the general path decides). */
  priorities: boolean;
}

/** One alternative of a path pattern; its expressions are made when first needed. */
export interface CompiledPattern {
  pattern: string;
  prefix: string;
  literal: boolean;
  regex?: RegExp;
  /** The expression for combined expressions (no anchors, no capturing groups). */
  source?: string;
}
