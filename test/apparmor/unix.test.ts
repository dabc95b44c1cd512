/**
 * unix rules as AppArmor 4.1 reads them (af_unix.cc and af_rule.cc): addr= is an abstract address
 * (@...), none or auto; type= is local, label= only in peer=(...); protocol=, attr= and opt= are
 * parsed and refused. The installed apparmor_parser (3.0.8 here) judges every case too.
 */
import { describe, expect, it } from 'vitest';
import { oracleAgrees, parserFindings } from './helpers.js';

const accepted = [
  'unix (send) type=stream',
  'unix (connect) addr=@foo',
  'unix (bind) addr=auto',
  'unix addr=none',
  'unix (send) peer=(label=foo)',
  'unix (send) peer=(addr=@x)',
  'unix (send) peer=(addr=none)',
  'unix (connect) peer=(label=a addr=@b)',
  'unix (send, receive) type=stream peer=(label=b)',
  'unix (rw)',
  'unix create',
];

const refused: [string, number, string][] = [
  [
    'unix (connect) addr=/run/app.sock',
    23,
    'invalid unix socket address "/run/app.sock" (a socket with a path is a file: allow it with a file rule such as "/run/app.sock rw,"',
  ],
  [
    'unix (send) peer=(addr=x)',
    26,
    'invalid unix socket address "x" (addr= takes an abstract address starting with @, none or auto)',
  ],
  [
    'unix protocol=1',
    8,
    'unix rules do not take "protocol=" (apparmor_parser does not support it on unix rules yet',
  ],
  ['unix (getattr) attr=foo', 18, 'unix rules do not take "attr="'],
  ['unix (setopt) opt=foo', 17, 'unix rules do not take "opt="'],
  ['unix label=foo', 8, 'unix rules do not take "label=" (the local label is the profile\'s own'],
  ['unix (send) peer=(type=stream)', 21, 'unix peer rules do not take "type="'],
  ['unix (bind) peer=(label=x)', 3, 'peer= does not apply to create, bind'],
  ['unix type=(stream dgram)', 8, 'type= takes a single value'],
  ['unix type=bogus', 13, 'invalid socket type "bogus"'],
  ['unix (send) type in (stream)', 15, 'unix rules do not take "type in (...)"'],
];

const profile = (rule: string): string => `profile a {\n  ${rule},\n}\n`;

describe('unix rules, as AppArmor 4.1 reads them', () => {
  it.each(accepted)('accepts %s', (rule) => {
    expect(parserFindings(profile(rule))).toEqual([]);
  });

  it.each(refused)('refuses %s', (rule, column, message) => {
    const found = parserFindings(profile(rule));
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ ruleId: 'apparmor/invalid-option', line: 2, column });
    expect(found[0]?.message).toContain(message);
  });
});

oracleAgrees(
  'unix',
  profile,
  accepted,
  refused.map(([rule]) => rule),
);
