import { describe, expect, it } from 'vitest';
import { SecretMask, credentialVariables, looksSecret } from '../../src/core/secrets.js';

describe('the secret mask', () => {
  it.each([
    ['a known variable', { CI_JOB_TOKEN: 'job-token-1234' }, [], 'x job-token-1234 y', 'x [masked] y'],
    ['a name that says secret', { LOKI_API_KEY: 'abcdefgh12' }, [], 'key=abcdefgh12', 'key=[masked]'],
    [
      'a variable the configuration names',
      { MY_CRED: 'c0nfigured!' },
      ['MY_CRED'],
      '"c0nfigured!"',
      '"[masked]"',
    ],
    ['an ordinary variable', { HOME: '/home/someone' }, [], 'at /home/someone', 'at /home/someone'],
    ['a value under 8 characters', { CI_JOB_TOKEN: 'short' }, [], 'short', 'short'],
    [
      'the JSON-escaped form',
      { ES_PASSWORD: 'pa"ss\\word' },
      [],
      '{"p":"pa\\"ss\\\\word"}',
      '{"p":"[masked]"}',
    ],
    ['the URL-encoded form', { CHS_GITLAB_TOKEN: 'glpat/a+b c' }, [], '?t=glpat%2Fa%2Bb%20c', '?t=[masked]'],
    [
      'every occurrence',
      { GITLAB_TOKEN: 'glpat-0123456789' },
      [],
      'glpat-0123456789glpat-0123456789',
      '[masked][masked]',
    ],
  ])('masks %s', (_what, env, names, text, masked) => {
    const mask = new SecretMask();
    mask.addVariables(env, names);
    expect(mask.mask(text)).toBe(masked);
  });

  it('masks the longer of two secrets that overlap whole', () => {
    const mask = new SecretMask();
    mask.add(['abcdefgh', 'abcdefgh-and-more']);
    expect(mask.mask('abcdefgh-and-more / abcdefgh')).toBe('[masked] / [masked]');
  });

  it('masks every string of a report before it is escaped', () => {
    const mask = new SecretMask();
    mask.add(['tok_en_value']);
    const report = { lint: [{ message: 'unknown tok_en_value', line: 3 }], ok: true, none: null };
    expect(mask.maskDeep(report)).toEqual({
      lint: [{ message: 'unknown [masked]', line: 3 }],
      ok: true,
      none: null,
    });
  });

  it.each([
    ['CHS_GITLAB_TOKEN', true],
    ['LOKI_TOKEN', true],
    ['ES_API_KEY', true],
    ['DB_PASSWORD', true],
    ['AWS_SECRET_ACCESS_KEY', true],
    ['TOKENIZER_PATH', false],
    ['KUBECONFIG', false],
    ['HOME', false],
  ])('%s looks secret: %s', (name, expected) => {
    expect(looksSecret(name)).toBe(expected);
  });

  it('reads the credential variables a configuration names, at any depth', () => {
    expect(
      credentialVariables([
        { tokenVariable: 'BOT_TOKEN' },
        [
          'events/*.jsonl',
          { loki: { url: 'https://l', tokenEnv: 'L_T' } },
          { elasticsearch: { userEnv: 'U', passwordEnv: 'P' } },
        ],
      ]),
    ).toEqual(['BOT_TOKEN', 'L_T', 'U', 'P']);
  });
});
