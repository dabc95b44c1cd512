/**
 * unix, dbus, mqueue, io_uring and userns accesses against rules of their class, as AppArmor
 * 4.1's parser compiles the rules (af_unix.cc, dbus.cc, mqueue.cc, io_uring.cc, userns.cc) and
 * the kernel (or, for dbus, the bus daemon) queries them. unix and dbus cases are also proved
 * against Debian's apparmor_parser 3.0.8 (compiled-oracle.ts); it cannot compile mqueue,
 * io_uring or userns rules, so those cases follow 4.1's source alone.
 */
import { describe, expect, it } from 'vitest';
import { loadProfileSet } from '../../src/languages/apparmor/analyze.js';
import { ACCESS_PERMISSIONS, evaluateAccess } from '../../src/languages/apparmor/evaluate.js';
import {
  DBUS_PERMISSIONS,
  IO_URING_PERMISSIONS,
  MQUEUE_PERMISSIONS,
  UNIX_PERMISSIONS,
  USERNS_PERMISSIONS,
} from '../../src/languages/apparmor/tables.js';
import type { Access } from '../../src/languages/apparmor/evaluate.js';
import { skipping } from '../helpers/skip.js';
import {
  compiledBits,
  compiledExpressions,
  dbusQuery,
  dfaAllows,
  noCompiler,
  unixQuery,
} from './compiled-oracle.js';

type Expected = 'allow' | 'deny' | 'audit';

function decide(rules: readonly string[], access: Access, flags = ''): ReturnType<typeof evaluateAccess> {
  const text = `profile t${flags ? ` flags=(${flags})` : ''} {\n${rules.map((r) => `  ${r}\n`).join('')}}\n`;
  const { set, findings } = loadProfileSet([{ path: 't', text }], {
    roots: [],
    bases: [],
    cwd: process.cwd(),
  });
  const errors = findings.filter((f) => (f.severity ?? f.rule.meta.severity) === 'error');
  if (errors.length > 0)
    throw new Error(`the profile does not load: ${errors.map((f) => f.rule.meta.id).join(', ')}`);
  return evaluateAccess(set, 't', access);
}

type Unix = { access: string; type: string; addr: string; peer?: { addr: string; label: string } };
const peer = { addr: '@srv', label: 'server' };
const stream = (access: string, addr = '@me', p = peer): Unix => ({ access, type: 'stream', addr, peer: p });

