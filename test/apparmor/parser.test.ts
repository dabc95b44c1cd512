/**
 * apparmor_parser's refusals, at the line of the mistake. Every case is also given to the
 * installed apparmor_parser (3.0.8 here), whose verdict must agree, except for AppArmor 4 syntax.
 */
import { describe, expect, it } from 'vitest';
import { parseApparmor } from '../../src/languages/apparmor/parser.js';
import {
  apparmorParserAccepts,
  hasApparmorParser,
  noApparmorParser,
  parserFindings,
  skipping,
} from './helpers.js';
import { APPARMOR_SYSTEM } from '../helpers/apparmor-system.js';

if (noApparmorParser) skipping('apparmor_parser oracle on the parser cases', noApparmorParser);

interface Case {
  name: string;
  text: string;
  /** [ruleId, line, column, message substring]; empty: the profile is valid. */
  expect: [string, number, number, string][];
  /** AppArmor 4 syntax: the installed 3.0.8 parser cannot judge it. */
  abi4?: boolean;
}

const valid: Case[] = [
  { name: 'minimal profile', text: 'profile a {\n}\n', expect: [] },
  {
    name: 'file rules with every permission and exec mode',
    text: 'profile a {\n  /etc/** r,\n  /var/log/a.log w,\n  /var/log/b.log a,\n  /tmp/x rwlkm,\n  /bin/a ix,\n  /bin/b Px,\n  /bin/c Cx -> child,\n  /bin/d pix,\n  /bin/e Cix -> child,\n  /bin/f PUx,\n  owner /home/*/** rw,\n  deny /etc/shadow rwx,\n  audit /dev/null rw,\n  file,\n  profile child {\n  }\n}\n',
    expect: [],
  },
  {
    name: 'preamble: variables, booleans, alias, includes',
    text: '@{APP} = /home/*/ /root/\n@{APP} += /srv/\n$LOCKED = true\nalias /usr/ -> /mnt/usr/,\ninclude <tunables/global>\nprofile a @{APP}bin/a flags=(complain, attach_disconnected) {\n  include <abstractions/base>\n  #include <abstractions/consoles>\n  @{APP}.bashrc r,\n  if $LOCKED {\n    deny /tmp/** w,\n  } else {\n    /tmp/** rw,\n  }\n}\n',
    expect: [],
  },
  {
    name: 'capability, network, signal, ptrace, mount, unix, dbus, change_profile, rlimit, hats',
    text: 'profile a {\n  capability net_bind_service setuid,\n  network inet stream,\n  network unix,\n  deny network raw,\n  signal (send, receive) set=(term, kill) peer=b,\n  ptrace (read) peer=unconfined,\n  mount fstype=tmpfs -> /tmp/,\n  remount /proc/,\n  umount /mnt/**,\n  pivot_root /new/,\n  unix (send, receive) type=stream peer=(label=b),\n  dbus send bus=system path=/org/freedesktop/DBus member=Hello,\n  change_profile -> b,\n  set rlimit nofile <= 1024,\n  ^hat {\n    /tmp/hat r,\n  }\n}\n',
    expect: [],
  },
  {
    name: 'AppArmor 4: userns, mqueue, io_uring, all, priority, fine-grained network',
    text: 'abi <abi/4.0>,\nprofile a {\n  userns,\n  mqueue (create, write) type=posix /q,\n  io_uring sqpoll,\n  priority=1 /etc/passwd r,\n  network inet stream ip=127.0.0.1 port=80,\n}\nprofile b {\n  all,\n}\n',
    expect: [],
    abi4: true,
  },
];

