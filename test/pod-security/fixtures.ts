/** Pod Security Admission's golden fixtures from the shared corpus, when this workplace has it. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { load } from 'js-yaml';

const CORPUS = join(import.meta.dirname, '..', '..', '..', 'shared', 'corpus', 'pod-security-admission');
export const hasCorpus = existsSync(join(CORPUS, 'testdata'));

export interface Fixture {
  level: 'baseline' | 'restricted';
  version: string;
  expect: 'pass' | 'fail';
  name: string;
  /** The check the fixture is about: its file name without the number. */
  check: string;
  object: unknown;
}

const byMinor = (a: string, b: string): number => Number(a.slice(3)) - Number(b.slice(3));

export function loadFixtures(): Fixture[] {
  const fixtures: Fixture[] = [];
  for (const level of ['baseline', 'restricted'] as const) {
    const versions = readdirSync(join(CORPUS, 'testdata', level)).sort(byMinor);
    for (const version of versions) {
      for (const expect of ['pass', 'fail'] as const) {
        const dir = join(CORPUS, 'testdata', level, version, expect);
        if (!existsSync(dir)) continue;
        for (const name of readdirSync(dir).sort()) {
          fixtures.push({
            level,
            version,
            expect,
            name,
            check: name.replace(/\d*\.yaml$/, ''),
            object: load(readFileSync(join(dir, name), 'utf8')),
          });
        }
      }
    }
  }
  return fixtures;
}

export function expectedSubstrings(): Record<string, string> {
  return JSON.parse(readFileSync(join(CORPUS, 'expected-substrings.json'), 'utf8')) as Record<string, string>;
}
