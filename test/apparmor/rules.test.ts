/**
 * The container checks: what apparmor_parser accepts but is wrong for containers. Each invalid
 * case marks its finding; every profile here also loads with apparmor_parser (the oracle), so
 * none of these findings is a parse error in disguise.
 */
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/core/config.js';
import type { Config } from '../../src/core/config.js';
import { emptyFacts } from '../../src/core/language.js';
import type { LintContext } from '../../src/core/language.js';
import { readScope } from '../../src/core/reach.js';
import { readTextFile } from '../../src/core/read.js';
import { formatMessage } from '../../src/core/rule.js';
import type { Finding } from '../../src/core/rule.js';
import { SourceFile } from '../../src/core/source.js';
import { apparmor } from '../../src/languages/apparmor/index.js';
import { apparmorRules } from '../../src/languages/apparmor/rules/index.js';
import { apparmorParserAccepts, hasApparmorParser, noApparmorParser, skipping } from './helpers.js';

if (noApparmorParser) skipping('apparmor_parser oracle on the container-rule cases', noApparmorParser);

interface Options {
  config?: (config: Config) => void;
  referenced?: string[];
}

function lintText(
  text: string,
  options: Options = {},
): { id: string; line: number; column: number; message: string }[] {
  const config = defaultConfig(process.cwd());
  options.config?.(config);
  const findings: Finding[] = [];
  const facts = emptyFacts();
  for (const name of options.referenced ?? [])
    facts.referencedApparmorProfiles.set(name, [{ file: 'pod.yaml' }]);
  const context: LintContext = {
    config,
    cwd: process.cwd(),
    includeDirs: [],
    scope: readScope(config, { trustConfig: true }),
    readFile: readTextFile,
    report: (finding) => findings.push(finding),
    facts,
  };
  const file = new SourceFile('policies/apparmor/p', text);
  apparmor.collectFacts?.([file], context);
  void apparmor.lint([file], context);
  return findings.map((f) => {
    const at = file.position(f.range?.start ?? 0);
    return {
      id: f.rule.meta.id,
      line: at.line,
      column: at.column,
      message: formatMessage(f.rule.messages[f.messageId] ?? '', f.data),
    };
  });
}

interface Case {
  name: string;
  text: string;
  options?: Options;
  expect: [string, number, number, string][];
}

const cases: Case[] = [
  {
    name: 'ux runs a program unconfined',
    text: 'profile a {\n  /usr/bin/helper ux,\n}\n',
    expect: [['apparmor/unconfined-exec', 2, 19, '"ux" runs /usr/bin/helper unconfined']],
  },
  {
    name: 'PUx falls back to unconfined',
    text: 'profile a {\n  /usr/bin/helper PUx,\n}\n',
    expect: [['apparmor/unconfined-exec', 2, 19, '"PUx"']],
  },
  {
    name: 'ix and px are fine',
    text: 'profile a {\n  /usr/bin/helper ix,\n  /usr/bin/other px,\n}\n',
    expect: [],
  },
  {
    name: 'cx to a child that does not exist',
    text: 'profile a {\n  /usr/bin/tool cx -> helper,\n  profile helpr {\n  }\n}\n',
    expect: [
      ['apparmor/missing-child-profile', 2, 23, 'no child profile "helper" in profile "a" (children: helpr)'],
    ],
  },
  {
    name: 'cx to an existing child',
    text: 'profile a {\n  /usr/bin/tool cx -> helper,\n  /usr/bin/other cx,\n  profile helper {\n  }\n  profile /usr/bin/other {\n  }\n}\n',
    expect: [],
  },
  {
    name: 'an allow that a broader deny defeats',
    text: 'profile a {\n  deny /etc/** w,\n  /etc/nginx/conf.d/** w,\n}\n',
    expect: [
      [
        'apparmor/shadowed-deny',
        3,
        3,
        'this allow has no effect for wa: the deny at line 2 (/etc/**) covers it',
      ],
    ],
  },
  {
    name: 'a deny narrower than an allow is fine',
    text: 'profile a {\n  /etc/** rw,\n  deny /etc/shadow w,\n}\n',
    expect: [],
  },
  {
    name: 'a class that matches / inside a component',
    text: 'profile a {\n  deny /proc/1[^0-9]*/** w,\n}\n',
    expect: [['apparmor/class-matches-slash', 2, 15, '"[^0-9]" also matches "/" here; write "[^0-9/]"']],
  },
  {
    name: 'classes right after / or with / excluded are fine',
    text: 'profile a {\n  deny /proc/[^1-9]*/** w,\n  deny /proc/1[^0-9/]* w,\n}\n',
    expect: [],
  },
  {
    name: 'a profile nothing references',
    text: 'profile used {\n}\nprofile unused {\n}\n',
    options: { referenced: ['localhost/used'] },
    expect: [['apparmor/unreferenced-profile', 3, 9, 'profile "unused" is not referenced']],
  },
  { name: 'no reference at all in the repository: not reported', text: 'profile unused {\n}\n', expect: [] },
  {
    name: 'complain mode on a block target',
    text: 'profile a flags=(complain) {\n}\n',
    options: { config: (c) => (c.targets = [{ name: 'prod', mode: 'block' }]) },
    expect: [
      [
        'apparmor/complain-in-block',
        1,
        18,
        'profile "a" has flags=(complain) but target "prod" is in block mode',
      ],
    ],
  },
  { name: 'complain mode on a monitor target', text: 'profile a flags=(complain) {\n}\n', expect: [] },
];