const invalid: Case[] = [
  {
    name: 'missing comma, reported where it was forgotten',
    text: 'profile a {\n  /etc/passwd r\n  /etc/shadow r,\n}\n',
    expect: [['apparmor/syntax-error', 2, 16, 'expected "," ending the rule at the end of this line']],
  },
  {
    name: 'unknown capability, with a suggestion',
    text: 'profile a {\n  capability sys_admn,\n}\n',
    expect: [
      ['apparmor/unknown-capability', 2, 14, 'unknown capability "sys_admn"; did you mean "sys_admin"?'],
    ],
  },
  {
    name: 'conflicting exec modes',
    text: 'profile a {\n  /bin/ls ixpx,\n}\n',
    expect: [['apparmor/invalid-permissions', 2, 11, 'conflicting exec modes in "ixpx"']],
  },
  {
    name: 'w and a together',
    text: 'profile a {\n  /tmp/a wa,\n}\n',
    expect: [['apparmor/invalid-permissions', 2, 10, '"w" and "a" conflict']],
  },
  {
    name: 'bare x outside a deny rule',
    text: 'profile a {\n  /bin/ls x,\n}\n',
    expect: [['apparmor/invalid-permissions', 2, 11, '"x" must be preceded by an exec mode']],
  },
  {
    name: 'exec mode in a deny rule',
    text: 'profile a {\n  deny /bin/ls ix,\n}\n',
    expect: [['apparmor/invalid-permissions', 2, 16, 'deny rules take a bare "x"']],
  },
  {
    name: 'unknown permission letter',
    text: 'profile a {\n  /etc/a rz,\n}\n',
    expect: [['apparmor/invalid-permissions', 2, 10, 'invalid permission "z" in "rz"']],
  },
  {
    name: 'unknown flag',
    text: 'profile a flags=(enforced) {\n}\n',
    expect: [['apparmor/invalid-flags', 1, 18, 'unknown profile flag "enforced"; did you mean "enforce"?']],
  },
  {
    name: 'two modes',
    text: 'profile a flags=(enforce, complain) {\n}\n',
    expect: [
      ['apparmor/invalid-flags', 1, 27, 'profile flags "enforce" and "complain" contradict each other'],
    ],
  },
  {
    name: 'undefined variable',
    text: 'profile a {\n  @{NOPE}/x r,\n}\n',
    expect: [['apparmor/undefined-variable', 2, 3, 'variable @{NOPE} is not defined']],
  },
  {
    name: 'appending to an undefined variable',
    text: '@{A} += /x\nprofile a {\n}\n',
    expect: [['apparmor/undefined-variable', 1, 1, 'cannot append to @{A}']],
  },
  {
    name: 'variable defined in terms of itself',
    text: '@{A} = @{B}\n@{B} = @{A}\nprofile a {\n  /x/@{A} r,\n}\n',
    expect: [['apparmor/undefined-variable', 1, 8, 'variable @{B} is defined in terms of itself']],
  },
  {
    name: 'missing include',
    text: 'include <tunables/does-not-exist>\nprofile a {\n}\n',
    expect: [['apparmor/missing-include', 1, 9, 'cannot find include <tunables/does-not-exist>']],
  },
  {
    name: 'owner on a capability rule',
    text: 'profile a {\n  owner capability chown,\n}\n',
    expect: [['apparmor/invalid-qualifier', 2, 3, '"owner" is not allowed on capability rules']],
  },
  {
    name: 'deny before audit',
    text: 'profile a {\n  deny audit /x r,\n}\n',
    expect: [['apparmor/invalid-qualifier', 2, 8, '"audit" must come before "deny"']],
  },
  {
    name: 'duplicate hats',
    text: 'profile a {\n  ^h {\n  }\n  ^h {\n  }\n}\n',
    expect: [['apparmor/duplicate-profile', 4, 4, 'profile "h" is already defined at line 2']],
  },
  {
    name: 'a closing bracket without its class',
    text: 'profile a {\n  /tmp/a] r,\n}\n',
    expect: [['apparmor/invalid-glob', 2, 3, 'unbalanced "]"']],
  },
  {
    name: 'unbalanced alternation',
    text: 'profile a {\n  /usr/{lib,lib64/** r,\n}\n',
    expect: [['apparmor/invalid-glob', 2, 3, 'unbalanced "{"']],
  },
  {
    name: 'relative path',
    text: 'profile a {\n  "etc/passwd" r,\n}\n',
    expect: [['apparmor/invalid-glob', 2, 3, 'must be absolute']],
  },
  {
    name: 'unknown network family',
    text: 'profile a {\n  network inet9 stream,\n}\n',
    expect: [['apparmor/invalid-option', 2, 11, 'invalid network family, type or protocol "inet9"']],
  },
  {
    name: 'unknown signal',
    text: 'profile a {\n  signal set=(hup, nope),\n}\n',
    expect: [['apparmor/invalid-option', 2, 20, 'invalid signal "nope"']],
  },
  {
    name: 'unknown mount option',
    text: 'profile a {\n  mount options=(rw, bindd) -> /mnt/,\n}\n',
    expect: [['apparmor/invalid-option', 2, 22, 'invalid mount option "bindd"']],
  },
  {
    name: 'bad rlimit value',
    text: 'profile a {\n  set rlimit nofile <= lots,\n}\n',
    expect: [['apparmor/invalid-option', 2, 24, 'invalid value for rlimit nofile "lots"']],
  },
  {
    name: 'unclosed profile',
    text: 'profile a {\n  /x r,\n',
    expect: [['apparmor/syntax-error', 1, 11, 'unterminated block']],
  },
  {
    name: 'stray closing brace, and the next mistake is still found',
    text: 'profile a {\n}\n}\nprofile b {\n  capability nope,\n}\n',
    expect: [
      ['apparmor/syntax-error', 3, 1, '"}" is not allowed here'],
      ['apparmor/unknown-capability', 5, 14, 'unknown capability "nope"'],
    ],
  },
];

