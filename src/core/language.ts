/**
 * What every policy language gives the runner. Languages live in src/languages/<kind>/ and are
 * listed in src/languages/list.ts; core never imports them.
 */
import type { Config } from './config.js';
import type { Range } from './diagnostic.js';
import type { PolicyKind } from './kinds.js';
import type { ReadScope } from './reach.js';
import type { ReadResult } from './read.js';
import type { AnyRule, Report } from './rule.js';
import type { SourceFile } from './source.js';

/** A place in a policy file. */
export interface Location {
  file: string;
  range?: Range;
}

/**
 * Facts a language learns about the repository that other languages check against: the profiles
 * the repository defines and those its pod security policies and tests reference.
 */
export interface RepositoryFacts {
  /** AppArmor profile names defined by the repository's profiles. */
  apparmorProfiles: Map<string, Location>;
  /** seccomp profiles by path relative to the repository root (as `localhostProfile` names them). */
  seccompProfiles: Map<string, Location>;
  /** AppArmor profile names referenced by pod security policies, tests or workloads. */
  referencedApparmorProfiles: Map<string, Location[]>;
  /** seccomp profiles referenced the same way. */
  referencedSeccompProfiles: Map<string, Location[]>;
}

export function emptyFacts(): RepositoryFacts {
  return {
    apparmorProfiles: new Map(),
    seccompProfiles: new Map(),
    referencedApparmorProfiles: new Map(),
    referencedSeccompProfiles: new Map(),
  };
}

export interface LintContext {
  config: Config;
  /** Absolute working directory: display paths are relative to it. */
  cwd: string;
  /** Extra roots for AppArmor includes from `--include-dir`. */
  includeDirs: readonly string[];
  /** The include roots of the run and what it may read (the repository and those roots). */
  scope: ReadScope;
  /**
   * Reads another file (an include, a baseline) with the same guards as policy files; a file
   * outside `scope.reach` is refused unread (reason `outside`).
   */
  readFile: (absolutePath: string, displayPath: string) => ReadResult;
  report: Report;
  /** Filled by every language's `collectFacts` before any `lint` runs. */
  facts: RepositoryFacts;
}

export interface Language {
  kind: PolicyKind;
  /** Where its files are in the conventional layout; chs.yaml's `paths.<kind>` replaces them. */
  defaultPaths: readonly string[];
  /** Every rule the language can report, for the registry. */
  rules: readonly AnyRule[];
  /** Whether a file outside the conventional layout looks like this kind (content sniffing). */
  sniff(file: SourceFile): boolean;
  /** First pass: record what the files define and reference (no findings). */
  collectFacts?(files: readonly SourceFile[], context: LintContext): void;
  /** Second pass: report findings for the files, which are given in load order. */
  lint: (files: readonly SourceFile[], context: LintContext) => void | Promise<void>;
}
