/**
 * The file-rule search: rules of one permission, most specific first, are tried in chunks with one
 * combined expression each; the first matching alternative is the rule that decides. These cases
 * cross chunk boundaries, mix owner rules with accesses by other users, and compare every answer
 * with a rule-by-rule reading of the same profile.
 */
import { describe, expect, it } from 'vitest';
import { loadProfileSet } from '../../src/languages/apparmor/analyze.js';
import { compileAare } from '../../src/languages/apparmor/aare.js';
import { evaluateAccess } from '../../src/languages/apparmor/evaluate.js';

// 60 pattern rules under /srv (more than two chunks), a literal, owner-only rules, and denies.
const rules: string[] = [];
for (let i = 0; i < 60; i++) rules.push(`/srv/app${i}/** r,`);
rules.push('/srv/exact r,', 'owner /srv/mine/** rw,', '/srv/mine/shared r,', 'deny /srv/app7/secret* r,');
rules.push('/srv/{a,b}/*/[0-9]* r,', '/srv/**/x{,y}z r,');
const text = `profile lanes {\n${rules.map((r) => `  ${r}\n`).join('')}}\n`;
const { set, findings } = loadProfileSet([{ path: 'lanes', text }], {
  roots: [],
  bases: [],
  cwd: process.cwd(),
});

/** The deciding rule read rule by rule: a matching deny, else the most specific matching allow. */
function byHand(path: string, owner: boolean): string | undefined {
  const parsed = rules.map((rule) => {
    const deny = rule.startsWith('deny ');
    const own = rule.startsWith('owner ');
    const [pattern] = rule.replace(/^(deny|owner) /, '').split(' ') as [string];
    return { rule, deny, own, pattern, literal: !/[*?[{]/.test(pattern) };
  });
  const matching = parsed.filter((r) => (!r.own || owner) && compileAare(r.pattern).test(path));
  const deny = matching.find((r) => r.deny);
  if (deny) return deny.rule;
  const allows = matching.filter((r) => !r.deny);
  return (allows.find((r) => r.literal) ?? allows[0])?.rule;
}

const PATHS = [
  '/srv/app0/a',
  '/srv/app23/a',
  '/srv/app24/a',
  '/srv/app59/deep/file',
  '/srv/app7/secret.key',
  '/srv/app7/public',
  '/srv/exact',
  '/srv/mine/shared',
  '/srv/mine/notes',
  '/srv/a/q/42',
  '/srv/b/q/x',
  '/srv/deep/er/xz',
  '/srv/deep/er/xyz',
  '/srv/app60/a',
  '/srv',
];

describe('the file-rule search', () => {
  it('loads the profile', () => expect(findings).toEqual([]));

  for (const owner of [true, false]) {
    it.each(PATHS)(`decides %s as the rules read one by one say (owner: ${owner})`, (path) => {
      const decision = evaluateAccess(set, 'lanes', { path, permissions: 'r', owner });
      const expected = byHand(path, owner);
      expect(decision.rule?.text).toBe(expected);
      expect(decision.decision).toBe(
        expected === undefined || expected.startsWith('deny') ? 'deny' : 'allow',
      );
    });
  }
});
