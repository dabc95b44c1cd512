/**
 * File permission strings (`rw`, `mrix`, `Px`, `PIx`, `PUx`...) read the way apparmor_parser 4.1
 * reads them (`parse_sub_perms` in parser_misc.c): letters one at a time, an exec qualifier that
 * differs from one already given is refused, and upper-case `R W L M X I` stand for the lower-case
 * ones. The case of the first letter of an exec mode carries its safety: `px`, `cx`, `ux` and
 * `pix` are unsafe (the environment is not scrubbed), `Px`, `Cx`, `Ux` and `Pix`/`PIx` safe.
 */
import type { MessageArgs } from '../../core/rule.js';
import type { FilePermissions, Qualifiers, Word } from './ast.js';
import type { invalidPermissions } from './rules/invalid-permissions.js';

export type PermissionProblem = 'unknown' | 'conflict' | 'writeAppend' | 'bareExec' | 'denyExec';

/** What an exec mode does, as the compiled rule holds it (two rules for one path must agree). */
export interface ExecType {
  /** i: inherit, p: profile, c: child profile, u: unconfined; pi/ci: fall back to inherit, pu/cu to unconfined. */
  kind: 'i' | 'p' | 'c' | 'u' | 'pi' | 'ci' | 'pu' | 'cu';
  unsafe: boolean;
}

/** The canonical spelling of an exec type (`Pix` for PIx, `pux` for pUx). */
function execName(type: ExecType): string {
  const { kind, unsafe } = type;
  if (kind === 'i') return 'ix';
  const head = unsafe ? kind[0] : (kind[0] as string).toUpperCase();
  if (kind.length === 1) return `${head}x`;
  return kind[1] === 'i' ? `${head}ix` : `${head}${unsafe ? 'u' : 'U'}x`;
}

/** The exec type an exec mode string stands for (`x` has none). */
export function execTypeOf(exec: string): ExecType | undefined {
  if (exec === 'x') return undefined;
  const first = exec[0] as string;
  const lower = first.toLowerCase();
  if (lower === 'i') return { kind: 'i', unsafe: false };
  if (lower === 'u') return { kind: 'u', unsafe: first === 'u' };
  const second = (exec[1] ?? '').toLowerCase();
  const base = lower as 'p' | 'c';
  const kind = second === 'i' ? (`${base}i` as const) : second === 'u' ? (`${base}u` as const) : base;
  return { kind, unsafe: first === lower };
}

function sameType(a: ExecType | undefined, b: ExecType | undefined): boolean {
  return a?.kind === b?.kind && a?.unsafe === b?.unsafe;
}

export function parseFilePermissions(
  word: Word,
  qualifiers: Qualifiers,
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
  let mayExec = false;
  let type: ExecType | undefined;
  let failed = false;
  const problem = <K extends PermissionProblem>(
    messageId: K,
    ...data: MessageArgs<typeof invalidPermissions, K>
  ): void => {
    if (failed) return;
    failed = true;
    report(messageId, ...data);
  };
  /** A typed exec qualifier; refused when a different one (or a bare x) came before. */
  const qualify = (next: ExecType): void => {
    if (mayExec && !sameType(type, next)) {
      problem('conflict', { mode });
      return;
    }
    mayExec = true;
    type = next;
  };
  for (let i = 0; i < mode.length && !failed; i++) {
    const raw = mode[i] as string;
    const c = 'RWLMXI'.includes(raw) ? raw.toLowerCase() : raw;
    const next = (mode[i + 1] ?? '').toLowerCase();
    switch (c) {
      case 'r':
        perms.read = true;
        break;
      case 'w':
        if (perms.append && !perms.write) problem('writeAppend', { mode });
        perms.write = true;
        break;
      case 'a':
        if (perms.write) problem('writeAppend', { mode });
        perms.append = true;
        break;
      case 'l':
        perms.link = true;
        break;
      case 'k':
        perms.lock = true;
        break;
      case 'm':
        perms.mmap = true;
        break;
      case 'x':
        mayExec = true;
        break;
      case 'i':
        // `i` is refused only after a profile or unconfined qualifier, not after a bare x.
        if (type && type.kind !== 'i') problem('conflict', { mode });
        else {
          mayExec = true;
          type = { kind: 'i', unsafe: false };
        }
        i++;
        break;
      case 'u':
      case 'U':
        qualify({ kind: 'u', unsafe: c === 'u' });
        i++;
        break;
      case 'p':
      case 'P':
      case 'c':
      case 'C': {
        const base = c.toLowerCase() as 'p' | 'c';
        const unsafe = c === base;
        if (next === 'i') {
          qualify({ kind: `${base}i`, unsafe });
          i += 2;
        } else if (next === 'u') {
          qualify({ kind: `${base}u`, unsafe });
          i += 2;
        } else {
          qualify({ kind: base, unsafe });
          i++;
        }
        break;
      }
      default:
        problem('unknown', { perm: raw, mode });
    }
    // Every exec qualifier ends with x: `pi` alone is no permission.
    if (!failed && 'iuUpPcC'.includes(c) && (mode[i] ?? '').toLowerCase() !== 'x') {
      problem('unknown', { perm: c, mode });
    }
  }
  if (failed) return perms;
  if (mayExec) perms.exec = type ? execName(type) : 'x';
  if (perms.exec === 'x' && !qualifiers.deny) problem('bareExec', { mode });
  else if (perms.exec !== undefined && perms.exec !== 'x' && qualifiers.deny) problem('denyExec', { mode });
  return perms;
}
