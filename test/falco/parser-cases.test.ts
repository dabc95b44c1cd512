import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from '../../src/languages/falco/condition/parser.js';
import { corpusDir, hasCorpus, warnSkipped } from './corpus.js';

interface ParserCase {
  kind: 'accept' | 'reject';
  filter: string;
  test: string;
}

warnSkipped("libsinsp's 545 filter parser cases");

describe.skipIf(!hasCorpus)("libsinsp's filter parser cases", () => {
  const cases = hasCorpus
    ? (
        JSON.parse(readFileSync(join(corpusDir, 'libs_filter_parser_cases.json'), 'utf8')) as {
          cases: ParserCase[];
        }
      ).cases
    : [];

  it('has all 545 cases', () => {
    expect(cases).toHaveLength(545);
  });

  it('accepts every accepted filter, also with extra blanks and newlines (as upstream tests it)', () => {
    const accepted = cases.filter((c) => c.kind === 'accept').map((c) => c.filter);
    expect(accepted.filter((filter) => !('ast' in parse(filter)))).toEqual([]);
    // Blanks inside quoted strings are part of the value, so only unquoted filters are re-spaced.
    const respaced = accepted
      .filter((filter) => !/["']/.test(filter))
      .flatMap((filter) => [`  ${filter}  `, filter.replaceAll(' ', '\n'), filter.replaceAll(' ', '\t')]);
    expect(respaced.length).toBeGreaterThan(700);
    expect(respaced.filter((filter) => !('ast' in parse(filter)))).toEqual([]);
  });

  it('rejects every rejected filter', () => {
    const wrong = cases.filter((c) => c.kind === 'reject' && 'ast' in parse(c.filter)).map((c) => c.filter);
    expect(wrong).toEqual([]);
  });
});
