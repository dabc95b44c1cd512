/**
 * Checking nothing is an error, and a command run in a subfolder works on its repository
 * (issue 16, item 1): a missing directory, no policy file, the upward search for the root.
 */
import { mkdirSync, mkdtempSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findRepositoryRoot } from '../../src/core/repository-root.js';
import { runChs } from '../helpers/cli.js';

const BAD_RULE = `- rule: Shell
  desc: a shell
  condition: proc.name = bash and evt.type = execve and not_a_macro
  output: shell (%proc.name)
  priority: WARNING
`;
const SECCOMP = '{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALLOW"}]}\n';

function tree(files: Record<string, string>): string {
  // realpath: macOS and some CI runners give a tmpdir behind a symbolic link.
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'chs-root-')));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

describe('findRepositoryRoot', () => {
  it.each([
    ['the nearest chs.yaml', { 'chs.yaml': '{}\n', 'a/b/.keep': '' }, 'a/b', '.', 'chs.yaml'],
    ['chs.yml too', { 'chs.yml': '{}\n', 'a/.keep': '' }, 'a', '.', 'chs.yaml'],
    ['a chs.yaml below the git top level', { '.git/HEAD': '', 'sub/chs.yaml': '{}\n', 'sub/x/.keep': '' }, 'sub/x', 'sub', 'chs.yaml'],
    ['the git top level without chs.yaml', { '.git/HEAD': '', 'policies/falco/.keep': '' }, 'policies/falco', '.', 'git'],
    ['a worktree, whose .git is a file', { '.git': 'gitdir: /elsewhere\n', 'p/.keep': '' }, 'p', '.', 'git'],
    ['not above the git top level', { 'chs.yaml': '{}\n', 'inner/.git/HEAD': '', 'inner/p/.keep': '' }, 'inner/p', 'inner', 'git'],
  ])('finds %s', (_name, files, start, expected, by) => {
    const root = tree(files);
    expect(findRepositoryRoot(join(root, start))).toEqual({ root: join(root, expected), by });
  });

  // tmpdir() itself may sit in a repository on a developer's machine: then there is nothing to see.
  const tmpInRepository = findRepositoryRoot(realpathSync(tmpdir())).by !== 'working directory';
  it.skipIf(tmpInRepository)('keeps the working directory when nothing marks a repository above it', () => {
    const root = tree({ 'a/.keep': '' });
    expect(findRepositoryRoot(join(root, 'a'))).toEqual({ root: join(root, 'a'), by: 'working directory' });
  });
});

describe('chs on a missing directory', () => {
  it.each([['lint'], ['test'], ['render'], ['drift'], ['pod-security', 'check', 'x.yaml']])(
    '%s exits 2 naming the directory',
    async (...args) => {
      const result = await runChs(['-C', '/nonexistent/policy-repo', ...args]);
      expect(result).toMatchObject({ code: 2, stdout: '' });
      expect(result.stderr).toBe(
        "chs: -C /nonexistent/policy-repo: no such directory; give the directory of the policy repository (in CI, the template's root input, relative to the project directory)\n",
      );
    },
  );

  it('exits 2 when -C names a file', async () => {
    const root = tree({ 'chs.yaml': '{}\n' });
    const result = await runChs(['-C', join(root, 'chs.yaml'), 'lint']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/chs\.yaml: not a directory; give the directory of the policy repository\n$/);
  });
});

describe('chs run in a subfolder of the repository', () => {
  it('lints the whole repository from policies/falco, with paths relative to where it runs', async () => {
    const root = tree({ '.git/HEAD': '', 'policies/falco/shop.yaml': BAD_RULE, 'policies/seccomp/a.json': SECCOMP });
    const result = await runChs(['lint', '--format', 'json'], { cwd: join(root, 'policies/falco') });
    expect(result.code).toBe(1);
    const files = (JSON.parse(result.stdout) as { diagnostics: { file: string; ruleId: string }[] }).diagnostics.map(
      (d) => `${d.file} ${d.ruleId}`,
    );
    expect(files).toContain('shop.yaml falco/undefined-macro');
  });

  it("reads the nearest chs.yaml's settings, as in its directory", async () => {
    const root = tree({
      '.git/HEAD': '',
      'security/chs.yaml': 'rules:\n  falco/undefined-macro: warning\n',
      'security/policies/falco/shop.yaml': BAD_RULE,
    });
    const result = await runChs(['lint'], { cwd: join(root, 'security/policies') });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('falco/shop.yaml');
    expect(result.stdout).toContain('warning');
  });

  it('says where it looked when the repository has no policy file', async () => {
    const root = tree({ '.git/HEAD': '', 'docs/README.md': '# x\n' });
    const result = await runChs(['lint'], { cwd: join(root, 'docs') });
    expect(result).toMatchObject({ code: 2, stdout: '' });
    expect(result.stderr).toBe(
      `chs: no policy file in ${root} (looked for policies/falco/**/*.yaml, policies/falco/**/*.yml, policies/apparmor/**, policies/seccomp/**/*.json, policies/pod-security/**/*.yaml, policies/pod-security/**/*.yml): run chs in the policy repository (or give it with chs -C DIR), or set paths in chs.yaml\n`,
    );
  });

  it('says so when a directory named holds no policy file', async () => {
    const root = tree({ '.git/HEAD': '', 'policies/seccomp/a.json': SECCOMP });
    mkdirSync(join(root, 'policies/falco'));
    const result = await runChs(['lint', 'policies/falco'], { cwd: root });
    expect(result).toMatchObject({ code: 2, stdout: '' });
    expect(result.stderr).toBe('chs: no policy file under policies/falco: name the policy files or their directories\n');
  });
});

describe('chs test without test files', () => {
  it('exits 0 with a notice in a repository with policies', async () => {
    const root = tree({ '.git/HEAD': '', 'policies/seccomp/a.json': SECCOMP });
    for (const format of ['text', 'json']) {
      const result = await runChs(['test', '--format', format], { cwd: join(root, 'policies') });
      expect(result.code, format).toBe(0);
      expect(result.stderr, format).toBe(
        'chs: note: no test file in .. (looked for policies/tests/**/*.yaml, policies/tests/**/*.yml): nothing to run; write test cases in policies/tests/*.yaml (docs/commands.md)\n',
      );
    }
  });

  it('exits 2 saying where it looked in a repository without any policy', async () => {
    const root = tree({ '.git/HEAD': '' });
    const result = await runChs(['test'], { cwd: root });
    expect(result).toMatchObject({ code: 2, stdout: '' });
    expect(result.stderr).toMatch(/^chs: no policy file in .* \(looked for .*policies\/tests\/\*\*\/\*\.yaml/);
  });
});
