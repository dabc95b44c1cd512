/**
 * Finding the policy files of a repository: the conventional layout, `chs.yaml`'s paths, or the
 * paths given on the command line.
 */
import { readdirSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { notARegularFile } from './read.js';
import { globBase, globToRegExp } from './glob.js';
import { relativePosix, toPosix } from './paths.js';
import type { PolicyKind } from './kinds.js';
import { UserError } from './errors.js';
import { OUTSIDE_REASON, Reach } from './reach.js';

/**
 * The globs chs.yaml's `paths` sets, by kind (`pod-security`) and `tests`; a kind it does not name
 * keeps its language's default (`Language.defaultPaths`).
 */
export type PathsConfig = Partial<Record<PolicyKind, string[]>>;

/** Where the test files are in the repository layout of PRODUCT.md. */
export const DEFAULT_TEST_PATHS: readonly string[] = ['policies/tests/**/*.yaml', 'policies/tests/**/*.yml'];

/** The globs of each kind, in the languages' order, then the tests' (the order files are found in). */
export type Layout = readonly { kind: PolicyKind; globs: readonly string[] }[];

/** The layout of a repository: chs.yaml's paths where it sets them, else each language's default. */
export function layoutOf(
  paths: PathsConfig,
  languages: readonly { kind: PolicyKind; defaultPaths: readonly string[] }[],
): Layout {
  return [
    ...languages.map((language) => ({
      kind: language.kind,
      globs: paths[language.kind] ?? language.defaultPaths,
    })),
    { kind: 'tests', globs: paths.tests ?? DEFAULT_TEST_PATHS },
  ];
}

const SKIP_DIRS = new Set(['.git', 'node_modules', '.chs']);

export interface DiscoveredFile {
  /** Absolute path. */
  absolute: string;
  /** As the user gave it, or relative to the working directory when found by discovery. */
  display: string;
  /** The kind (or `tests`), when the layout or `--kind` says it; classified by content otherwise. */
  kind?: PolicyKind;
}

export interface WalkProblem {
  display: string;
  message: string;
  /** The path leads out of the reach: nothing of it was read. */
  outside?: boolean;
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
 * Every regular file below a directory (sorted, symlinked directories not followed) that lies
 * within `reach`: a directory or a symbolic link that leads out of it is a problem, not walked.
 * What is skipped is said in `problems`: devices, pipes, sockets, links that loop or lead nowhere,
 * directories named like policy files, directories too deep.
 */
export function walkFiles(
  dir: string,
  problems: WalkProblem[],
  cwd: string,
  reach: Reach,
  options: WalkOptions = {},
): string[] {
  const out: string[] = [];
  const wanted = options.wanted ?? (() => true);
  // Discovery walks a directory once per glob: a problem is said once.
  const say = (full: string, message: string, outside = false): void => {
    const display = displayPath(full, cwd);
    if (!problems.some((p) => p.display === display && p.message === message))
      problems.push(outside ? { display, message, outside } : { display, message });
  };
  const skipped = (full: string, message: string): void => {
    if (wanted(full)) say(full, message);
  };
  const outside = (path: string): void => say(path, OUTSIDE_REASON, true);
  if (!reach.contains(dir)) {
    outside(dir);
    return out;
  }
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
        if (!reach.contains(full)) {
          outside(full);
          continue;
        }
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

/**
 * The files below `root` a glob names (matched against their `/`-separated paths relative to
 * `root`), in walk order: only the glob's literal leading directories are walked. Only files
 * within `reach` are read: a glob or a link that leads out of it is a problem marked `outside`.
 */
export function expandGlob(
  glob: string,
  root: string,
  cwd: string,
  reach: Reach,
  problems: WalkProblem[],
): string[] {
  const matcher = globToRegExp(glob);
  const matches = (absolute: string): boolean => matcher.test(relativePosix(root, absolute));
  // `policies/apparmor/**` names directories too; `**/*.yaml` names only files.
  const namesFiles = !glob.endsWith('**');
  const walked = walkFiles(resolve(root, globBase(glob)), problems, cwd, reach, {
    wanted: matches,
    ...(namesFiles ? { namedLikeFile: matches } : {}),
  });
  return walked.filter(matches);
}

export function displayPath(absolute: string, cwd: string): string {
  const rel = relative(cwd, absolute);
  return toPosix(rel === '' ? '.' : rel);
}

/** Kinds by the configured globs, matched against paths relative to the repository root. */
function kindByPath(relPath: string, layout: Layout): PolicyKind | undefined {
  for (const { kind, globs } of layout) {
    if (globs.some((glob) => globToRegExp(glob).test(relPath))) return kind;
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
  layout: Layout,
  problems: WalkProblem[],
): DiscoveredFile[] {
  const seen = new Set<string>();
  const out: DiscoveredFile[] = [];
  const reach = new Reach([root]);
  for (const { kind, globs } of layout) {
    for (const glob of globs) {
      for (const file of expandGlob(glob, root, cwd, reach, problems)) {
        if (seen.has(file)) continue;
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
  layout: Layout,
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
        const kind = kindByPath(relativePosix(root, absolute), layout);
        out.push(kind === undefined ? { absolute, display: arg } : { absolute, display: arg, kind });
      }
      continue;
    }
    // A directory named on the command line is trusted; what its links lead to must stay in it
    // or in the repository.
    for (const file of walkFiles(absolute, problems, cwd, new Reach([root, absolute]))) {
      if (seen.has(file)) continue;
      seen.add(file);
      const kind = kindByPath(relativePosix(root, file), layout);
      const display = toPosix(join(arg, relative(absolute, file)));
      out.push(kind === undefined ? { absolute: file, display } : { absolute: file, display, kind });
    }
  }
  return out;
}

/**
 * Checking nothing is an error (exit 2), never "no problems": the message says where chs looked,
 * so that a mistyped `-C` or a run outside the repository is seen at once.
 */
export function nothingToCheck(
  what: string,
  root: string,
  globs: readonly string[],
  hint = 'run chs in the policy repository (or give it with chs -C DIR), or set paths in chs.yaml',
): UserError {
  return new UserError(`no ${what} in ${root} (looked for ${globs.join(', ')}): ${hint}`);
}