/** [rules, access, expected, deciding rule (undefined: none)]: each one permission, every field given. */
const UNIX: [string[], Unix, Expected, string | undefined][] = [
  // unix, grants everything; no unix rule denies everything.
  [['unix,'], stream('connect'), 'allow', 'unix,'],
  [['unix,'], stream('create'), 'allow', 'unix,'],
  [['capability chown,'], stream('connect'), 'deny', undefined],
  // Permissions: each is its own; r and w are receive and send.
  [['unix (send),'], stream('send'), 'allow', 'unix (send),'],
  [['unix (send),'], stream('receive'), 'deny', undefined],
  [['unix (send),'], stream('connect'), 'deny', undefined],
  [['unix rw,'], stream('receive'), 'allow', 'unix rw,'],
  [['unix rw,'], stream('bind'), 'deny', undefined],
  [['unix (connect, send),'], stream('connect'), 'allow', 'unix (connect, send),'],
  [['unix (listen),'], stream('listen'), 'allow', 'unix (listen),'],
  [['unix (getopt),'], stream('setopt'), 'deny', undefined],
  [['unix (getattr, setattr),'], stream('setattr'), 'allow', 'unix (getattr, setattr),'],
  // type=: only sockets of that type.
  [['unix type=stream,'], stream('connect'), 'allow', 'unix type=stream,'],
  [['unix type=dgram,'], stream('connect'), 'deny', undefined],
  [['unix type=dgram,'], { ...stream('send'), type: 'dgram' }, 'allow', 'unix type=dgram,'],
  // addr=: the local address, abstract (@), unbound (none) or autobound (auto).
  [['unix addr=@me,'], stream('connect'), 'allow', 'unix addr=@me,'],
  [['unix addr=@me*,'], stream('connect', '@meow'), 'allow', 'unix addr=@me*,'],
  [['unix addr=@other,'], stream('connect'), 'deny', undefined],
  [['unix addr=none,'], stream('connect', 'none'), 'allow', 'unix addr=none,'],
  [['unix addr=none,'], stream('connect'), 'deny', undefined],
  [['unix addr=auto,'], stream('connect', '@0a1b2'), 'allow', 'unix addr=auto,'],
  [['unix addr=auto,'], stream('connect', '@zzzzz'), 'deny', undefined],
  // bind: to an abstract address, or autobind (no address given).
  [['unix (bind) addr=@me,'], stream('bind'), 'allow', 'unix (bind) addr=@me,'],
  [['unix (bind) addr=@me,'], stream('bind', 'auto'), 'deny', undefined],
  [['unix (bind) addr=auto,'], stream('bind', 'auto'), 'allow', 'unix (bind) addr=auto,'],
  [['unix (bind) addr=auto,'], stream('bind', '@0a1b2'), 'deny', undefined],
  [['unix (bind),'], stream('bind', 'auto'), 'allow', 'unix (bind),'],
  // create is read at the type: addr= does not narrow it.
  [['unix (create) addr=@other,'], stream('create'), 'allow', 'unix (create) addr=@other,'],
  [['unix (create) type=dgram,'], stream('create'), 'deny', undefined],
  // peer=(addr= label=): send, receive and connect only.
  [['unix peer=(label=server),'], stream('connect'), 'allow', 'unix peer=(label=server),'],
  [['unix peer=(label=serv*),'], stream('send'), 'allow', 'unix peer=(label=serv*),'],
  [['unix peer=(label=client),'], stream('connect'), 'deny', undefined],
  [['unix peer=(addr=@srv),'], stream('receive'), 'allow', 'unix peer=(addr=@srv),'],
  [['unix peer=(addr=@other),'], stream('receive'), 'deny', undefined],
  [['unix peer=(label=server),'], stream('create'), 'deny', undefined],
  [['unix peer=(label=server),'], stream('listen'), 'deny', undefined],
  [['unix (accept) peer=(label=other),'], stream('accept'), 'allow', 'unix (accept) peer=(label=other),'],
  // deny wins over allow, per permission.
  [['unix,', 'deny unix (send),'], stream('send'), 'deny', 'deny unix (send),'],
  [['unix,', 'deny unix (send),'], stream('receive'), 'allow', 'unix,'],
  [['unix,', 'deny unix peer=(label=server),'], stream('connect'), 'deny', 'deny unix peer=(label=server),'],
  [
    ['unix,', 'deny unix peer=(label=server),'],
    stream('connect', '@me', { addr: '@srv', label: 'x' }),
    'allow',
    'unix,',
  ],
  [['unix,', 'deny unix type=dgram,'], stream('send'), 'allow', 'unix,'],
  // A network rule that covers unix sockets is a unix rule of every permission.
  [['network unix stream,'], stream('connect'), 'allow', 'network unix stream,'],
  [['network unix dgram,'], stream('connect'), 'deny', undefined],
  [['network,'], stream('bind'), 'allow', 'network,'],
  [['network inet,'], stream('connect'), 'deny', undefined],
  // audit: allowed and logged.
  [['audit unix (send),'], stream('send'), 'audit', 'audit unix (send),'],
];

type Dbus = {
  access: string;
  bus: string;
  name: string;
  label: string;
  path: string;
  interface: string;
  member: string;
};
const call = (access: string): Dbus => ({
  access,
  bus: 'system',
  name: 'org.freedesktop.NetworkManager',
  label: 'unconfined',
  path: '/org/freedesktop/NetworkManager',
  interface: 'org.freedesktop.DBus.Properties',
  member: 'GetAll',
});

