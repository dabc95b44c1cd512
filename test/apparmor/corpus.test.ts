/**
 * Agreement with AppArmor's own parser test suite (`simple_tests`, the expected verdict of
 * apparmor_parser 4.1 in each file's `#=EXRESULT`) and with the installed apparmor_parser on the
 * real container profiles of `examples/`.
 */
import { mkdtempSync, readFileSync, readdirSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Reach } from '../../src/core/reach.js';
import { formatMessage } from '../../src/core/rule.js';
import { analyzeText } from '../../src/languages/apparmor/analyze.js';
import { parserRuleIds } from '../../src/languages/apparmor/rules/index.js';
import {
  WHY,
  apparmorParserAcceptsFile,
  corpus,
  hasApparmorParser,
  hasCorpus,
  noApparmorParser,
  skipping,
} from './helpers.js';
import { APPARMOR_SYSTEM } from '../helpers/apparmor-system.js';

if (!hasCorpus) skipping('AppArmor corpus agreement', WHY.noCorpus);

const EVERYWHERE = new Reach(['/']);

function walk(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path, out);
    else if (name.endsWith('.sd')) out.push(path);
  }
  return out;
}

describe.skipIf(!hasCorpus)('simple_tests of apparmor_parser 4.1', () => {
  it('agrees with #=EXRESULT on at least 98% of the cases (#=TODO aside), listing every disagreement', () => {
    // The suite runs from parser/tst with -I simple_tests; quoted includes are relative to tst/.
    const tst = join(mkdtempSync(join(tmpdir(), 'chs-aa-')), 'tst');
    symlinkSync(corpus, tst);
    const root = join(tst, 'simple_tests');
    let total = 0;
    let agreed = 0;
    const disagreements: string[] = [];
    for (const file of walk(root)) {
      const text = readFileSync(file, 'utf8');
      const expected = /#=EXRESULT\s+(PASS|FAIL)/.exec(text)?.[1];
      if (!expected || /#=TODO/.test(text)) continue;
      total++;
      // apparmor_parser reads includes anywhere: the whole file system is in reach here, so that
      // the suite measures the parser (chs confines a repository's reads: test/security).
      const { findings } = analyzeText(text, relative(root, file), {
        roots: [root],
        bases: [tst],
        cwd: tst,
        reach: EVERYWHERE,
      });
      const errors = findings.filter((f) => parserRuleIds.has(f.rule.meta.id));
      const verdict = errors.length > 0 ? 'FAIL' : 'PASS';
      if (verdict === expected) {
        agreed++;
        continue;
      }
      const first = errors[0];
      const reason = first
        ? `we report ${first.rule.meta.id}: ${formatMessage(first.rule.messages[first.messageId] ?? '', first.data)}`
        : 'we find nothing wrong';
      disagreements.push(`${relative(root, file)}: expected ${expected}; ${reason}`);
    }
    const ratio = agreed / total;
    console.log(`simple_tests: ${agreed}/${total} agree (${(ratio * 100).toFixed(2)}%)`);
    for (const line of disagreements) console.log(`  disagreement: ${line}`);
    expect(total).toBeGreaterThan(1000);
    expect(ratio).toBeGreaterThanOrEqual(0.98);
  });
});

describe.skipIf(!hasCorpus)('examples/: real container profiles', () => {
  const dir = join(corpus, 'examples');
  const files = hasCorpus
    ? readdirSync(dir)
        .filter((n) => n.endsWith('.profile'))
        .sort()
    : [];
  const roots = [APPARMOR_SYSTEM];

  it.each(files)(
    '%s: invalid-* profiles are refused, the others load (where the system has their abi)',
    (name) => {
      const text = readFileSync(join(dir, name), 'utf8');
      const { findings } = analyzeText(text, name, { roots, bases: [dir], cwd: dir });
      const refused = findings.some((f) => parserRuleIds.has(f.rule.meta.id));
      if (name.startsWith('invalid-')) expect(refused).toBe(true);
      else if (!/abi <abi\/4/.test(text))
        expect(findings.filter((f) => parserRuleIds.has(f.rule.meta.id))).toEqual([]);
    },
  );

  it.skipIf(!hasApparmorParser)("every example gets apparmor_parser's verdict", () => {
    const mismatches: string[] = [];
    for (const name of files) {
      const text = readFileSync(join(dir, name), 'utf8');
      const { findings } = analyzeText(text, name, { roots, bases: [dir], cwd: dir });
      const ours = !findings.some((f) => parserRuleIds.has(f.rule.meta.id));
      const theirs = apparmorParserAcceptsFile(join(dir, name), roots, dir);
      if (ours !== theirs)
        mismatches.push(
          `${name}: apparmor_parser ${theirs ? 'accepts' : 'refuses'}, we ${ours ? 'accept' : 'refuse'}`,
        );
    }
    expect(mismatches).toEqual([]);
  });
});

if (hasCorpus && noApparmorParser) skipping('examples/ against apparmor_parser', noApparmorParser);
