/** File permission strings (`rw`, `mrix`, `Px`, `PUx`...) as apparmor_parser reads them. */
import type { MessageArgs } from '../../core/rule.js';
import type { FilePermissions, Qualifiers, Word } from './ast.js';
import type { invalidPermissions } from './rules/invalid-permissions.js';

export type PermissionProblem = 'unknown' | 'conflict' | 'writeAppend' | 'bareExec' | 'denyExec' | 'target';

/** Exec modes that name a profile to change to, so take `-> target`. */
const TRANSITIONS_WITH_TARGET = /^(p|P|c|C)/;

export function parseFilePermissions(
  word: Word,
  qualifiers: Qualifiers,
  target: Word | undefined,
  report: <K extends PermissionProblem>(
    messageId: K,
    ...data: MessageArgs<typeof invalidPermissions, K>
  ) => void,
): FilePermissions {
  const mode = word.text;
  const perms: FilePermissions = {
    read: false,
    write: false,
    append: false,
    link: false,
    lock: false,
    mmap: false,
  };
  let failed = false;
  const problem = <K extends PermissionProblem>(
    messageId: K,
    ...data: MessageArgs<typeof invalidPermissions, K>
  ): void => {
    if (failed) return;
    failed = true;
    report(messageId, ...data);
  };
  for (let i = 0; i < mode.length && !failed; i++) {
    const raw = mode[i] as string;
    // apparmor_parser also takes R, W, M and X for r, w, m and x.
    const c = raw === 'R' || raw === 'W' || raw === 'M' ? raw.toLowerCase() : raw;
    switch (c) {
      case 'r':
        perms.read = true;
        continue;
      case 'w':
        perms.write = true;
        continue;
      case 'a':
        perms.append = true;
        continue;
      case 'l':
        perms.link = true;
        continue;
      case 'k':
        perms.lock = true;
        continue;
      case 'm':
        perms.mmap = true;
        continue;
      default:
        break;
    }
    let exec: string | undefined;
    const isX = (k: number): boolean => mode[k] === 'x' || mode[k] === 'X';
    if (c === 'x' || c === 'X') exec = 'x';
    else if (c === 'i' || c === 'u' || c === 'U') {
      if (isX(i + 1)) {
        exec = c + 'x';
        i++;
      }
    } else if (c === 'p' || c === 'P' || c === 'c' || c === 'C') {
      const next = mode[i + 1];
      if (isX(i + 1)) {
        exec = c + 'x';
        i++;
      } else if (next === 'i' && isX(i + 2)) {
        exec = c + 'ix';
        i += 2;
      } else if ((next === 'u' || next === 'U') && isX(i + 2)) {
        exec = c + next + 'x';
        i += 2;
      }
    }
    if (exec === undefined) {
      problem('unknown', { perm: c, mode });
      break;
    }
    if (perms.exec !== undefined && perms.exec !== exec) {
      problem('conflict', { mode });
      break;
    }
    perms.exec = exec;
  }
  if (failed) return perms;
  if (perms.write && perms.append) problem('writeAppend', { mode });
  else if (perms.exec === 'x' && !qualifiers.deny) problem('bareExec', { mode });
  else if (perms.exec !== undefined && perms.exec !== 'x' && qualifiers.deny) problem('denyExec', { mode });
  else if (target && !perms.link && !(perms.exec && TRANSITIONS_WITH_TARGET.test(perms.exec)))
    problem('target');
  return perms;
}