const DBUS: [string[], Dbus, Expected, string | undefined][] = [
  [['dbus,'], call('send'), 'allow', 'dbus,'],
  [['dbus,'], call('bind'), 'allow', 'dbus,'],
  [['dbus,'], call('eavesdrop'), 'allow', 'dbus,'],
  [['capability chown,'], call('send'), 'deny', undefined],
  [['dbus send,'], call('send'), 'allow', 'dbus send,'],
  [['dbus send,'], call('receive'), 'deny', undefined],
  [['dbus rw,'], call('receive'), 'allow', 'dbus rw,'],
  [['dbus (send, receive),'], call('bind'), 'deny', undefined],
  // Conditions narrow the message: bus, path, interface, member, peer name and label.
  [['dbus send bus=system,'], call('send'), 'allow', 'dbus send bus=system,'],
  [['dbus send bus=session,'], call('send'), 'deny', undefined],
  [['dbus send path=/org/freedesktop/**,'], call('send'), 'allow', 'dbus send path=/org/freedesktop/**,'],
  [['dbus send path=/org/other,'], call('send'), 'deny', undefined],
  [
    ['dbus send interface=org.freedesktop.DBus.*,'],
    call('send'),
    'allow',
    'dbus send interface=org.freedesktop.DBus.*,',
  ],
  [['dbus send member={Get,GetAll},'], call('send'), 'allow', 'dbus send member={Get,GetAll},'],
  [['dbus send member=Set,'], call('send'), 'deny', undefined],
  [
    ['dbus send peer=(name=org.freedesktop.NetworkManager),'],
    call('send'),
    'allow',
    'dbus send peer=(name=org.freedesktop.NetworkManager),',
  ],
  [['dbus send peer=(name=org.other),'], call('send'), 'deny', undefined],
  [['dbus send peer=(label=unconfined),'], call('send'), 'allow', 'dbus send peer=(label=unconfined),'],
  [['dbus send peer=(label=other),'], call('send'), 'deny', undefined],
  // Without permissions: message conditions mean send and receive, a service name bind.
  [
    ['dbus path=/org/freedesktop/NetworkManager,'],
    call('receive'),
    'allow',
    'dbus path=/org/freedesktop/NetworkManager,',
  ],
  [['dbus path=/org/freedesktop/NetworkManager,'], call('bind'), 'deny', undefined],
  [
    ['dbus bus=system name=org.freedesktop.NetworkManager,'],
    call('bind'),
    'allow',
    'dbus bus=system name=org.freedesktop.NetworkManager,',
  ],
  [['dbus bus=system name=org.freedesktop.NetworkManager,'], call('send'), 'deny', undefined],
  [['dbus bind name=org.other,'], call('bind'), 'deny', undefined],
  // eavesdrop: the bus alone.
  [['dbus eavesdrop bus=system,'], call('eavesdrop'), 'allow', 'dbus eavesdrop bus=system,'],
  [['dbus eavesdrop bus=session,'], call('eavesdrop'), 'deny', undefined],
  // deny wins, per permission.
  [['dbus,', 'deny dbus send member=GetAll,'], call('send'), 'deny', 'deny dbus send member=GetAll,'],
  [['dbus,', 'deny dbus send member=GetAll,'], call('receive'), 'allow', 'dbus,'],
  [['dbus,', 'deny dbus bind,'], call('bind'), 'deny', 'deny dbus bind,'],
  [['audit dbus send,'], call('send'), 'audit', 'audit dbus send,'],
];

function cases<T>(
  table: [string[], T, Expected, string | undefined][],
): [string, string[], T, Expected, string | undefined][] {
  return table.map(([rules, access, expected, rule]) => [
    `${rules.join(' ')} | ${JSON.stringify(access)}`,
    rules,
    access,
    expected,
    rule,
  ]);
}

/** The cases of a table decided by chs: the decision and the deciding rule. */
function decidesEach<T>(
  table: [string[], T, Expected, string | undefined][],
  access: (value: T) => Access,
): void {
  it.each(cases(table))('%s', (_, rules, value, expected, rule) => {
    const decision = decide(rules, access(value));
    expect(decision.decision).toBe(expected);
    expect(decision.rule?.text).toBe(rule);
  });
}

