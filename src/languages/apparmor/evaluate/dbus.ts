/**
 * `dbus` rules, as AppArmor 4.1's parser compiles them (dbus.cc) for the bus daemon's queries:
 * `bind` is read after the bus and the name bound; `send` and `receive` after the bus, the peer's
 * name and label, the object path, the interface and the member; `eavesdrop` after the bus only.
 * A rule's `name=` outside `peer=(...)` is the name bound (a service rule, `bind`); inside it is
 * the peer's name (a message rule). A rule without permissions grants send and receive when it
 * has message conditions, bind when it has a service name, and everything otherwise. `all,` is
 * a dbus rule of every permission.
 */
import type { MediationRule } from '../ast.js';
import type { PermissionTable } from './types.js';
import { accessBits, ruleBits } from './bits.js';
import { condition, conditionMatcher, peerCondition } from './conditions.js';
import type { Access, PermsClass, Variables } from './types.js';

const SEND = 0x2;
const RECEIVE = 0x4;
const EAVESDROP = 0x20;
const BIND = 0x40;

const DBUS_BITS: PermissionTable = {
  className: 'dbus',
  all: SEND | RECEIVE | EAVESDROP | BIND,
  words: {
    send: SEND,
    receive: RECEIVE,
    bind: BIND,
    eavesdrop: EAVESDROP,
    read: RECEIVE,
    write: SEND,
    r: RECEIVE,
    w: SEND,
  },
};

/** The fields of a dbus access, as the bus daemon fills in the query. */
const DBUS_FIELDS = ['bus', 'name', 'label', 'path', 'interface', 'member'] as const;

function compile(rule: MediationRule, variables: Variables): (access: Access) => number {
  const deny = rule.qualifiers.deny !== undefined;
  const match = (key: string, peer: boolean) =>
    conditionMatcher(peer ? peerCondition(rule, key) : condition(rule, key), variables);
  const bus = match('bus', false);
  const serviceName = condition(rule, 'name');
  const name = serviceName ? match('name', false) : match('name', true);
  const label = match('label', true);
  const path = match('path', false);
  const iface = match('interface', false);
  const member = match('member', false);
  let perms: number;
  if (rule.kind === 'all') perms = DBUS_BITS.all;
  else if (rule.permissions.length > 0) perms = ruleBits(rule, DBUS_BITS);
  else {
    const message =
      ['path', 'interface', 'member'].some((k) => condition(rule, k)) ||
      peerCondition(rule, 'name') ||
      peerCondition(rule, 'label');
    perms = message ? SEND | RECEIVE : serviceName ? BIND : DBUS_BITS.all;
  }
  return (access) => {
    if (!('dbus' in access)) return 0;
    const d = access.dbus;
    if (!bus(d.bus, deny)) return 0;
    let bits = perms & EAVESDROP;
    if (name(d.name, deny)) {
      bits |= perms & BIND;
      if (label(d.label, deny) && path(d.path, deny) && iface(d.interface, deny) && member(d.member, deny))
        bits |= perms & (SEND | RECEIVE);
    }
    return bits;
  };
}

function describe(access: Access): string {
  if (!('dbus' in access)) return 'dbus';
  const d = access.dbus;
  const fields = DBUS_FIELDS.filter((key) => d[key] !== undefined).map((key) => `${key}=${d[key]}`);
  return `dbus ${[Array.isArray(d.access) ? d.access.join(' ') : d.access, ...fields].join(' ')}`;
}

export const dbusClass: PermsClass = {
  key: 'dbus',
  ruleKinds: ['dbus'],
  table: DBUS_BITS,
  wanted: (access) => ('dbus' in access ? accessBits(access.dbus.access, DBUS_BITS) : 0),
  compile,
  describe,
};
