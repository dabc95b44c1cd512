/**
 * The preview evaluates nowhere a policy that does not load (issue 16, item 4): a seccomp profile
 * with an action that does not exist is no "ERRNO → DENY widened", a Falco rule that stops
 * compiling is not "removed", and a new one that does not compile is not missing.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { falcoItemChanges, loadFalcoSide } from '../../src/impact/falco.js';
import { loadSeccompSide, seccompItemChanges } from '../../src/impact/seccomp.js';
import { loadTree } from '../../src/impact/tree.js';

function side(files: Record<string, string>): ReturnType<typeof loadTree> {
  const root = mkdtempSync(join(tmpdir(), 'chs-noload-'));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return loadTree(root);
}

const profile = (action: string): string =>
  `{\n  "defaultAction": "SCMP_ACT_ALLOW",\n  "syscalls": [{"names": ["ptrace"], "action": "${action}"}]\n}\n`;

const rule = (name: string, condition: string): string => `- rule: ${name}
  desc: ${name}
  condition: ${condition}
  output: "%proc.name"
  priority: WARNING
`;

describe('the preview and a seccomp profile that does not load', () => {
  it('shows it as not loading with its first error, and decides nothing with it', () => {
    const base = side({ 'policies/seccomp/api.json': profile('SCMP_ACT_ERRNO') });
    const head = side({ 'policies/seccomp/api.json': profile('SCMP_ACT_DENY') });
    const items = seccompItemChanges(loadSeccompSide(base), loadSeccompSide(head));
    expect(items).toEqual([
      {
        kind: 'seccomp',
        file: 'policies/seccomp/api.json',
        itemType: 'profile',
        name: 'policies/seccomp/api.json',
        change: 'does-not-load',
        detail:
          'does not load: policies/seccomp/api.json:3:48: unknown action "SCMP_ACT_DENY"; did you mean "SCMP_ACT_ERRNO"? (the call fails with EPERM, or errnoRet; SCMP_ACT_KILL_PROCESS kills the process) (seccomp/unknown-action)',
      },
    ]);
    expect(loadSeccompSide(head).profiles.size).toBe(0);
  });
});

describe('the preview and a Falco rule that does not compile', () => {
  it('a rule that stops compiling does not load; it is not removed', () => {
    const base = side({ 'policies/falco/a.yaml': rule('Shell', 'evt.type = execve and proc.name = bash') });
    const head = side({ 'policies/falco/a.yaml': rule('Shell', 'evt.type = execve and proc.nmae = bash') });
    const items = falcoItemChanges(loadFalcoSide(base), loadFalcoSide(head));
    expect(items.map((i) => [i.name, i.change, i.file])).toEqual([
      ['Shell', 'does-not-load', 'policies/falco/a.yaml'],
    ]);
    expect(items[0]?.detail).toMatch(
      /^does not load: policies\/falco\/a\.yaml:3:\d+: .*proc\.nmae.* \(falco\/unknown-field\)$/,
    );
  });

  it('a new rule that does not compile is shown, not missing', () => {
    const base = side({ 'policies/falco/a.yaml': rule('Shell', 'evt.type = execve and proc.name = bash') });
    const head = side({
      'policies/falco/a.yaml': `${rule('Shell', 'evt.type = execve and proc.name = bash')}${rule('Curl', 'evt.type = execve and not_a_macro')}`,
    });
    const items = falcoItemChanges(loadFalcoSide(base), loadFalcoSide(head));
    expect(items.map((i) => [i.name, i.change])).toEqual([['Curl', 'does-not-load']]);
    expect(items[0]?.detail).toContain('(falco/undefined-macro)');
  });
});