describe('apparmor parser: valid profiles', () => {
  it.each(valid)('$name', ({ text, abi4 }) => {
    expect(
      parserFindings(text, { roots: [APPARMOR_SYSTEM] }).filter(
        (f) => !(abi4 && f.ruleId === 'apparmor/missing-include'),
      ),
    ).toEqual([]);
  });
});

describe('apparmor parser: refused profiles', () => {
  it.each(invalid)('$name', ({ text, expect: wanted }) => {
    const found = parserFindings(text, { roots: [APPARMOR_SYSTEM] });
    expect(found.map((f) => [f.ruleId, f.line, f.column])).toEqual(
      wanted.map(([id, line, column]) => [id, line, column]),
    );
    wanted.forEach(([, , , message], i) => expect(found[i]?.message).toContain(message));
  });
});

describe.skipIf(!hasApparmorParser)('apparmor_parser agrees with every verdict above', () => {
  const cases = [...valid, ...invalid].filter((c) => !c.abi4 && !c.text.includes('/etc/apparmor.d/does-not'));
  it.each(cases)('$name', ({ text, expect: wanted }) => {
    expect(apparmorParserAccepts(text)).toBe(wanted.length === 0);
  });
});

describe('parser robustness', () => {
  it('parses an empty file and a file of comments', () => {
    const report = (): void => {
      throw new Error('no finding expected');
    };
    expect(parseApparmor('', { file: 'f', report })).toEqual([]);
    expect(parseApparmor('# only\n# comments\n', { file: 'f', report })).toEqual([]);
  });

  it('refuses absurd nesting with one finding instead of overflowing the stack', () => {
    const deep = 'profile a {\n' + '  profile b {\n'.repeat(20000) + '}\n'.repeat(20001);
    const found = parserFindings(deep);
    expect(found.map((f) => f.ruleId)).toEqual(['apparmor/syntax-error']);
    expect(found[0]?.message).toContain('nested more than 500 deep');
    const deepIf = '$B = true\nprofile a {\n' + '  if $B {\n'.repeat(20000) + '}\n'.repeat(20001);
    expect(parserFindings(deepIf)).toHaveLength(1);
  });

  it.each([
    [
      'doubling 40 times',
      40,
      2,
      '',
      18,
      'variable @{A17} expands to 131,072 characters, over the limit of 65,536',
    ],
    [
      'ten values, five levels',
      5,
      10,
      ' ',
      6,
      'variable @{A5} expands to 222,221 characters, over the limit of 65,536',
    ],
  ])(
    'bounds variable expansion (%s) with one finding at the variable that passes the limit',
    (_name, levels, copies, separator, line, message) => {
      // Not given to apparmor_parser: it hangs on these.
      const lines = ['@{A0} = x'];
      for (let i = 1; i <= levels; i++)
        lines.push(
          `@{A${i}} = ${Array<string>(copies)
            .fill(`@{A${i - 1}}`)
            .join(separator)}`,
        );
      lines.push(`profile a {\n  /tmp/@{A${levels}} r,\n}\n`);
      const found = parserFindings(lines.join('\n'));
      expect(found.map((f) => [f.ruleId, f.line, f.column])).toEqual([
        ['apparmor/undefined-variable', line, 1],
      ]);
      expect(found[0]?.message).toContain(message);
    },
  );

  it('gives every rule its range', () => {
    const text = 'profile a {\n  /etc/passwd r,\n}\n';
    const [profile] = parseApparmor(text, { file: 'f', report: () => undefined });
    if (profile?.kind !== 'profile') throw new Error('no profile');
    const rule = profile.body[0];
    expect(rule && text.slice(rule.start, rule.end)).toBe('/etc/passwd r,');
  });
});