const abi3 = (c: Config): void => {
  c.apparmor.abi = 3;
};
const abi4Cases: Case[] = [
  {
    name: 'AppArmor 4 syntax on AppArmor 3 nodes',
    text: 'profile a flags=(default_allow) {\n  userns,\n  priority=1 /x r,\n  network inet stream port=80,\n}\n',
    options: { config: abi3 },
    expect: [
      ['apparmor/abi4-syntax', 1, 18, 'the flag "default_allow" needs AppArmor 4'],
      ['apparmor/abi4-syntax', 2, 3, 'the userns rule needs AppArmor 4'],
      ['apparmor/abi4-syntax', 3, 3, 'priority= needs AppArmor 4'],
      ['apparmor/abi4-syntax', 4, 3, 'a fine-grained network rule'],
    ],
  },
  {
    name: 'the same on AppArmor 4 nodes',
    text: 'profile a {\n  userns,\n}\n',
    options: { config: (c) => (c.apparmor.abi = 4) },
    expect: [],
  },
];

describe('apparmor container rules', () => {
  it.each([...cases, ...abi4Cases])('$name', ({ text, options, expect: wanted }) => {
    const found = lintText(text, options);
    expect(found.map((f) => [f.id, f.line, f.column])).toEqual(
      wanted.map(([id, line, column]) => [id, line, column]),
    );
    wanted.forEach(([, , , message], i) => expect(found[i]?.message).toContain(message));
  });

  it.skipIf(!hasApparmorParser).each(cases)('apparmor_parser loads "$name"', ({ text }) => {
    expect(apparmorParserAccepts(text)).toBe(true);
  });

  it('documents every rule', () => {
    for (const rule of apparmorRules) {
      expect(rule.meta.id).toMatch(/^apparmor\/[a-z0-9-]+$/);
      expect(rule.meta.description.length).toBeGreaterThan(20);
      expect(rule.meta.docs.rationale.length).toBeGreaterThan(60);
    }
    const ids = apparmorRules.map((r) => r.meta.id);
    expect(ids).toEqual([...ids].sort());
  });

  it('records every named top-level profile as a repository fact', () => {
    const context = {
      config: defaultConfig(process.cwd()),
      cwd: process.cwd(),
      includeDirs: [],
      scope: readScope(defaultConfig(process.cwd()), { trustConfig: true }),
      readFile: readTextFile,
      report: () => undefined,
      facts: emptyFacts(),
    };
    apparmor.collectFacts?.(
      [new SourceFile('p', 'profile web {\n  ^hat {\n  }\n}\n/usr/bin/x {\n}\n')],
      context,
    );
    expect([...context.facts.apparmorProfiles.keys()]).toEqual(['web', '/usr/bin/x']);
    expect(context.facts.apparmorProfiles.get('web')).toEqual({ file: 'p', range: { start: 8, end: 11 } });
  });

  it('sniffs profiles, not other files', () => {
    expect(apparmor.sniff(new SourceFile('x', 'profile web {\n}\n'))).toBe(true);
    expect(apparmor.sniff(new SourceFile('x', '#include <tunables/global>\n'))).toBe(true);
    expect(apparmor.sniff(new SourceFile('x', '/usr/bin/foo {\n}\n'))).toBe(true);
    expect(apparmor.sniff(new SourceFile('x', 'rules:\n  - rule: x\n'))).toBe(false);
    expect(apparmor.sniff(new SourceFile('x', '{"defaultAction": "SCMP_ACT_ERRNO"}'))).toBe(false);
  });
});
