/**
 * `userns` rules, as AppArmor 4.1's parser compiles them (userns.cc; Debian's apparmor_parser
 * 3.0.8 does not know them): `create`, a new user namespace (unshare or clone with
 * CLONE_NEWUSER), read at the class alone. The parser marks every profile as mediating user
 * namespaces, so a profile without a userns rule denies their creation.
 */
import type { PermissionTable } from './types.js';
import { accessBits, ruleBits } from './bits.js';
import type { PermsClass } from './types.js';

const CREATE = 0x8;

const USERNS_BITS: PermissionTable = {
  className: 'userns',
  all: CREATE,
  words: { create: CREATE },
};

export const usernsClass: PermsClass = {
  key: 'userns',
  ruleKinds: ['userns'],
  table: USERNS_BITS,
  wanted: (access) => ('userns' in access ? accessBits(access.userns.access ?? 'create', USERNS_BITS) : 0),
  compile(rule) {
    const perms = rule.kind === 'userns' ? ruleBits(rule, USERNS_BITS) : USERNS_BITS.all;
    return (access) => ('userns' in access ? perms : 0);
  },
  describe: () => 'userns create',
};
