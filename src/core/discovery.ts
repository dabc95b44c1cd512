/**
 * Finding the policy files of a repository: the conventional layout, `chs.yaml`'s paths, or the
 * paths given on the command line.
 */
import { readdirSync, statSync } from 'node:fs';
import { notARegularFile } from './read.js';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { globBase, globToRegExp } from './glob.js';
import type { PolicyKind } from './kinds.js';
import { POLICY_KINDS } from './kinds.js';
import { UserError } from './errors.js';

export type PathsConfig = Record<PolicyKind | 'tests', string[]>;

/** The repository layout of PRODUCT.md. */
export const DEFAULT_PATHS: PathsConfig = {
  falco: ['policies/falco/**/*.yaml', 'policies/falco/**/*.yml'],
  apparmor: ['policies/apparmor/**'],
  seccomp: ['policies/seccomp/**/*.json'],
  'pod-security': ['policies/pod-security/**/*.yaml', 'policies/pod-security/**/*.yml'],
  tests: ['policies/tests/**/*.yaml', 'policies/tests/**/*.yml'],
};

const SKIP_DIRS = new Set(['.git', 'node_modules', '.chs']);

export interface DiscoveredFile {
  /** Absolute path. */
  absolute: string;
  /** As the user gave it, or relative to the working directory when found by discovery. */
  display: string;
  /** The kind, when the layout or `--kind` says it; classified by content otherwise. */
  kind?: PolicyKind | 'tests';
}

export interface WalkProblem {
  display: string;
  message: string;
}

function toPosix(p: string): string {
  return sep === '/' ? p : p.split(sep).join('/');
}

/** Directories deeper than this below a walked directory are not entered (and said so). */
const MAX_WALK_DEPTH = 64;

export interface WalkOptions {
  /** Whether a path that cannot be read as a file is worth a word (discovery: it matches a glob). */
  wanted?: (absolute: string) => boolean;
  /** Whether a directory's name is one a policy file would have (`x.yaml/`). */
  namedLikeFile?: (absolute: string) => boolean;
}

function codeOf(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'ELOOP') return 'a loop of symbolic links';
  return code ?? String(error);
}

/**
 * Every regular file below a directory (sorted, symlinked directories not followed). What is
 * skipped is said in `problems`: devices, pipes, sockets, links that loop or lead nowhere,
 * directories named like policy files, directories too deep.
 */
export function walkFiles(
  dir: string,
  problems: WalkProblem[],
  cwd: string,
  options: WalkOptions = {},
): string[] {
  const out: string[] = [];
  const wanted = options.wanted ?? (() => true);
  // Discovery walks a directory once per glob: a problem is said once.
  const say = (full: string, message: string): void => {
    const display = displayPath(full, cwd);
    if (!problems.some((p) => p.display === display && p.message === message))
      problems.push({ display, message });
  };
  const skipped = (full: string, message: string): void => {
    if (wanted(full)) say(full, message);
  };
  const visit = (current: string, depth: number): void => {
    if (depth > MAX_WALK_DEPTH) {
      say(current, `more than ${MAX_WALK_DEPTH} directories deep; not searched`);
      return;
    }
    let entries;
    try {
      entries = readdirSync(current, { withFileTypes: true });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return;
      say(current, `cannot read directory: ${codeOf(error)}`);
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (entry.name.startsWith('.') && entry.isDirectory()) continue;
      const full = join(current, entry.name);
      if (entry.isDirectory()) {
        if (options.namedLikeFile?.(full))
          say(full, 'is a directory named like a policy file; rename it or move the file out of it');
        else if (!SKIP_DIRS.has(entry.name)) visit(full, depth + 1);
      } else if (entry.isFile()) out.push(full);
      else if (entry.isSymbolicLink()) {
        let stat;
        try {
          stat = statSync(full);
        } catch (error) {
          const code = (error as NodeJS.ErrnoException).code;
          skipped(
            full,
            code === 'ENOENT'
              ? 'is a symbolic link to nothing (its target does not exist)'
              : `is a symbolic link that cannot be followed: ${codeOf(error)}`,
          );
          continue;
        }
        if (stat.isFile()) out.push(full);
        else if (!stat.isDirectory())
          skipped(full, `is a symbolic link to ${notARegularFile(stat) ?? 'something'}, not a policy file`);
      } else {
        let what = 'not a regular file';
        try {
          what = notARegularFile(statSync(full)) ?? what;
        } catch {
          // Gone meanwhile: the generic word does.
        }
        skipped(full, `is ${what}, not a policy file`);
      }
    }
  };
  visit(dir, 0);
  return out;
}