/** The same cases proved against the expressions apparmor_parser compiles (one permission each). */
function provesEach<T extends { access: string }>(
  kind: 'unix' | 'dbus',
  table: [string[], T, Expected, string | undefined][],
  query: (permission: string, value: T) => string,
): void {
  it.skipIf(noCompiler !== undefined).each(cases(table))(
    'apparmor_parser compiles the same: %s',
    (_, rules, value, expected) => {
      const allowed = dfaAllows(
        compiledExpressions(rules),
        query(value.access, value),
        compiledBits(kind, value.access),
      );
      expect(allowed).toBe(expected !== 'deny');
    },
  );
  if (noCompiler) skipping(`the apparmor_parser proof of the ${kind} cases`, noCompiler);
}

describe('unix accesses', () => {
  decidesEach(UNIX, (unix) => ({ unix }));
  provesEach('unix', UNIX, unixQuery);
});

describe('dbus accesses', () => {
  decidesEach(DBUS, (dbus) => ({ dbus }));
  provesEach('dbus', DBUS, dbusQuery);
});

type Mqueue = Extract<Access, { mqueue: unknown }>['mqueue'];

/** From mqueue.cc (4.1): apparmor_parser 3.0.8 refuses mqueue rules. */
const MQUEUE: [string[], Mqueue, Expected, string | undefined][] = [
  [['mqueue,'], { access: 'open', name: '/jobs' }, 'allow', 'mqueue,'],
  [['capability chown,'], { access: 'open', name: '/jobs' }, 'deny', undefined],
  [['mqueue r /jobs,'], { access: 'read', name: '/jobs', label: 'worker' }, 'allow', 'mqueue r /jobs,'],
  [['mqueue r /jobs,'], { access: 'write', name: '/jobs', label: 'worker' }, 'deny', undefined],
  [
    ['mqueue rw /jobs,'],
    { access: ['read', 'write'], name: '/jobs', label: 'worker' },
    'allow',
    'mqueue rw /jobs,',
  ],
  [
    ['mqueue (open, getattr) /jobs*,'],
    { access: 'getattr', name: '/jobs-2' },
    'allow',
    'mqueue (open, getattr) /jobs*,',
  ],
  [['mqueue (open) /jobs,'], { access: 'delete', name: '/jobs' }, 'deny', undefined],
  [['mqueue /other,'], { access: 'open', name: '/jobs' }, 'deny', undefined],
  // The type: written, or implied by the name (/name posix, a number sysv).
  [['mqueue type=posix,'], { access: 'open', name: '/jobs' }, 'allow', 'mqueue type=posix,'],
  [['mqueue type=sysv,'], { access: 'open', name: '/jobs' }, 'deny', undefined],
  [['mqueue type=sysv,'], { access: 'open', name: '1234' }, 'allow', 'mqueue type=sysv,'],
  [
    ['mqueue (read) type=sysv 1234,'],
    { access: 'read', name: '1234' },
    'allow',
    'mqueue (read) type=sysv 1234,',
  ],
  // A bare number is a sysv key (mqueue.cc): the rule decides that queue, and no posix one.
  [['mqueue (read) 1234,'], { access: 'read', name: '1234' }, 'allow', 'mqueue (read) 1234,'],
  [['mqueue (read) 1234,'], { access: 'read', name: '1234', type: 'sysv' }, 'allow', 'mqueue (read) 1234,'],
  [['mqueue (read) 1234,'], { access: 'read', name: '1234', type: 'posix' }, 'deny', undefined],
  [['mqueue (read) 1234,'], { access: 'write', name: '1234' }, 'deny', undefined],
  [['mqueue (read) type=sysv 1234,'], { access: 'read', name: '4321' }, 'deny', undefined],
  [['mqueue (read) type=sysv 1234,'], { access: 'read', name: '/jobs' }, 'deny', undefined],
  // label=: the queue's label; a labelled rule's create (and the read and write it names) at the name.
  [
    ['mqueue label=worker,'],
    { access: 'open', name: '/jobs', label: 'worker' },
    'allow',
    'mqueue label=worker,',
  ],
  [['mqueue label=worker,'], { access: 'open', name: '/jobs', label: 'other' }, 'deny', undefined],
  [['mqueue label=worker,'], { access: 'open', name: '/jobs' }, 'deny', undefined],
  [
    ['mqueue label=worker,'],
    { access: ['create', 'read', 'write'], name: '/jobs' },
    'allow',
    'mqueue label=worker,',
  ],
  [
    ['mqueue (create, write) label=worker /jobs,'],
    { access: ['create', 'read'], name: '/jobs' },
    'deny',
    undefined,
  ],
  [['mqueue (read) label=worker,'], { access: 'read', name: '/jobs' }, 'deny', undefined],
  // deny wins, per permission.
  [
    ['mqueue,', 'deny mqueue (delete) /jobs,'],
    { access: 'delete', name: '/jobs' },
    'deny',
    'deny mqueue (delete) /jobs,',
  ],
  [['mqueue,', 'deny mqueue (delete) /jobs,'], { access: 'open', name: '/jobs' }, 'allow', 'mqueue,'],
  [
    ['mqueue,', 'deny mqueue (delete) /jobs,'],
    { access: ['open', 'delete'], name: '/jobs' },
    'deny',
    'deny mqueue (delete) /jobs,',
  ],
  [['audit mqueue /jobs,'], { access: 'open', name: '/jobs' }, 'audit', 'audit mqueue /jobs,'],
];

