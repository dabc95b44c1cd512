/**
 * Which repository a command works on when it is started in a subfolder: the nearest directory
 * holding chs.yaml, else the git top level, as git and ESLint find theirs. The search stops at the
 * git top level: a chs.yaml above it belongs to another project.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CONFIG_FILE_NAMES } from './config.js';
import { UserError } from './errors.js';

export interface RepositoryRoot {
  /** Absolute directory. */
  root: string;
  /** What marked it: chs.yaml, git's `.git`, or nothing (the working directory itself). */
  by: 'chs.yaml' | 'git' | 'working directory';
}

export function findRepositoryRoot(cwd: string): RepositoryRoot {
  for (let dir = cwd; ; dir = dirname(dir)) {
    if (CONFIG_FILE_NAMES.some((name) => existsSync(join(dir, name)))) return { root: dir, by: 'chs.yaml' };
    // `.git` is a directory in a clone, a file in a worktree or a submodule.
    if (existsSync(join(dir, '.git'))) return { root: dir, by: 'git' };
    if (dirname(dir) === dir) return { root: cwd, by: 'working directory' };
  }
}

/** The working directory a command was given (`-C`) must exist: checking nothing is no success. */
export function checkWorkingDirectory(cwd: string, given: string | undefined): void {
  let isDirectory = false;
  try {
    isDirectory = statSync(cwd).isDirectory();
  } catch {
    // Missing or unreadable: said below.
  }
  if (isDirectory) return;
  const what = given === undefined ? cwd : `-C ${given}`;
  throw new UserError(
    existsSync(cwd)
      ? `${what}: not a directory; give the directory of the policy repository`
      : `${what}: no such directory; give the directory of the policy repository (in CI, the template's root input, relative to the project directory)`,
  );
}
