/**
 * `mqueue` rules: POSIX (`/name`) and System V (a numeric key) message queues, as AppArmor 4.1's
 * parser compiles them (mqueue.cc). A rule's type is written (`type=posix|sysv`) or implied by
 * its name; without either it covers both. Its permissions are read after the queue's name, or
 * after the name and the queue's label (the label of the task that created it): a rule without
 * `label=` grants at both; a rule with `label=` grants only where the label matches, except that
 * its create, read and write (those it names) are granted at the name, since a queue being
 * created has no label yet. An access leaves `label` out for that creating open.
 */
import type { MediationRule } from '../ast.js';
import { compileAare, expandPattern } from '../aare.js';
import type { PermissionTable } from './types.js';
import { accessBits, ruleBits } from './bits.js';
import { condition, conditionMatcher } from './conditions.js';
import type { Access, PermsClass, Variables } from './types.js';

const WRITE = 0x2;
const READ = 0x4;
const CREATE = 0x10;
const DELETE = 0x20;
const OPEN = 0x40;
const SETATTR = 0x100;
const GETATTR = 0x200;

const MQUEUE_BITS: PermissionTable = {
  className: 'mqueue',
  all: WRITE | READ | CREATE | DELETE | OPEN | SETATTR | GETATTR,
  words: {
    read: READ,
    write: WRITE,
    create: CREATE,
    open: OPEN,
    delete: DELETE,
    getattr: GETATTR,
    setattr: SETATTR,
    r: READ,
    w: WRITE,
  },
};

type MqueueAccess = Extract<Access, { mqueue: unknown }>['mqueue'];

/** A queue's type from its name: `/name` is POSIX, a number System V. */
function mqueueType(name: string | undefined): 'posix' | 'sysv' | undefined {
  if (name === undefined) return undefined;
  if (name.startsWith('/')) return 'posix';
  return /^\d+$/.test(name) ? 'sysv' : undefined;
}

/** The queue name of a rule: after its permissions (the parser may have kept it among them). */
function nameOf(rule: MediationRule): string | undefined {
  const word = rule.words[0] ?? rule.permissions.find((w) => mqueueType(w.text) !== undefined);
  return word?.text;
}

function compile(rule: MediationRule, variables: Variables): (access: Access) => number {
  const deny = rule.qualifiers.deny !== undefined;
  const written = rule.kind === 'mqueue' ? nameOf(rule) : undefined;
  const name = written === undefined ? undefined : expandPattern(written, variables);
  const type = rule.kind === 'mqueue' ? (condition(rule, 'type')?.[0]?.text ?? mqueueType(name)) : undefined;
  const perms = rule.kind === 'mqueue' ? ruleBits(rule, MQUEUE_BITS) : MQUEUE_BITS.all;
  const labelled = rule.kind === 'mqueue' && condition(rule, 'label') !== undefined;
  const label = conditionMatcher(rule.kind === 'mqueue' ? condition(rule, 'label') : undefined, variables);
  const posixName = name !== undefined && type !== 'sysv' ? compileAare(name) : undefined;
  const nameMatches = (m: MqueueAccess, queueType: string | undefined): boolean => {
    if (name === undefined) return true;
    if (m.name === undefined) return deny;
    // System V keys are compared as numbers (the parser writes the key's four bytes).
    if (queueType === 'sysv') return Number(m.name) === Number(name);
    return posixName?.test(m.name) ?? false;
  };
  return (access) => {
    if (!('mqueue' in access)) return 0;
    const m = access.mqueue;
    const queueType = m.type ?? mqueueType(m.name);
    if (type !== undefined && (queueType === undefined ? !deny : queueType !== type)) return 0;
    if (!nameMatches(m, queueType)) return 0;
    if (!labelled) return perms;
    if (m.label === undefined) return perms & CREATE ? perms & (CREATE | READ | WRITE) : 0;
    return label(m.label, deny) ? perms : 0;
  };
}

function describe(access: Access): string {
  if (!('mqueue' in access)) return 'mqueue';
  const m = access.mqueue;
  const parts = [
    Array.isArray(m.access) ? m.access.join(' ') : m.access,
    m.type && `type=${m.type}`,
    m.label && `label=${m.label}`,
    m.name,
  ];
  return `mqueue ${parts.filter(Boolean).join(' ')}`;
}

export const mqueueClass: PermsClass = {
  key: 'mqueue',
  ruleKinds: ['mqueue'],
  table: MQUEUE_BITS,
  wanted: (access) => ('mqueue' in access ? accessBits(access.mqueue.access, MQUEUE_BITS) : 0),
  compile,
  describe,
};
