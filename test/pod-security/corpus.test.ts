/** Every PSA fixture of the corpus gets PSA's verdict, and each rejection names its check as PSA does. */
import { describe, expect, it } from 'vitest';
import { evaluatePodSecurity } from '../../src/languages/pod-security/evaluate.js';
import { expectedSubstrings, hasCorpus, loadFixtures } from './fixtures.js';
import { WHY, skipping } from '../helpers/skip.js';

if (!hasCorpus) skipping('the Pod Security Admission fixtures', WHY.noCorpus);

describe.skipIf(!hasCorpus)('Pod Security Admission fixtures', () => {
  const fixtures = hasCorpus ? loadFixtures() : [];
  const substrings = hasCorpus ? expectedSubstrings() : {};

  it('has all 4,537 fixtures (the 4,538th file is the README)', () => {
    expect(fixtures).toHaveLength(4537);
  });

  it('gives every fixture PSA verdict and message (100%)', () => {
    const wrong: string[] = [];
    for (const f of fixtures) {
      const result = evaluatePodSecurity(f.object, { level: f.level, version: f.version });
      const where = `${f.level}/${f.version}/${f.expect}/${f.name}`;
      if (f.expect === 'pass' && !result.allowed) wrong.push(`${where}: rejected: ${result.message}`);
      if (f.expect === 'fail') {
        if (result.allowed) wrong.push(`${where}: allowed`);
        else {
          const substring = substrings[f.check];
          if (substring === undefined) wrong.push(`${where}: no expected substring for ${f.check}`);
          else if (!result.message.includes(substring))
            wrong.push(`${where}: "${result.message}" lacks "${substring}"`);
          if (
            !result.message.startsWith(
              `pods "${f.name.replace(/\.yaml$/, '')}" is forbidden: violates PodSecurity "${f.level}:${f.version}": `,
            )
          )
            wrong.push(`${where}: message not in the API server's form: ${result.message}`);
        }
      }
    }
    expect(wrong.slice(0, 20)).toEqual([]);
    expect(wrong.length).toBe(0);
  });
});
