/**
 * apparmor_parser 4.1's own rules, one table per area of its grammar and semantic checks
 * (parser_yacc.y, parser_lex.l, parser_misc.c, cond_expr.cc, parser_symtab.c, parser_variable.c,
 * mount.cc, network.cc, mqueue.cc, dbus.cc, signal.cc, profile.h, parser_merge.c). The cases are
 * written from that source, not taken from its test suite. Each asserts the first finding that
 * makes apparmor_parser refuse the file (rule id, line, column, message), or none.
 * Cases marked `oracle` are AppArmor 3 syntax on which 3.0.8 and 4.1 agree: where apparmor_parser
 * is installed, it must give the same verdict.
 */
import { describe, expect, it } from 'vitest';
import { parserRuleIds } from '../../src/languages/apparmor/rules/index.js';
import {
  apparmorParserAccepts,
  hasApparmorParser,
  noApparmorParser,
  parserFindings,
  skipping,
} from './helpers.js';

interface Case {
  area: string;
  name: string;
  text: string;
  /** The first refusal: rule id, line, column, message; [] when apparmor_parser loads it. */
  expect: [] | [string, number, number, string];
  oracle?: true;
}

const CASES: Case[] = [
  {
    area: 'conditionals',
    name: 'if defined $BOOL tests the value (4.1 cond_expr)',
    text: '$ON = false\nprofile a {\n  if defined $ON {\n    /a r,\n  }\n}\n',
    expect: [],
  },
  {
    area: 'conditionals',
    name: 'if defined $BOOL needs the boolean',
    text: 'profile a {\n  if defined $OFF {\n    /a r,\n  }\n}\n',
    expect: ['apparmor/undefined-variable', 2, 14, 'variable $OFF is not defined'],
  },
  {
    area: 'conditionals',
    name: 'if defined @VAR without braces',
    text: '@{VAR} = /a\nprofile a {\n  if defined @VAR {\n    @{VAR} r,\n  }\n}\n',
    expect: [],
  },
  {
    area: 'conditionals',
    name: 'if defined @{VAR} of an undefined set is false',
    text: 'profile a {\n  if defined @{NOPE} {\n    /a r,\n  }\n}\n',
    expect: [],
  },
  {
    area: 'conditionals',
    name: 'if defined @{VAR} expands the set',
    text: '@{A} = /x/@{B}\nprofile a {\n  if defined @{A} {\n  }\n}\n',
    expect: [
      'apparmor/undefined-variable',
      3,
      14,
      'variable @{B} is not defined (it is used in the value of another variable)',
    ],
  },
  {
    area: 'conditionals',
    name: 'boolean with braces in if',
    text: '${FOO} = TRUE\nprofile a {\n  if $FOO {\n    /a r,\n  } else if not ${FOO} {\n    /b r,\n  }\n}\n',
    expect: [],
  },
  {
    area: 'conditionals',
    name: 'if on a set variable',
    text: '@{FOO} = /a\nprofile a {\n  if $FOO {\n  }\n}\n',
    expect: [
      'apparmor/undefined-variable',
      3,
      6,
      '$FOO is a set variable, not a boolean: test it with "if defined @{FOO}"',
    ],
  },
  {
    area: 'conditionals',
    name: 'boolean and set share a name',
    text: '$FOO = true\n@{FOO} = /a\nprofile a {\n}\n',
    expect: ['apparmor/undefined-variable', 2, 1, 'variable $FOO is already defined; use += to add values'],
  },
  {
    area: 'conditionals',
    name: 'boolean value quoted',
    text: '$FOO = "false"\nprofile a {\n  if not $FOO {\n  }\n}\n',
    expect: [],
  },
  {
    area: 'variables',
    name: 'variable after the first profile',
    oracle: true,
    text: 'profile a {\n}\n@{X} = /a\n',
    expect: [
      'apparmor/syntax-error',
      3,
      1,
      'a variable assignment is not allowed after the first profile: move it above the profiles',
    ],
  },
  {
    area: 'variables',
    name: 'variable name starts with a letter',
    oracle: true,
    text: '@{_X} = /a\nprofile a {\n}\n',
    expect: ['apparmor/syntax-error', 1, 1, 'invalid variable name @{_X}'],
  },
  {
    area: 'variables',
    name: 'unused variable with an undefined reference',
    oracle: true,
    text: '@{A} = @{B}\nprofile a {\n}\n',
    expect: [],
  },
  {
    area: 'variables',
    name: 'used variable with an undefined reference',
    oracle: true,
    text: '@{A} = @{B}\nprofile a {\n  @{A} r,\n}\n',
    expect: [
      'apparmor/undefined-variable',
      3,
      3,
      'variable @{B} is not defined (it is used in the value of another variable)',
    ],
  },
  {
    area: 'variables',
    name: 'exec_path is no built-in variable',
    oracle: true,
    text: 'profile a {\n  @{exec_path} r,\n}\n',
    expect: ['apparmor/undefined-variable', 2, 3, 'variable @{exec_path} is not defined'],
  },
  {
    area: 'variables',
    name: 'empty variable name',
    oracle: true,
    text: 'profile a {\n  /a/@{} r,\n}\n',
    expect: [
      'apparmor/undefined-variable',
      2,
      3,
      'empty variable name "@{}": name the variable, or escape the @ (\\@{) for a literal',
    ],
  },
  {
    area: 'variables',
    name: 'underscore in braces is literal text',
    oracle: true,
    text: 'profile a {\n  /a/@{_x} r,\n}\n',
    expect: [
      'apparmor/invalid-glob',
      2,
      3,
      'an alternation needs at least two choices ({a,b}) in "/a/@{_x}"',
    ],
  },
  {
    area: 'variables',
    name: 'boolean used as a set',
    oracle: true,
    text: '$B = true\nprofile a {\n  /a/@{B} r,\n}\n',
    expect: [
      'apparmor/undefined-variable',
      3,
      3,
      '@{B} is declared as the boolean $B: a rule can only use set variables (@{NAME} = values)',
    ],
  },
  {
    area: 'variables',
    name: 'profile_name is built in',
    oracle: true,
    text: 'profile a {\n  signal peer=@{profile_name},\n}\n',
    expect: [],
  },
  {
    area: 'mount',
    name: 'double star as source',
    oracle: true,
    text: 'profile a {\n  mount ** -> /mnt/**,\n}\n',
    expect: [],
  },
  {
    area: 'mount',
    name: 'glob source with fstype',
    oracle: true,
    text: 'profile a {\n  mount fstype=ext4 /dev/sd[a-z]* -> /mnt/,\n}\n',
    expect: [],
  },
  {
    area: 'mount',
    name: 'mount point need not be absolute',
    oracle: true,
    text: 'profile a {\n  umount **,\n}\n',
    expect: [],
  },
  {
    area: 'mount',
    name: 'fstype given twice',
    oracle: true,
    text: 'profile a {\n  mount fstype=ext4 fstype=xfs -> /mnt/,\n}\n',
    expect: [],
  },
  {
    area: 'mount',
    name: 'options given twice',
    oracle: true,
    text: 'profile a {\n  mount options=(ro) options=(rw, nosuid) -> /mnt/,\n}\n',
    expect: [],
  },
  {
    area: 'mount',
    name: 'option is options',
    oracle: true,
    text: 'profile a {\n  mount option=(ro) -> /mnt/,\n}\n',
    expect: [],
  },
  {
    area: 'mount',
    name: 'relatime and norelatime',
    oracle: true,
    text: 'profile a {\n  mount options=(relatime, norelatime) -> /mnt/,\n}\n',
    expect: [],
  },
  {
    area: 'mount',
    name: 'verbose and loud share a flag',
    text: 'profile a {\n  mount options=(verbose, loud) -> /mnt/,\n}\n',
    expect: ['apparmor/invalid-option', 2, 27, 'mount options "verbose" and "loud" contradict each other'],
  },
  {
    area: 'mount',
    name: 'r and w contradict',
    text: 'profile a {\n  mount options=(r, w) -> /mnt/,\n}\n',
    expect: ['apparmor/invalid-option', 2, 21, 'mount options "r" and "w" contradict each other'],
  },
  {
    area: 'mount',
    name: 'optional options never contradict',
    oracle: true,
    text: 'profile a {\n  mount options in (ro, rw) -> /mnt/,\n}\n',
    expect: [],
  },
  {
    area: 'mount',
    name: 'conditions after the source',
    oracle: true,
    text: 'profile a {\n  mount /dev/sda options=ro -> /mnt/,\n}\n',
    expect: [
      'apparmor/invalid-option',
      2,
      18,
      'conditions come before the source: mount options=... /dev/sda',
    ],
  },
  {
    area: 'mount',
    name: 'unmount keyword',
    oracle: true,
    text: 'profile a {\n  unmount /mnt/,\n}\n',
    expect: [],
  },
  {
    area: 'mount',
    name: 'propagation with fstype',
    oracle: true,
    text: 'profile a {\n  mount fstype=tmpfs options=(make-private) -> /mnt/,\n}\n',
    expect: [
      'apparmor/invalid-option',
      2,
      3,
      'propagation, bind, move and remount options cannot be combined with fstype=: drop fstype= or add an ordinary mount option',
    ],
  },
  { area: 'mqueue', name: 'combined access rw', text: 'profile a {\n  mqueue rw /q,\n}\n', expect: [] },
  { area: 'mqueue', name: 'combined access wr', text: 'profile a {\n  mqueue wr /q,\n}\n', expect: [] },
  {
    area: 'mqueue',
    name: 'letters in a list',
    text: 'profile a {\n  mqueue (rrw, create, getattr) /q,\n}\n',
    expect: [],
  },
  {
    area: 'mqueue',
    name: 'number in a list is no access',
    text: 'profile a {\n  mqueue (1) /q,\n}\n',
    expect: ['apparmor/invalid-permissions', 2, 11, '"1" is not a mqueue permission; did you mean "r"?'],
  },
  {
    area: 'mqueue',
    name: 'numeric sysv queue',
    text: 'profile a {\n  mqueue (read, write) type=sysv 1234,\n}\n',
    expect: [],
  },
  // mqueue.cc validate_qname: a name of digits only implies type=sysv, whatever the permissions
  // (the lexer's MQUEUE_MODE reads it as the rule's id, after a list or a single permission).
  {
    area: 'mqueue',
    name: 'bare number after a permission list is a sysv queue',
    text: 'profile a {\n  mqueue (read) 1234,\n}\n',
    expect: [],
  },
  {
    area: 'mqueue',
    name: 'bare number after a permission word is a sysv queue',
    text: 'profile a {\n  mqueue read 1234,\n  mqueue rw 5678,\n  mqueue (getattr, setattr, delete) 01234,\n}\n',
    expect: [],
  },
  {
    area: 'mqueue',
    name: 'bare number alone is a sysv queue',
    text: 'profile a {\n  mqueue 1234,\n}\n',
    expect: [],
  },
  {
    area: 'mqueue',
    name: 'a name neither / nor digits',
    text: 'profile a {\n  mqueue (read) -1,\n}\n',
    expect: [
      'apparmor/invalid-option',
      2,
      17,
      'invalid message queue name "-1" (posix names start with /, sysv keys are numbers)',
    ],
  },
  {
    area: 'mqueue',
    name: 'numeric name is sysv',
    text: 'profile a {\n  mqueue type=posix 1234,\n}\n',
    expect: [
      'apparmor/invalid-option',
      2,
      21,
      'invalid message queue name "1234" (posix names start with /, sysv keys are numbers)',
    ],
  },
  {
    area: 'mqueue',
    name: 'variable as queue name',
    text: '@{Q} = /q\nprofile a {\n  mqueue @{Q},\n}\n',
    expect: [
      'apparmor/invalid-option',
      3,
      10,
      'invalid message queue name "@{Q}" (apparmor_parser checks the name before expanding variables: write the name itself)',
    ],
  },
  {
    area: 'mqueue',
    name: 'two accesses without parentheses',
    text: 'profile a {\n  mqueue read write /q,\n}\n',
    expect: [
      'apparmor/invalid-option',
      2,
      15,
      'several mqueue permissions must be written in parentheses: (read, write)',
    ],
  },
  {
    area: 'network',
    name: 'unspec family',
    oracle: true,
    text: 'profile a {\n  network unspec,\n}\n',
    expect: [],
  },
  {
    area: 'network',
    name: 'unspec family and type',
    oracle: true,
    text: 'profile a {\n  network unspec dgram,\n}\n',
    expect: [],
  },
  {
    area: 'network',
    name: 'local is no family',
    oracle: true,
    text: 'profile a {\n  network local,\n}\n',
    expect: ['apparmor/invalid-option', 2, 11, 'invalid network family, type or protocol "local"'],
  },
  {
    area: 'network',
    name: 'access list then family and type',
    text: 'profile a {\n  network (send, receive) inet stream,\n}\n',
    expect: [],
  },
  {
    area: 'network',
    name: 'one access word then family',
    text: 'profile a {\n  network connect inet6 stream,\n}\n',
    expect: [],
  },
  {
    area: 'network',
    name: 'two access words without parentheses',
    text: 'profile a {\n  network send receive inet,\n}\n',
    expect: [
      'apparmor/invalid-option',
      2,
      16,
      'several network accesses must be written in parentheses: network (send receive) ...',
    ],
  },
  {
    area: 'network',
    name: 'three words',
    oracle: true,
    text: 'profile a {\n  network inet stream tcp,\n}\n',
    expect: [
      'apparmor/invalid-option',
      2,
      23,
      'a network rule names at most a family and a type (or protocol); write one rule per type',
    ],
  },
  {
    area: 'network',
    name: 'inet6 icmp',
    oracle: true,
    text: 'profile a {\n  network inet6 icmp,\n}\n',
    expect: [
      'apparmor/invalid-option',
      2,
      17,
      '"inet6 icmp" is no network entry apparmor_parser knows (icmp is mapped for inet only)',
    ],
  },
  {
    area: 'network',
    name: 'conditions on unix',
    oracle: true,
    text: 'profile a {\n  network unix ip=127.0.0.1,\n}\n',
    expect: [
      'apparmor/invalid-option',
      2,
      11,
      'ip= and port= conditions apply to inet and inet6 only, not to unix',
    ],
  },
  {
    area: 'network',
    name: 'family after conditions',
    oracle: true,
    text: 'profile a {\n  network ip=127.0.0.1 inet,\n}\n',
    expect: [
      'apparmor/invalid-option',
      2,
      24,
      '"inet" must come before the conditions (network [access] [family] [type] ip=... port=...)',
    ],
  },
  {
    area: 'network',
    name: 'v4-mapped v6 address',
    text: 'profile a {\n  network inet6 ip=::ffff:10.0.0.1,\n}\n',
    expect: [],
  },
  {
    area: 'network',
    name: 'leading zero in an address',
    text: 'profile a {\n  network inet ip=10.0.0.01,\n}\n',
    expect: ['apparmor/invalid-option', 2, 19, 'invalid IP address "10.0.0.01"'],
  },
  {
    area: 'network',
    name: 'accept with a peer',
    text: 'profile a {\n  network (accept) inet peer=(ip=10.0.0.1 port=80),\n}\n',
    expect: [],
  },
  {
    area: 'network',
    name: 'bind with a peer',
    text: 'profile a {\n  network (bind) inet peer=(ip=10.0.0.1),\n}\n',
    expect: [
      'apparmor/invalid-option',
      2,
      3,
      'peer= does not apply to create, bind, listen, shutdown, getattr, setattr, getopt or setopt',
    ],
  },
  { area: 'flags', name: 'errno in lower case', text: 'profile a flags=(error=eacces) {\n}\n', expect: [] },
  { area: 'flags', name: 'rare errno', text: 'profile a flags=(error=EXFULL) {\n}\n', expect: [] },
  {
    area: 'flags',
    name: 'unknown errno',
    text: 'profile a flags=(error=EWHATEVER) {\n}\n',
    expect: [
      'apparmor/invalid-flags',
      1,
      18,
      'invalid value for error: "EWHATEVER" is not an errno name such as EPERM or EACCES',
    ],
  },
  {
    area: 'flags',
    name: 'two error values',
    text: 'profile a flags=(error=EPERM, error=EACCES) {\n}\n',
    expect: ['apparmor/invalid-flags', 1, 31, 'error is given two values, "EPERM" and "EACCES": keep one'],
  },
  {
    area: 'flags',
    name: 'same error twice',
    text: 'profile a flags=(error=EPERM error=EPERM) {\n}\n',
    expect: [],
  },
  {
    area: 'flags',
    name: 'kill.signal rtmin+ without a number',
    text: 'profile a flags=(kill.signal=rtmin+) {\n}\n',
    expect: [],
  },
  {
    area: 'flags',
    name: 'kill.signal lost',
    text: 'profile a flags=(kill.signal=lost) {\n}\n',
    expect: [
      'apparmor/invalid-flags',
      1,
      18,
      'invalid value for kill.signal: "lost" is not a signal name such as term or kill',
    ],
  },
  {
    area: 'flags',
    name: 'disconnected path from a variable',
    text: '@{D} = /disconnected/\nprofile a flags=(attach_disconnected.path=@{D}) {\n}\n',
    expect: [],
  },
  {
    area: 'flags',
    name: 'disconnected path from a relative variable',
    text: '@{D} = disconnected\nprofile a flags=(attach_disconnected.path=@{D}) {\n}\n',
    expect: [
      'apparmor/invalid-flags',
      2,
      18,
      'invalid value for attach_disconnected.path: "@{D}" expands to "disconnected", which does not begin with /',
    ],
  },
  {
    area: 'flags',
    name: 'disconnected path from two values',
    text: '@{D} = /a /b\nprofile a flags=(attach_disconnected.path=@{D}) {\n}\n',
    expect: [
      'apparmor/invalid-flags',
      2,
      18,
      'invalid value for attach_disconnected.path: "@{D}" expands to "{/a,/b}", which does not begin with /',
    ],
  },
  {
    area: 'flags',
    name: 'disconnected path from an undefined variable',
    text: 'profile a flags=(attach_disconnected.path=@{D}) {\n}\n',
    expect: ['apparmor/undefined-variable', 1, 43, 'variable @{D} is not defined'],
  },
  {
    area: 'flags',
    name: 'disconnected path and no_attach_disconnected',
    text: 'profile a flags=(attach_disconnected.path=/d no_attach_disconnected) {\n}\n',
    expect: [
      'apparmor/invalid-flags',
      1,
      46,
      'profile flags "attach_disconnected" and "no_attach_disconnected" contradict each other',
    ],
  },
  { area: 'exec', name: 'PIx', text: 'profile a {\n  /usr/bin/b PIx,\n}\n', expect: [] },
  { area: 'exec', name: 'pUx', text: 'profile a {\n  /usr/bin/b pUx,\n}\n', expect: [] },
  {
    area: 'exec',
    name: 'bare x before px',
    text: 'profile a {\n  /usr/bin/b xpx,\n}\n',
    expect: [
      'apparmor/invalid-permissions',
      2,
      14,
      'conflicting exec modes in "xpx": a rule takes only one of ix, px, cx, ux (pix and cix combine them)',
    ],
  },
  { area: 'exec', name: 'bare x before ix', text: 'profile a {\n  /usr/bin/b xix,\n}\n', expect: [] },
  {
    area: 'exec',
    name: 'px then Px',
    text: 'profile a {\n  /usr/bin/b pxPx,\n}\n',
    expect: [
      'apparmor/invalid-permissions',
      2,
      14,
      'conflicting exec modes in "pxPx": a rule takes only one of ix, px, cx, ux (pix and cix combine them)',
    ],
  },
  {
    area: 'exec',
    name: 'safe with a path first',
    text: 'profile a {\n  safe /usr/bin/b px,\n}\n',
    expect: [],
  },
  {
    area: 'exec',
    name: 'safe without exec',
    text: 'profile a {\n  safe /usr/bin/b r,\n}\n',
    expect: [
      'apparmor/invalid-permissions',
      2,
      3,
      '"safe" needs an exec mode in the permissions (px, cx, ux, pix...): it only says whether the environment is scrubbed',
    ],
  },
  {
    area: 'exec',
    name: 'unsafe Px conflicts with Px',
    text: 'profile a {\n  unsafe /usr/bin/b Px,\n  /usr/bin/b Px,\n}\n',
    expect: [
      'apparmor/invalid-permissions',
      3,
      14,
      'exec mode Px conflicts with unsafe Px for the same path at line 2',
    ],
  },
  {
    area: 'exec',
    name: 'safe px is Px',
    text: 'profile a {\n  safe /usr/bin/b px,\n  /usr/bin/b Px,\n}\n',
    expect: [],
  },
  {
    area: 'exec',
    name: 'owner and plain rule conflict',
    text: 'profile a {\n  owner /usr/bin/b px,\n  /usr/bin/b ix,\n}\n',
    expect: [
      'apparmor/invalid-permissions',
      3,
      14,
      'exec mode ix conflicts with px for the same path at line 2',
    ],
  },
  {
    area: 'exec',
    name: 'owner and other do not',
    text: 'profile a {\n  owner /usr/bin/b px,\n  other /usr/bin/b ix,\n}\n',
    expect: [],
  },
  {
    area: 'exec',
    name: 'audit splits the merge',
    text: 'profile a {\n  audit /usr/bin/b px,\n  /usr/bin/b ix,\n}\n',
    expect: [],
  },
  {
    area: 'exec',
    name: 'two targets',
    text: 'profile a {\n  /usr/bin/b px -> b,\n  /usr/bin/b px -> c,\n}\n',
    expect: [
      'apparmor/invalid-permissions',
      3,
      14,
      'exec mode px -> c conflicts with px -> b for the same path at line 2',
    ],
  },
  {
    area: 'exec',
    name: 'change_profile targets apart',
    text: 'profile a {\n  change_profile unsafe /usr/bin/b -> b,\n  change_profile safe /usr/bin/b -> c,\n}\n',
    expect: [],
  },
  {
    area: 'exec',
    name: 'read with a target',
    oracle: true,
    text: 'profile a {\n  /a r -> /b,\n}\n',
    expect: [],
  },
  {
    area: 'exec',
    name: 'link and exec with a target',
    text: 'profile a {\n  lpx /a -> /b,\n}\n',
    expect: [
      'apparmor/invalid-permissions',
      2,
      3,
      'link and exec permissions conflict in a rule with "->": write the link rule and the exec rule separately',
    ],
  },
  {
    area: 'dbus and signal',
    name: 'bind with a name',
    oracle: true,
    text: 'profile a {\n  dbus bind bus=session name=org.example.A,\n}\n',
    expect: [],
  },
  {
    area: 'dbus and signal',
    name: 'bind with a path',
    oracle: true,
    text: 'profile a {\n  dbus bind bus=session path=/org/example,\n}\n',
    expect: ['apparmor/invalid-option', 2, 3, 'dbus bind is for a service name= rule, not for messages'],
  },
  {
    area: 'dbus and signal',
    name: 'send with a service name',
    oracle: true,
    text: 'profile a {\n  dbus send bus=session name=org.example.A,\n}\n',
    expect: [
      'apparmor/invalid-option',
      2,
      3,
      'dbus send and receive are for messages, not for a service name= rule',
    ],
  },
  {
    area: 'dbus and signal',
    name: 'eavesdrop with a bus',
    oracle: true,
    text: 'profile a {\n  dbus eavesdrop bus=system,\n}\n',
    expect: [],
  },
  {
    area: 'dbus and signal',
    name: 'eavesdrop with a member',
    oracle: true,
    text: 'profile a {\n  dbus eavesdrop bus=system member=Hello,\n}\n',
    expect: ['apparmor/invalid-option', 2, 3, 'dbus eavesdrop takes a bus= condition only'],
  },
  {
    area: 'dbus and signal',
    name: 'label outside peer',
    oracle: true,
    text: 'profile a {\n  dbus send label=b,\n}\n',
    expect: [
      'apparmor/invalid-option',
      2,
      13,
      'dbus label= belongs inside peer=(...): dbus peer=(label=...)',
    ],
  },
  {
    area: 'dbus and signal',
    name: 'path in a peer group',
    text: 'profile a {\n  dbus send peer=(path=/org/example),\n}\n',
    expect: [],
  },
  {
    area: 'dbus and signal',
    name: 'name in subject and peer',
    oracle: true,
    text: 'profile a {\n  dbus receive name=org.a peer=(name=org.b),\n}\n',
    expect: ['apparmor/invalid-option', 2, 33, 'dbus name= can be given once (peer=(...) included)'],
  },
  {
    area: 'dbus and signal',
    name: 'signal peer group',
    oracle: true,
    text: 'profile a {\n  signal peer=(label=b),\n}\n',
    expect: ['apparmor/invalid-option', 2, 10, 'signal rules take peer=LABEL, not a peer=(...) group'],
  },
  {
    area: 'dbus and signal',
    name: 'signal set lost',
    oracle: true,
    text: 'profile a {\n  signal set=lost,\n}\n',
    expect: ['apparmor/invalid-option', 2, 14, 'invalid signal "lost"'],
  },
  {
    area: 'dbus and signal',
    name: 'signal rtmin+32',
    oracle: true,
    text: 'profile a {\n  signal set=rtmin+32,\n}\n',
    expect: [],
  },
  {
    area: 'dbus and signal',
    name: 'signal peer twice',
    oracle: true,
    text: 'profile a {\n  signal peer=b peer=c,\n}\n',
    expect: ['apparmor/invalid-option', 2, 17, 'peer= is given twice'],
  },
  { area: 'dbus and signal', name: 'signal wr', text: 'profile a {\n  signal wr,\n}\n', expect: [] },
  {
    area: 'includes and qualifiers',
    name: 'prompt rule mode',
    text: 'profile a {\n  prompt /a r,\n}\n',
    expect: [],
  },
  {
    area: 'includes and qualifiers',
    name: 'user is owner',
    text: 'profile a {\n  user /a r,\n}\n',
    expect: [],
  },
  {
    area: 'includes and qualifiers',
    name: 'allow and prompt',
    text: 'profile a {\n  allow prompt /a r,\n}\n',
    expect: ['apparmor/invalid-qualifier', 2, 9, '"allow" and "prompt" exclude each other: keep one'],
  },
  {
    area: 'includes and qualifiers',
    name: 'rewrite is alias',
    oracle: true,
    text: 'rewrite /a -> /b,\nprofile a {\n}\n',
    expect: [],
  },
];

function firstRefusal(text: string): Case['expect'] {
  const first = parserFindings(text).find((f) => parserRuleIds.has(f.ruleId));
  return first ? [first.ruleId, first.line, first.column, first.message] : [];
}

for (const area of [...new Set(CASES.map((c) => c.area))]) {
  describe(`apparmor_parser 4.1: ${area}`, () => {
    it.each(CASES.filter((c) => c.area === area).map((c) => [c.name, c] as const))('%s', (_, c) => {
      expect(firstRefusal(c.text)).toEqual(c.expect);
    });
  });
}

if (noApparmorParser) skipping('4.1 cases against apparmor_parser', noApparmorParser);

describe.skipIf(!hasApparmorParser)('the cases AppArmor 3 reads alike, against apparmor_parser', () => {
  it.each(CASES.filter((c) => c.oracle).map((c) => [c.name, c] as const))('%s', (_, c) => {
    expect(apparmorParserAccepts(c.text, [])).toBe(c.expect.length === 0);
  });
});
