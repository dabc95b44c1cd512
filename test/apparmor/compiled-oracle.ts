/**
 * apparmor_parser as the reference for unix and dbus decisions: the profile is compiled
 * (`-D rule-exprs` prints each expression the compiled DFA is built from, with its permission
 * bits and whether it denies), and an access is the query string the kernel (unix) or the bus
 * daemon (dbus) matches, decided as the DFA decides: the permissions of every matching allow
 * expression, less those of every matching deny expression. The permission bits are read from the
 * parser too (a rule of one permission, compiled), so no table of ours stands between.
 *
 * Debian's apparmor_parser 3.0.8 compiles unix and dbus rules; mqueue, io_uring and userns rules
 * it refuses (those are decided from AppArmor 4.1's source: see mediation.test.ts).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WHY } from '../helpers/skip.js';

function which(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' }).status === 0;
}

export const noCompiler: string | undefined = which('apparmor_parser') ? undefined : WHY.noApparmorParser;

/** The kernel features the reference compiles for: AF_UNIX and dbus mediation (the test's own file). */
const FEATURES = `dbus {mask {acquire send receive
}
}
network {af_unix {yes
}
af_mask {unspec unix inet inet6 netlink packet
}
}
file {mask {create read write exec append mmap_exec link lock
}
}
policy {versions {v7 {yes
}
v6 {yes
}
v5 {yes
}
}
}
`;

let scratch: string | undefined;
function dir(): string {
  if (!scratch) {
    scratch = mkdtempSync(join(tmpdir(), 'chs-oracle-'));
    writeFileSync(join(scratch, 'features'), FEATURES);
  }
  return scratch;
}

export interface Expression {
  regex: RegExp;
  perms: number;
  deny: boolean;
}

/** The expressions apparmor_parser compiles a profile's rules to (throws with its message if it refuses). */
export function compiledExpressions(rules: readonly string[]): Expression[] {
  const file = join(dir(), `p${Math.random().toString(36).slice(2)}`);
  writeFileSync(file, `profile oracle {\n${rules.map((r) => `  ${r}\n`).join('')}}\n`);
  const args = [
    '--config-file=/dev/null',
    '-Q',
    '-K',
    '-M',
    join(dir(), 'features'),
    '-D',
    'rule-exprs',
    file,
  ];
  const run = spawnSync('apparmor_parser', args, { encoding: 'latin1' });
  if (run.status !== 0) throw new Error(`apparmor_parser refuses ${rules.join(' ')}: ${run.stderr.trim()}`);
  const out: Expression[] = [];
  // The dump goes to standard error.
  for (const line of `${run.stdout}\n${run.stderr}`.split('\n')) {
    const m = /^rule: (.*?) {2}-> {2}.*? (deny )?\((0x[0-9a-f]+)\/[0-9a-fx]*\)/.exec(line);
    // Only the expressions of a class (`\xNN...`): the `\dN` lines mark the classes the profile
    // mediates, and one more line the policy's version, matched by no access of ours.
    if (!m || !(m[1] as string).startsWith('\\x')) continue;
    out.push({
      regex: new RegExp(`^(?:${m[1] as string})$`, 's'),
      perms: Number(m[3]),
      deny: m[2] !== undefined,
    });
  }
  return out;
}

/** Whether the compiled expressions grant every bit of `wanted` for a query. */
export function dfaAllows(expressions: readonly Expression[], query: string, wanted: number): boolean {
  let allow = 0;
  let deny = 0;
  for (const e of expressions) {
    if (!e.regex.test(query)) continue;
    if (e.deny) deny |= e.perms;
    else allow |= e.perms;
  }
  return (allow & ~deny & wanted) === wanted;
}

const bits = new Map<string, number>();

/** The bits apparmor_parser gives a permission of a class (`unix (send),` compiled). */
export function compiledBits(kind: 'unix' | 'dbus', permission: string): number {
  const key = `${kind} ${permission}`;
  let known = bits.get(key);
  if (known === undefined) {
    known = compiledExpressions([`${kind} (${permission}),`]).reduce((all, e) => all | e.perms, 0);
    bits.set(key, known);
  }
  return known;
}

const be16 = (n: number): string => String.fromCharCode((n >> 8) & 0xff, n & 0xff);
const SOCKET_TYPES: Record<string, number> = { stream: 1, dgram: 2, seqpacket: 5 };

/** An address as the kernel writes it in the query (af_unix.c match_addr): abstract, anonymous, autobind. */
function address(addr: string): string {
  if (addr === 'none') return '\x01';
  if (addr === 'auto') return '';
  return `\x00${addr.slice(1)}`;
}

/**
 * The kernel's query for a unix permission: class, family, type and protocol; then the local
 * address and (empty) label; then a command (peer address and label, listen backlog, option).
 */
export function unixQuery(
  permission: string,
  u: { type: string; addr: string; peer?: { addr: string; label: string } },
): string {
  const prot = `\x04${be16(1)}${be16(SOCKET_TYPES[u.type] as number)}${be16(0)}`;
  if (permission === 'create') return prot;
  const local = `${prot}${address(u.addr)}\x00\x00`;
  if (permission === 'listen') return `${local}\x02${be16(16)}`;
  if (permission === 'getopt' || permission === 'setopt') return `${local}\x04${be16(1)}`;
  if (['send', 'receive', 'connect'].includes(permission)) {
    const peer = u.peer as { addr: string; label: string };
    return `${local}\x01${address(peer.addr)}\x00${peer.label}`;
  }
  return local;
}

/** The bus daemon's query for a dbus permission (dbus.cc's field order). */
export function dbusQuery(
  permission: string,
  d: { bus: string; name: string; label: string; path: string; interface: string; member: string },
): string {
  if (permission === 'eavesdrop') return `\x20${d.bus}`;
  if (permission === 'bind') return `\x20${d.bus}\x00${d.name}`;
  return `\x20${[d.bus, d.name, d.label, d.path, d.interface, d.member].join('\x00')}`;
}
