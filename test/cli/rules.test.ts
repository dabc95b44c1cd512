/** `chs rules [ID]` as a user runs it: the list, one rule's page (the same as docs/), a wrong id. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { registry } from '../../src/languages/index.js';
import { runChs } from '../helpers/cli.js';

const ROOT = join(import.meta.dirname, '..', '..');

describe('chs rules', () => {
  it('lists every rule, one a line, with its severity', async () => {
    const { code, stdout } = await runChs(['rules']);
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(registry.all().length);
    expect(lines.find((l) => l.startsWith('falco/shadowed-rule '))).toMatch(
      / warning {2}A rule that never fires/,
    );
  });

  it("prints a rule's page, the text of docs/rules/<id>.md", async () => {
    const { code, stdout } = await runChs(['rules', 'falco/shadowed-rule']);
    expect(code).toBe(0);
    expect(stdout).toBe(readFileSync(join(ROOT, 'docs/rules/falco/shadowed-rule.md'), 'utf8'));
  });

  it('prints the rule as JSON with --format json, with the URL of its page', async () => {
    const { code, stdout } = await runChs(['rules', 'apparmor/unknown-capability', '--format', 'json']);
    expect(code).toBe(0);
    const rule = JSON.parse(stdout) as { id: string; severity: string; docs: string; messages: object };
    expect(rule).toMatchObject({ id: 'apparmor/unknown-capability', severity: 'error' });
    expect(rule.docs).toMatch(/\/docs\/rules\/apparmor\/unknown-capability\.md$/);
  });

  it('refuses an unknown id with one line, a suggestion and exit 2', async () => {
    const { code, stdout, stderr } = await runChs(['rules', 'falco/shadowed-rules']);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe(
      'chs: no rule "falco/shadowed-rules"; did you mean "falco/shadowed-rule"? `chs rules` lists them all\n',
    );
  });
});
