/**
 * The base of a merge request, read from the same clone with git: fetched when the clone is
 * shallow and lacks it, then written to a temporary directory through a temporary index (the
 * working tree and the real index are never touched).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../core/errors.js';

export interface CheckedOutBase {
  /** The base's copy of the directory the command runs in. */
  dir: string;
  /** The commit the ref resolved to. */
  commit: string;
  cleanup: () => void;
}

function git(cwd: string, args: string[], env: NodeJS.ProcessEnv = process.env): string {
  return execFileSync('git', args, {
    cwd,
    env,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 64 * 1024 * 1024,
    timeout: 120_000,
  }).trim();
}

function tryGit(cwd: string, args: string[]): string | undefined {
  try {
    return git(cwd, args);
  } catch {
    return undefined;
  }
}

function firstLine(error: unknown): string {
  const stderr = (error as { stderr?: string }).stderr;
  const text =
    typeof stderr === 'string' && stderr.trim() !== ''
      ? stderr
      : error instanceof Error
        ? error.message
        : String(error);
  return (text.trim().split('\n').pop() ?? '').replace(/^fatal: /, '');
}

/** Makes sure `ref` names a commit of the clone, fetching it (shallowly) when it is missing. */
function ensureCommit(top: string, ref: string): string {
  const have = (): string | undefined => tryGit(top, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
  const found = have();
  if (found) return found;
  const remote = tryGit(top, ['remote'])?.split('\n')[0] || 'origin';
  let lastError = '';
  // The commit itself, as GitLab's shallow merge request checkouts lack it; its history is not needed.
  try {
    git(top, ['fetch', '--quiet', '--no-tags', '--depth=1', remote, ref]);
    const fetched = have() ?? tryGit(top, ['rev-parse', '--verify', '--quiet', 'FETCH_HEAD^{commit}']);
    if (fetched) return fetched;
  } catch (error) {
    lastError = firstLine(error);
  }
  // A server that refuses to send a commit by its id still sends it with more history.
  if (tryGit(top, ['rev-parse', '--is-shallow-repository']) === 'true') {
    try {
      git(top, ['fetch', '--quiet', '--no-tags', '--deepen=200', remote]);
      const deepened = have();
      if (deepened) return deepened;
    } catch (error) {
      lastError = firstLine(error);
    }
  }
  throw new UserError(
    `cannot find the base ${ref} in this clone${lastError ? ` (git fetch: ${lastError})` : ''}: fetch it, set GIT_DEPTH to 0 in the job, or give --base-dir`,
  );
}

export function checkoutBase(cwd: string, ref: string): CheckedOutBase {
  if (ref.startsWith('-') || /[\s\0]/.test(ref)) throw new UserError(`--base takes a git ref, not "${ref}"`);
  const top = tryGit(cwd, ['rev-parse', '--show-toplevel']);
  if (!top) throw new UserError(`${cwd} is not in a git repository: give the base with --base-dir DIR`);
  const prefix = tryGit(cwd, ['rev-parse', '--show-prefix']) ?? '';
  const commit = ensureCommit(top, ref);
  const tmp = mkdtempSync(join(tmpdir(), 'chs-base-'));
  const cleanup = (): void => rmSync(tmp, { recursive: true, force: true });
  try {
    const env = { ...process.env, GIT_INDEX_FILE: join(tmp, 'index') };
    git(top, ['read-tree', commit], env);
    git(top, ['checkout-index', '--all', '--force', `--prefix=${join(tmp, 'tree')}/`], env);
    rmSync(join(tmp, 'index'), { force: true });
  } catch (error) {
    cleanup();
    throw new UserError(`cannot read the base ${ref} with git: ${firstLine(error)}`);
  }
  return { dir: join(tmp, 'tree', prefix), commit, cleanup };
}
