/**
 * `unix` rules: AF_UNIX sockets, as AppArmor 4.1's parser compiles them (af_unix.cc) and the
 * kernel queries them (security/apparmor/af_unix.c). Each permission is read at its own point of
 * the query:
 * - `create`: the socket's type only (a rule with `peer=(...)` grants no create);
 * - `bind` to the autobind address: rules without `addr=` or with `addr=auto`;
 * - `bind`, `accept`, `getattr`, `setattr`, `shutdown`: the local address; with `peer=(...)` a
 *   rule grants only `accept` here;
 * - `listen`, `getopt`, `setopt`: the local address, rules without `peer=(...)`;
 * - `send`, `receive`, `connect`: the local address, then the peer's address and label.
 * Rule addresses are abstract (`@name`), `none` (an unbound socket) or `auto` (an autobound one);
 * sockets bound to a path are mediated by file rules instead (unix-fs.ts). A `network` rule that
 * covers unix sockets (`network unix stream,`) is a unix rule of every permission for its types,
 * as the parser adds one; `all,` is one for every socket.
 */
import type { MediationRule } from '../ast.js';
import { compileAare, expandPattern } from '../aare.js';
import { NETWORK_PERMISSIONS } from '../tables.js';
import type { PermissionTable } from './types.js';
import { accessBits, ruleBits } from './bits.js';
import { condition, peerCondition, words } from './conditions.js';
import { networkEntries } from './network.js';
import type { Access, PermsClass, Variables } from './types.js';

const SEND = 0x2;
const RECEIVE = 0x4;
const CREATE = 0x10;
const SHUTDOWN = 0x20;
const CONNECT = 0x40;
const SETATTR = 0x100;
const GETATTR = 0x200;
const ACCEPT = 0x100000;
const BIND = 0x200000;
const LISTEN = 0x400000;
const SETOPT = 0x1000000;
const GETOPT = 0x2000000;
const ALL =
  SEND | RECEIVE | CREATE | SHUTDOWN | CONNECT | SETATTR | GETATTR | ACCEPT | BIND | LISTEN | SETOPT | GETOPT;
/** Read at the local address (create is read before it). */
const LOCAL = SHUTDOWN | SETATTR | GETATTR | BIND | ACCEPT;
const COMMANDS = LISTEN | SETOPT | GETOPT;
const PEER = SEND | RECEIVE | CONNECT;

const UNIX_BITS: PermissionTable = {
  className: 'unix',
  all: ALL,
  words: {
    send: SEND,
    receive: RECEIVE,
    connect: CONNECT,
    bind: BIND,
    listen: LISTEN,
    accept: ACCEPT,
    create: CREATE,
    shutdown: SHUTDOWN,
    getattr: GETATTR,
    setattr: SETATTR,
    getopt: GETOPT,
    setopt: SETOPT,
    read: RECEIVE,
    write: SEND,
    r: RECEIVE,
    w: SEND,
  },
};

/** The socket types a unix access can name. */
export const UNIX_TYPES = ['stream', 'dgram', 'seqpacket'] as const;

type UnixAccess = Extract<Access, { unix: unknown }>['unix'];

/** An address as a rule writes it, against an access's: undefined (every value) per `deny`. */
type AddressMatcher = (addr: string | undefined, deny: boolean) => boolean;

function addressMatcher(written: string | undefined, variables: Variables): AddressMatcher {
  if (written === undefined) return () => true;
  const value = expandPattern(written, variables);
  if (value === 'none') return (addr, deny) => (addr === undefined ? deny : addr === 'none');
  // The autobind pattern: an abstract name of five hex digits.
  if (value === 'auto')
    return (addr, deny) => (addr === undefined ? deny : addr === 'auto' || /^@[0-9a-f]{5}$/.test(addr));
  const name = compileAare(value.slice(1));
  return (addr, deny) => (addr === undefined ? deny : addr.startsWith('@') && name.test(addr.slice(1)));
}

function labelMatcher(written: string | undefined, variables: Variables): AddressMatcher {
  if (written === undefined) return () => true;
  const label = compileAare(expandPattern(written, variables));
  return (value, deny) => (value === undefined ? deny : label.test(value));
}

