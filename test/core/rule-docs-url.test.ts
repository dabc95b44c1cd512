import { afterEach, describe, expect, it } from 'vitest';
import { DOCS_URL_VARIABLE, ruleDocsUrl } from '../../src/core/rule-docs.js';
import pkg from '../../package.json' with { type: 'json' };

describe('ruleDocsUrl', () => {
  const saved = process.env[DOCS_URL_VARIABLE];
  afterEach(() => {
    if (saved === undefined) delete process.env[DOCS_URL_VARIABLE];
    else process.env[DOCS_URL_VARIABLE] = saved;
  });

  it("is the rule's page under docs/ beside package.json's homepage", () => {
    delete process.env[DOCS_URL_VARIABLE];
    const home = pkg.homepage.replace(/#.*$/, '');
    expect(ruleDocsUrl('falco/shadowed-rule')).toBe(`${home}/-/blob/main/docs/rules/falco/shadowed-rule.md`);
  });

  it(`takes its base from ${DOCS_URL_VARIABLE} when set (a trailing slash or not)`, () => {
    process.env[DOCS_URL_VARIABLE] = 'https://gitlab.example.com/tools/chs/-/blob/0.1.0/docs/';
    expect(ruleDocsUrl('apparmor/unknown-capability')).toBe(
      'https://gitlab.example.com/tools/chs/-/blob/0.1.0/docs/rules/apparmor/unknown-capability.md',
    );
  });

  it('escapes what a URL path cannot hold', () => {
    process.env[DOCS_URL_VARIABLE] = 'https://docs.example';
    expect(ruleDocsUrl('test/a b#c')).toBe('https://docs.example/rules/test/a%20b%23c.md');
  });
});
