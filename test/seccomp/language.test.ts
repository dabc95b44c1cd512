/** The seccomp language inside a real lint run: discovery, sniffing, facts, chs.yaml settings. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lint } from '../../src/core/runner.js';
import { languages, registry } from '../../src/languages/index.js';
import type { RepositoryFacts } from '../../src/core/language.js';
import { seccomp } from '../../src/languages/seccomp/index.js';

const root = mkdtempSync(join(tmpdir(), 'chs-seccomp-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function write(path: string, text: string): void {
  mkdirSync(join(root, path, '..'), { recursive: true });
  writeFileSync(join(root, path), text);
}

describe('seccomp in chs lint', () => {
  write('chs.yaml', 'mode: block\nseccomp:\n  runtime: kubernetes\n');
  write('policies/seccomp/allow.json', '{"defaultAction": "SCMP_ACT_ALLOW"}\n');
  write(
    'policies/seccomp/nested/deny.json',
    '{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALLOW", "comment": "x"}]}\n',
  );
  write('elsewhere/profile.json', '{\n  "defaultAction": "SCMP_ACT_LOG"\n}\n');

  it('finds profiles by layout, applies chs.yaml and fills the facts', async () => {
    let facts: RepositoryFacts | undefined;
    const spy = {
      ...seccomp,
      collectFacts: (files: never, context: { facts: RepositoryFacts }) => {
        seccomp.collectFacts?.(files, context as never);
        facts = context.facts;
      },
    };
    const result = await lint({ cwd: root, paths: [], languages: [spy], registry });
    const ids = result.diagnostics.map((d) => `${d.file} ${d.ruleId}`);
    expect(ids).toContain('policies/seccomp/allow.json seccomp/allow-by-default-in-block');
    expect(ids).toContain('policies/seccomp/nested/deny.json seccomp/docker-only-key');
    expect(ids).toContain('policies/seccomp/nested/deny.json seccomp/denies-essential-syscall');
    expect([...(facts?.seccompProfiles.keys() ?? [])]).toEqual([
      'policies/seccomp/allow.json',
      'policies/seccomp/nested/deny.json',
    ]);
    expect(facts?.seccompProfiles.get('policies/seccomp/nested/deny.json')?.file).toBe(
      'policies/seccomp/nested/deny.json',
    );
  });

  it('sniffs a profile named on the command line outside the layout', async () => {
    const result = await lint({ cwd: root, paths: ['elsewhere/profile.json'], languages, registry });
    expect(result.filesByKind.get('seccomp')?.map((f) => f.path)).toEqual(['elsewhere/profile.json']);
    expect(result.diagnostics.map((d) => d.ruleId)).toEqual(['seccomp/allow-by-default-in-block']);
  });

  it('names facts relative to the repository root when run from a subdirectory', async () => {
    const facts = {
      apparmorProfiles: new Map(),
      seccompProfiles: new Map(),
      referencedApparmorProfiles: new Map(),
      referencedSeccompProfiles: new Map(),
    };
    const file = { path: 'deny.json', text: '{}' };
    seccomp.collectFacts?.([file as never], {
      cwd: join(root, 'policies/seccomp/nested'),
      config: { root } as never,
      facts,
    } as never);
    expect([...facts.seccompProfiles.keys()]).toEqual(['policies/seccomp/nested/deny.json']);
  });
});
