import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  aareToRegexSource,
  compileAare,
  expandVariables,
  literalPrefix,
} from '../../src/languages/apparmor/aare.js';
import { WHY, corpus, hasCorpus, skipping } from './helpers.js';

const table = join(corpus, 'aare-to-regex-parser-3.0.8.txt');
const hasTable = hasCorpus && existsSync(table);
if (!hasTable) skipping('AARE against apparmor_parser -D rule-exprs', WHY.noCorpus);

describe.skipIf(!hasTable)('AARE compiles as apparmor_parser 3.0.8 compiles it', () => {
  const cases = hasTable
    ? readFileSync(table, 'utf8')
        .split('\n')
        .filter((line) => line.startsWith('aare: '))
        .map((line) => {
          const m = /^aare: (.*?) {3}-> {3}(.*)$/.exec(line);
          if (!m) throw new Error(`unreadable line: ${line}`);
          return [m[1] as string, m[2] as string] as const;
        })
    : [];
  it('has the cases', () => expect(cases.length).toBeGreaterThanOrEqual(15));
  it.each(cases)('%s', (glob, regex) => {
    expect(aareToRegexSource(glob)).toBe(regex);
  });
});

describe('AARE semantics', () => {
  const cases: [string, string, boolean][] = [
    ['/tmp/*', '/tmp/a', true],
    ['/tmp/*', '/tmp/', false], // a whole-component * is never empty
    ['/tmp/*', '/tmp/a/b', false],
    ['/tmp/a*', '/tmp/a', true],
    ['/tmp/**', '/tmp/a/b/c', true],
    ['/tmp/**', '/tmp/', false],
    ['/tmp/**/', '/tmp/a/b/', true],
    ['/tmp/?x', '/tmp/ax', true],
    ['/tmp/?x', '/tmp//x', false],
    ['/tmp/[a-c]d', '/tmp/bd', true],
    ['/tmp/[^a-c]e', '/tmp/de', true],
    ['/tmp/[^a-c]e', '/tmp/ae', false],
    ['/proc/1[^0-9]x', '/proc/1/x', true], // a negated class matches "/"
    ['/tmp/\\*literal', '/tmp/*literal', true],
    ['/tmp/\\*literal', '/tmp/xliteral', false],
    ['/tmp/x{a,{b,c}}y', '/tmp/xcy', true],
    ['/tmp/{a,b,}c', '/tmp/c', true],
    ['/usr/{lib,lib64}/**.so*', '/usr/lib64/x/libc.so.6', true],
    ['{/home/*,/root}/.ssh/**', '/home/u/.ssh/id_rsa', true],
    ['{/home/*,/root}/.ssh/**', '/etc/.ssh/id_rsa', false],
    ['/a.b', '/aXb', false],
  ];
  it.each(cases)('%s matches %s: %s', (glob, path, expected) => {
    expect(compileAare(glob).test(path)).toBe(expected);
  });

  it('expands variables, several values as an alternation, nested ones too', () => {
    const variables = new Map([
      ['HOME', ['@{HOMEDIRS}/*/', '/root/']],
      ['HOMEDIRS', ['/home']],
    ]);
    const pattern = expandVariables('@{HOME}.ssh/**', variables);
    expect(pattern).toBe('{/home/*/,/root/}.ssh/**');
    expect(compileAare(pattern).test('/home/ann/.ssh/config')).toBe(true);
    expect(compileAare(pattern).test('/root/.ssh/config')).toBe(true);
  });

  it('gives the literal prefix used to skip rules quickly', () => {
    expect(literalPrefix('/usr/{lib,lib64}/**')).toBe('/usr/');
    expect(literalPrefix('/etc/\\*x')).toBe('/etc/*x');
  });
});
