/**
 * Paths as chs shows and compares them: relative, with `/` on every platform (globs, display
 * paths, the preview's file keys, `localhostProfile` names). Node's own separator only at the
 * file system.
 */
import { relative, sep } from 'node:path';

/** A platform path with `/` separators. */
export function toPosix(path: string): string {
  return sep === '/' ? path : path.split(sep).join('/');
}

/** `to` relative to `from`, with `/` separators. */
export function relativePosix(from: string, to: string): string {
  return toPosix(relative(from, to));
}
