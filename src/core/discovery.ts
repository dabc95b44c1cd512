/**
 * Finding the policy files of a repository: the conventional layout, `chs.yaml`'s paths, or the
 * paths given on the command line.
 */
import { readdirSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { globBase, globToRegExp } from './glob.js';
import type { PolicyKind } from './kinds.js';
import { POLICY_KINDS } from './kinds.js';
import { UserError } from './errors.js';
import { OUTSIDE_REASON, Reach } from './reach.js';

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
  /** The path leads out of the reach: nothing of it was read. */
  outside?: boolean;
}

function toPosix(p: string): string {
  return sep === '/' ? p : p.split(sep).join('/');
}

/**
 * Every regular file below a directory (sorted, symlinked directories not followed) that lies
 * within `reach`: a directory or a symbolic link that leads out of it is a problem, not walked.
 */
export function walkFiles(dir: string, problems: WalkProblem[], cwd: string, reach: Reach): string[] {
  const out: string[] = [];
  const outside = (path: string): void => {
    problems.push({ display: displayPath(path, cwd), message: OUTSIDE_REASON, outside: true });
  };
  if (!reach.contains(dir)) {
    outside(dir);
    return out;
  }
  const visit = (current: string, depth: number): void => {
    if (depth > 64) return;
    let entries;
    try {
      entries = readdirSync(current, { withFileTypes: true });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return;
      problems.push({
        display: displayPath(current, cwd),
        message: `cannot read directory: ${code === 'EACCES' || code === 'EPERM' ? 'permission denied' : (code ?? String(error))}`,
      });
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (entry.name.startsWith('.') && entry.isDirectory()) continue;
      const full = join(current, entry.name);
      if (entry.isDirectory()) {
        if (!SKIP_DIRS.has(entry.name)) visit(full, depth + 1);
      } else if (entry.isFile()) out.push(full);
      else if (entry.isSymbolicLink()) {
        if (!reach.contains(full)) {
          outside(full);
          continue;
        }
        try {
          if (statSync(full).isFile()) out.push(full);
        } catch {
          // A dangling link is no policy file.
        }
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

/**
 * Discovers the repository's policy files from the configured globs, in the globs' order; only
 * files inside the repository (a glob such as `../x/**` or `/etc/**` is a problem).
 */
export function discover(
  root: string,
  cwd: string,
  paths: PathsConfig,
  problems: WalkProblem[],
): DiscoveredFile[] {
  const seen = new Set<string>();
  const out: DiscoveredFile[] = [];
  const reach = new Reach([root]);
  // Several globs walk the same directories: each problem is reported once.
  const found: WalkProblem[] = [];
  const reported = new Set(problems.map((p) => `${p.display}\0${p.message}`));
  for (const kind of [...POLICY_KINDS, 'tests'] as const) {
    for (const glob of paths[kind]) {
      const matcher = globToRegExp(glob);
      const base = resolve(root, globBase(glob));
      found.length = 0;
      const files = walkFiles(base, found, cwd, reach);
      for (const problem of found) {
        const key = `${problem.display}\0${problem.message}`;
        if (!reported.has(key)) problems.push(problem);
        reported.add(key);
      }
      for (const file of files) {
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
      isDir = statSync(absolute).isDirectory();
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') throw new UserError(`${arg}: no such file or directory`);
      throw new UserError(`${arg}: cannot read (${code ?? String(error)})`);
    }
    if (!isDir) {
      if (!seen.has(absolute)) {
        seen.add(absolute);
        const kind = kindByPath(toPosix(relative(root, absolute)), paths);
        out.push(kind === undefined ? { absolute, display: arg } : { absolute, display: arg, kind });
      }
      continue;
    }
    // A directory named on the command line is trusted; what its links lead to must stay in it
    // or in the repository.
    for (const file of walkFiles(absolute, problems, cwd, new Reach([root, absolute]))) {
      if (seen.has(file)) continue;
      seen.add(file);
      const kind = kindByPath(toPosix(relative(root, file)), paths);
      const display = toPosix(join(arg, relative(absolute, file)));
      out.push(kind === undefined ? { absolute: file, display } : { absolute: file, display, kind });
    }
  }
  return out;
}
