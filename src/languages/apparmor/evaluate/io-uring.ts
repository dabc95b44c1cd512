/**
 * `io_uring` rules, as AppArmor 4.1's parser compiles them (io_uring.cc; Debian's
 * apparmor_parser 3.0.8 does not know them): `sqpoll` (a kernel thread polling the submission
 * queue) is read at the class alone, so a rule's `label=` does not narrow it; `override_creds`
 * (submitting with another task's credentials) is read after the label of those credentials.
 */
import type { MediationRule } from '../ast.js';
import type { PermissionTable } from './types.js';
import { accessBits, ruleBits } from './bits.js';
import { condition, conditionMatcher } from './conditions.js';
import type { Access, PermsClass, Variables } from './types.js';

const OVERRIDE_CREDS = 0x8;
const SQPOLL = 0x10;

const IO_URING_BITS: PermissionTable = {
  className: 'io_uring',
  all: OVERRIDE_CREDS | SQPOLL,
  words: { sqpoll: SQPOLL, override_creds: OVERRIDE_CREDS },
};

function compile(rule: MediationRule, variables: Variables): (access: Access) => number {
  const deny = rule.qualifiers.deny !== undefined;
  const perms = rule.kind === 'io_uring' ? ruleBits(rule, IO_URING_BITS) : IO_URING_BITS.all;
  const label = conditionMatcher(rule.kind === 'io_uring' ? condition(rule, 'label') : undefined, variables);
  return (access) => {
    if (!('io_uring' in access)) return 0;
    const i = access.io_uring;
    return (perms & SQPOLL) | (label(i.label, deny) ? perms & OVERRIDE_CREDS : 0);
  };
}

export const ioUringClass: PermsClass = {
  key: 'io_uring',
  ruleKinds: ['io_uring'],
  table: IO_URING_BITS,
  wanted: (access) => ('io_uring' in access ? accessBits(access.io_uring.access, IO_URING_BITS) : 0),
  compile,
  describe(access) {
    if (!('io_uring' in access)) return 'io_uring';
    const i = access.io_uring;
    return `io_uring ${[Array.isArray(i.access) ? i.access.join(' ') : i.access, i.label && `label=${i.label}`].filter(Boolean).join(' ')}`;
  },
};