export function displayPath(absolute: string, cwd: string): string {
  const rel = relative(cwd, absolute);
  return toPosix(rel === '' ? '.' : rel);
}

/** Kinds by the configured globs, matched against paths relative to the repository root. */
export function kindByPath(relPath: string, paths: PathsConfig): PolicyKind | 'tests' | undefined {
  for (const kind of [...POLICY_KINDS, 'tests'] as const) {
    if (paths[kind].some((glob) => globToRegExp(glob).test(relPath))) return kind;
  }
  return undefined;
}

/** Discovers the repository's policy files from the configured globs, in the globs' order. */
export function discover(
  root: string,
  cwd: string,
  paths: PathsConfig,
  problems: WalkProblem[],
): DiscoveredFile[] {
  const seen = new Set<string>();
  const out: DiscoveredFile[] = [];
  for (const kind of [...POLICY_KINDS, 'tests'] as const) {
    for (const glob of paths[kind]) {
      const matcher = globToRegExp(glob);
      const base = resolve(root, globBase(glob));
      const matches = (absolute: string): boolean => matcher.test(toPosix(relative(root, absolute)));
      // `policies/apparmor/**` names directories too; `**/*.yaml` names only files.
      const namesFiles = !glob.endsWith('**');
      const walked = walkFiles(base, problems, cwd, {
        wanted: matches,
        ...(namesFiles ? { namedLikeFile: matches } : {}),
      });
      for (const file of walked) {
        const rel = toPosix(relative(root, file));
        if (seen.has(file) || !matcher.test(rel)) continue;
        seen.add(file);
        out.push({ absolute: file, display: displayPath(file, cwd), kind });
      }
    }
  }
  return out;
}

/** Expands the paths given on the command line: files as given, directories walked. */
export function expandArguments(
  args: readonly string[],
  cwd: string,
  root: string,
  paths: PathsConfig,
  problems: WalkProblem[],
): DiscoveredFile[] {
  const out: DiscoveredFile[] = [];
  const seen = new Set<string>();
  for (const arg of args) {
    const absolute = isAbsolute(arg) ? arg : resolve(cwd, arg);
    let isDir: boolean;
    try {
      const stat = statSync(absolute);
      isDir = stat.isDirectory();
      const what = notARegularFile(stat);
      // A pipe would block or read as empty, a device never end: a policy file is a file.
      if (!isDir && what !== undefined)
        throw new UserError(`${arg}: is ${what}, not a policy file; name the policy files themselves`);
    } catch (error) {
      if (error instanceof UserError) throw error;
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') throw new UserError(`${arg}: no such file or directory`);
      throw new UserError(`${arg}: cannot read (${codeOf(error)})`);
    }
    if (!isDir) {
      if (!seen.has(absolute)) {
        seen.add(absolute);
        const kind = kindByPath(toPosix(relative(root, absolute)), paths);
        out.push(kind === undefined ? { absolute, display: arg } : { absolute, display: arg, kind });
      }
      continue;
    }
    for (const file of walkFiles(absolute, problems, cwd)) {
      if (seen.has(file)) continue;
      seen.add(file);
      const kind = kindByPath(toPosix(relative(root, file)), paths);
      const display = toPosix(join(arg, relative(absolute, file)));
      out.push(kind === undefined ? { absolute: file, display } : { absolute: file, display, kind });
    }
  }
  return out;
}
