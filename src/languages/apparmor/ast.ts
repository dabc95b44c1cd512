/**
 * The tree of an apparmor.d file. Every node carries 0-based offsets into its own file's text;
 * nodes from an included file point into that file (see `Include.files`).
 */
import type { Range } from '../../core/diagnostic.js';

/** A word of the source: a path, a name, a value. `text` is unquoted; escapes are kept. */
export interface Word extends Range {
  text: string;
  quoted: boolean;
}

export interface Qualifiers {
  audit?: Range;
  allow?: Range;
  deny?: Range;
  owner?: Range;
  other?: Range;
  priority?: { value: number } & Range;
}

/** A file permission set with its exec transition. */
export interface FilePermissions {
  read: boolean;
  write: boolean;
  append: boolean;
  link: boolean;
  lock: boolean;
  mmap: boolean;
  /** `x` for a bare x (deny rules), else the transition: ix, px, Px, ux, Ux, cx, Cx, pix, ... */
  exec?: string;
}

interface RuleBase extends Range {
  qualifiers: Qualifiers;
}

export interface FileRule extends RuleBase {
  kind: 'file';
  /** Absent for the bare `file,` rule (every file). */
  path?: Word;
  permissions: FilePermissions;
  permissionsWord?: Word;
  /** `safe` or `unsafe` before the permissions (AppArmor 4). */
  safety?: Word;
  target?: Word;
}

interface LinkRule extends RuleBase {
  kind: 'link';
  subset: boolean;
  path: Word;
  target: Word;
}

/** A condition of a mediation rule: `key=value`, `key=(a b)`, `key in (a b)`, `peer=(...)`. */
export interface Condition extends Range {
  key: string;
  keyRange: Range;
  values: Word[];
  /** `in (...)` instead of `=` (mount options). */
  membership: boolean;
  /** Nested conditions of `peer=(...)`. */
  nested?: Condition[];
}

/** capability, network, signal, ptrace, unix, dbus, mount, remount, umount, pivot_root,
 * change_profile, userns, mqueue, io_uring, all, rlimit. */
export interface MediationRule extends RuleBase {
  kind:
    | 'capability'
    | 'network'
    | 'signal'
    | 'ptrace'
    | 'unix'
    | 'dbus'
    | 'mount'
    | 'remount'
    | 'umount'
    | 'pivot_root'
    | 'change_profile'
    | 'userns'
    | 'mqueue'
    | 'io_uring'
    | 'all'
    | 'rlimit';
  keyword: Range;
  /** Access words (`send`, `(read, write)`), or the capability names. */
  permissions: Word[];
  /** Whether the permissions were written in parentheses. */
  parenthesized: boolean;
  conditions: Condition[];
  /** Bare words after the conditions: network domain and type, mount source, rlimit value. */
  words: Word[];
  /** After `->`. */
  target?: Word;
  /** `exec` part of change_profile (before `->`). */
}

export type Rule = FileRule | LinkRule | MediationRule;

export interface Flag extends Range {
  name: string;
  value?: Word;
}

export interface Profile extends Range {
  kind: 'profile';
  /** `^name` and `hat name` are hats; `profile` the keyword form. */
  form: 'path' | 'profile' | 'hat' | 'caret';
  name?: Word;
  attachment?: Word;
  flags: Flag[];
  flagsRange?: Range;
  xattrs: Condition[];
  qualifiers: Qualifiers;
  body: Statement[];
  /** The header, from the name to the opening brace. */
  header: Range;
  /** The file the profile is written in (for included profiles). */
  file: string;
}

export interface Include extends Range {
  kind: 'include';
  path: string;
  pathRange: Range;
  angle: boolean;
  ifExists: boolean;
  /** Filled by the loader: the parsed files (a directory gives several). */
  files: IncludedFile[];
  /**
   * Filled by the loader for an include the AppArmor distribution ships but no include root
   * provides here: the variables the shipped file defines (its rules are not known).
   */
  unchecked?: { variables: Readonly<Record<string, readonly string[]>> };
}

interface IncludedFile {
  path: string;
  statements: Statement[];
}

export interface VariableAssignment extends Range {
  kind: 'variable';
  name: string;
  nameRange: Range;
  append: boolean;
  values: Word[];
}

interface BooleanAssignment extends Range {
  kind: 'boolean';
  name: string;
  nameRange: Range;
  value: boolean;
}

interface Alias extends Range {
  kind: 'alias';
  from: Word;
  to: Word;
}

export interface Abi extends Range {
  kind: 'abi';
  path: string;
  angle: boolean;
}

export interface Conditional extends Range {
  kind: 'if';
  negations: number;
  test: 'boolean' | 'defined';
  variable: Word;
  then: Statement[];
  otherwise?: Statement[];
}

/** `owner { ... }`: rules sharing qualifiers (already merged into each rule). */
interface QualifierBlock extends Range {
  kind: 'block';
  qualifiers: Qualifiers;
  body: Statement[];
}

export type Statement =
  | QualifierBlock
  | Profile
  | Include
  | VariableAssignment
  | BooleanAssignment
  | Alias
  | Abi
  | Conditional
  | Rule;