/** A rule's socket types: undefined for every one. */
function typesOf(rule: MediationRule): ReadonlySet<string> | undefined | null {
  if (rule.kind === 'all') return undefined;
  if (rule.kind === 'network') {
    // ip=, port= and peer= narrow a network rule to inet addresses: no unix socket.
    if (rule.conditions.length > 0) return null;
    const rest = rule.parenthesized
      ? rule.words.map((w) => w.text)
      : words(rule).filter((w) => !NETWORK_PERMISSIONS.has(w));
    const entries = networkEntries(rest).filter((e) => e.domain === undefined || e.domain === 'unix');
    if (entries.length === 0) return null;
    if (entries.some((e) => e.types === undefined)) return undefined;
    return new Set(entries.flatMap((e) => [...(e.types ?? [])]));
  }
  const type = condition(rule, 'type')?.[0]?.text;
  return type === undefined ? undefined : new Set([type]);
}

function compile(rule: MediationRule, variables: Variables): (access: Access) => number {
  const types = typesOf(rule);
  if (types === null) return () => 0;
  const deny = rule.qualifiers.deny !== undefined;
  const perms = rule.kind === 'unix' ? ruleBits(rule, UNIX_BITS) : ALL;
  const written = rule.kind === 'unix' ? condition(rule, 'addr')?.[0]?.text : undefined;
  const peerAddr = rule.kind === 'unix' ? peerCondition(rule, 'addr')?.[0]?.text : undefined;
  const peerLabel = rule.kind === 'unix' ? peerCondition(rule, 'label')?.[0]?.text : undefined;
  const hasPeer = peerAddr !== undefined || peerLabel !== undefined;
  const local = addressMatcher(written, variables);
  const peerAddress = addressMatcher(peerAddr, variables);
  const peerLabelMatches = labelMatcher(peerLabel, variables);
  const autobind = written === undefined || written === 'auto';
  return (access) => {
    if (!('unix' in access)) return 0;
    const u = access.unix;
    if (types && (u.type === undefined ? !deny : !types.has(u.type))) return 0;
    let bits = 0;
    if (!hasPeer) bits |= perms & CREATE;
    if (u.addr === 'auto' && autobind) bits |= perms & BIND;
    if (!local(u.addr, deny)) return bits;
    // An autobind address is granted only by the autobind entry above.
    bits |= perms & (hasPeer ? ACCEPT : LOCAL) & (u.addr === 'auto' || written === 'auto' ? ~BIND : ~0);
    if (!hasPeer) bits |= perms & COMMANDS;
    if (peerAddress(u.peer?.addr, deny) && peerLabelMatches(u.peer?.label, deny)) bits |= perms & PEER;
    return bits;
  };
}

function describe(access: Access): string {
  if (!('unix' in access)) return 'unix';
  const u: UnixAccess = access.unix;
  const parts = [
    Array.isArray(u.access) ? u.access.join(' ') : u.access,
    u.type && `type=${u.type}`,
    u.addr && `addr=${u.addr}`,
    u.peer &&
      `peer=(${[u.peer.addr && `addr=${u.peer.addr}`, u.peer.label && `label=${u.peer.label}`].filter(Boolean).join(' ')})`,
  ];
  return `unix ${parts.filter(Boolean).join(' ')}`;
}

export const unixClass: PermsClass = {
  key: 'unix',
  ruleKinds: ['unix', 'network'],
  table: UNIX_BITS,
  wanted: (access) => ('unix' in access ? accessBits(access.unix.access, UNIX_BITS) : 0),
  compile,
  describe,
};

/**
 * A socket bound to a path is mediated by file rules on that path (the kernel's unix_fs_perm):
 * for send and connect the peer's path when it has one, else the socket's own. The file
 * permission each unix permission needs: w to send, connect, bind (the socket file is created),
 * shutdown and setattr; r to receive and getattr. listen, accept, getopt and setopt are not
 * mediated on such sockets (the kernel masks them out), and create is decided by unix rules.
 */
export function unixPathAccess(
  u: UnixAccess,
  wanted: number,
): { path: string; permissions: string; rest: number } | undefined {
  const peerPath = u.peer?.addr?.startsWith('/') ? u.peer.addr : undefined;
  const ownPath = u.addr?.startsWith('/') ? u.addr : undefined;
  if (peerPath === undefined && ownPath === undefined) return undefined;
  const path = (wanted & PEER && peerPath) || ownPath || peerPath;
  let permissions = '';
  if (wanted & (RECEIVE | GETATTR)) permissions += 'r';
  if (wanted & (SEND | CONNECT | BIND | SHUTDOWN | SETATTR)) permissions += 'w';
  return { path: path as string, permissions, rest: wanted & CREATE };
}