type IoUring = Extract<Access, { io_uring: unknown }>['io_uring'];

/** From io_uring.cc (4.1): apparmor_parser 3.0.8 refuses io_uring rules. */
const IO_URING: [string[], IoUring, Expected, string | undefined][] = [
  [['io_uring,'], { access: 'sqpoll' }, 'allow', 'io_uring,'],
  [['io_uring,'], { access: 'override_creds', label: 'worker' }, 'allow', 'io_uring,'],
  [['capability chown,'], { access: 'sqpoll' }, 'deny', undefined],
  [['io_uring sqpoll,'], { access: 'sqpoll' }, 'allow', 'io_uring sqpoll,'],
  [['io_uring sqpoll,'], { access: 'override_creds', label: 'worker' }, 'deny', undefined],
  [
    ['io_uring override_creds label=worker,'],
    { access: 'override_creds', label: 'worker' },
    'allow',
    'io_uring override_creds label=worker,',
  ],
  [
    ['io_uring override_creds label=worker,'],
    { access: 'override_creds', label: 'other' },
    'deny',
    undefined,
  ],
  // sqpoll is read at the class alone: label= does not narrow it.
  [['io_uring (sqpoll) label=worker,'], { access: 'sqpoll' }, 'allow', 'io_uring (sqpoll) label=worker,'],
  [['io_uring,', 'deny io_uring sqpoll,'], { access: 'sqpoll' }, 'deny', 'deny io_uring sqpoll,'],
  [
    ['io_uring,', 'deny io_uring override_creds label=root,'],
    { access: 'override_creds', label: 'worker' },
    'allow',
    'io_uring,',
  ],
  [['audit io_uring sqpoll,'], { access: 'sqpoll' }, 'audit', 'audit io_uring sqpoll,'],
];

/** From userns.cc (4.1): apparmor_parser 3.0.8 refuses userns rules. */
const USERNS: [string[], Expected, string | undefined][] = [
  [['userns,'], 'allow', 'userns,'],
  [['userns create,'], 'allow', 'userns create,'],
  // Every profile mediates user namespaces: without a rule, creating one is denied.
  [['capability chown,'], 'deny', undefined],
  [['userns,', 'deny userns create,'], 'deny', 'deny userns create,'],
  [['audit userns,'], 'audit', 'audit userns,'],
  [['all,'], 'allow', 'all,'],
];

describe('mqueue accesses (AppArmor 4.1 source)', () => decidesEach(MQUEUE, (mqueue) => ({ mqueue })));

describe('io_uring accesses (AppArmor 4.1 source)', () =>
  decidesEach(IO_URING, (io_uring) => ({ io_uring })));

