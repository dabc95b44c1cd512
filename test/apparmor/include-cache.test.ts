/**
 * apparmor_parser reads each included file once per block (parser_lex.l's include cache, fresh
 * for every profile): a second include of the same file is skipped, so variables and hats in it
 * are not defined twice, and a file that includes itself ends. Written from the lexer's source.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parserRuleIds } from '../../src/languages/apparmor/rules/index.js';
import {
  apparmorParserAccepts,
  hasApparmorParser,
  noApparmorParser,
  parserFindings,
  skipping,
} from './helpers.js';

const root = mkdtempSync(join(tmpdir(), 'chs-include-cache-'));
writeFileSync(join(root, 'vars'), '@{HOME_DIRS} = /home/ /srv/\n');
writeFileSync(join(root, 'hat'), '^helper {\n  /tmp/** rw,\n}\n');
writeFileSync(join(root, 'self'), '/self r,\ninclude <self>\n');
writeFileSync(join(root, 'rules'), '/usr/bin/tool px,\n');

const CASES: { name: string; text: string; expect: [] | [string, number, number, string] }[] = [
  {
    name: 'variables included twice at the file level are defined once',
    text: 'include <vars>\ninclude <vars>\nprofile a {\n  @{HOME_DIRS} r,\n}\n',
    expect: [],
  },
  {
    name: 'a hat included twice in a profile is defined once',
    text: 'profile a {\n  include <hat>\n  include <hat>\n}\n',
    expect: [],
  },
  {
    name: 'a file that includes itself is read once',
    text: 'profile a {\n  include <self>\n}\n',
    expect: [],
  },
  {
    name: 'a child profile reads what its parent read (its own cache)',
    text: 'profile a {\n  include <rules>\n  profile b {\n    include <rules>\n    /usr/bin/tool ix,\n  }\n}\n',
    expect: [
      'apparmor/invalid-permissions',
      5,
      19,
      'exec mode ix conflicts with px for the same path at line 1',
    ],
  },
  {
    name: 'a hat defined in the profile and in its include is defined twice',
    text: 'profile a {\n  ^helper {\n  }\n  include <hat>\n}\n',
    expect: ['apparmor/duplicate-profile', 1, 2, 'profile "helper" is already defined at line 2'],
  },
];

describe('the include cache of apparmor_parser 4.1', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s', (_, c) => {
    const first = parserFindings(c.text, { roots: [root] }).find((f) => parserRuleIds.has(f.ruleId));
    expect(first ? [first.ruleId, first.line, first.column, first.message] : []).toEqual(c.expect);
  });
});

if (noApparmorParser) skipping('the include cache against apparmor_parser', noApparmorParser);

describe.skipIf(!hasApparmorParser)('the include cache, against apparmor_parser', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s', (_, c) => {
    expect(apparmorParserAccepts(c.text, [root])).toBe(c.expect.length === 0);
  });
});