describe('userns accesses (AppArmor 4.1 source)', () =>
  decidesEach(
    USERNS.map(([rules, expected, rule]) => [rules, {}, expected, rule]),
    (userns) => ({ userns }),
  ));

describe('the rest of the precedence, for every class', () => {
  it('decides by the highest priority among matching rules', () => {
    expect(decide(['priority=1 unix (send),', 'deny unix (send),'], { unix: stream('send') }).decision).toBe(
      'allow',
    );
    expect(decide(['dbus send,', 'priority=2 deny dbus send,'], { dbus: call('send') }).decision).toBe(
      'deny',
    );
  });

  it('allows and logs in complain mode, allows in an unconfined profile', () => {
    expect(decide(['capability chown,'], { userns: {} }, 'complain').decision).toBe('audit');
    expect(decide(['capability chown,'], { io_uring: { access: 'sqpoll' } }, 'unconfined').decision).toBe(
      'allow',
    );
  });

  it('decides sockets bound to a path with file rules', () => {
    const send = {
      unix: { access: 'connect', type: 'stream', addr: 'none', peer: { addr: '/run/app.sock' } },
    };
    expect(decide(['/run/app.sock rw,'], send).decision).toBe('allow');
    expect(decide(['/run/app.sock r,'], send).decision).toBe('deny');
    expect(decide(['unix,'], send).decision).toBe('deny');
    const listen = { unix: { access: 'listen', type: 'stream', addr: '/run/app.sock' } };
    expect(decide(['capability chown,'], listen).reason).toMatch(/not mediated on a socket bound to a path/);
  });

  it('leaves out a field: the access stands for every value (allowed only by rules that leave it open)', () => {
    expect(decide(['unix,'], { unix: { access: 'connect' } }).decision).toBe('allow');
    expect(decide(['unix peer=(label=server),'], { unix: { access: 'connect' } }).decision).toBe('deny');
    expect(
      decide(['unix,', 'deny unix peer=(label=server),'], { unix: { access: 'connect' } }).decision,
    ).toBe('deny');
  });
});

describe('accesses that name no permission of their class', () => {
  const INVALID: [Access, string][] = [
    [
      { unix: { access: 'sned' } },
      'unknown unix permission "sned" (use send, receive, connect, bind, listen, accept, create, shutdown, getattr, setattr, getopt, setopt, read, write, r, w)',
    ],
    [
      { dbus: { access: 'call' } },
      'unknown dbus permission "call" (use send, receive, bind, eavesdrop, read, write, r, w)',
    ],
    [
      { mqueue: { access: 'unlink', name: '/q' } },
      'unknown mqueue permission "unlink" (use read, write, create, open, delete, getattr, setattr, r, w)',
    ],
    [{ io_uring: { access: 'poll' } }, 'unknown io_uring permission "poll" (use sqpoll, override_creds)'],
    [{ userns: { access: 'use' } }, 'unknown userns permission "use" (use create)'],
    [
      { unix: { access: [] } },
      'a unix access needs "access": one of send, receive, connect, bind, listen, accept, create, shutdown, getattr, setattr, getopt, setopt, read, write, r, w',
    ],
  ];
  it.each(INVALID)('%j', (access, message) => {
    expect(() => decide(['all,'], access)).toThrow(message);
  });
});

describe('the permission words the evaluator knows', () => {
  // The validator's word lists (tables.ts) and the evaluator's bits must name the same words.
  it.each([
    ['unix', UNIX_PERMISSIONS],
    ['dbus', DBUS_PERMISSIONS],
    ['mqueue', MQUEUE_PERMISSIONS],
    ['io_uring', IO_URING_PERMISSIONS],
    ['userns', USERNS_PERMISSIONS],
  ] as const)('%s: every word the validator takes is decided', (kind, words) => {
    const known = new Set(ACCESS_PERMISSIONS[kind]);
    const missing = [...words].filter((w) => !known.has(w) && !/^[rw]+$/.test(w));
    expect(missing).toEqual([]);
  });
});
