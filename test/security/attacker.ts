/**
 * A repository written by an attacker with merge request rights, beside a file the job can read
 * but must never show: every way a policy or chs.yaml can name a path out of the repository.
 */
import { mkdirSync, mkdtempSync, realpathSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { writeFiles } from '../helpers/tree.js';

export interface Attack {
  /** The repository (the merge request's head). */
  repo: string;
  /** The directory outside it that holds the secret. */
  outside: string;
  /** A string found only in the outside files: no output may contain it. */
  secret: string;
}

export function link(root: string, path: string, target: string): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  symlinkSync(target, join(root, path));
}

/** The outside files: a token line as a job's environment would hold it, in several shapes. */
export function outsideSecret(): { outside: string; secret: string } {
  const top = realpathSync(mkdtempSync(join(tmpdir(), 'chs-attack-')));
  const secret = `glpat-OUTSIDE${randomBytes(8).toString('hex')}`;
  const outside = join(top, 'outside');
  writeFiles(outside, {
    // An AppArmor parser that read it would quote its first token in a syntax error.
    'secret.txt': `CHS_GITLAB_TOKEN=${secret}\n`,
    // A Falco loader would quote the condition in an error.
    'secret.yaml': `- macro: leak\n  condition: (${secret}\n`,
    // A seccomp test would print the unknown action.
    'secret.json': `{"defaultAction": "${secret}"}\n`,
    'abstractions/secret': `${secret} = oops\n`,
  });
  return { outside, secret };
}

/** The attacker's repository: includes, abi, links, globs, baselines and test profiles that leave it. */
export function attackerRepository(): Attack {
  const { outside, secret } = outsideSecret();
  const repo = join(dirname(outside), 'repo');
  writeFiles(repo, {
    'chs.yaml': [
      'version: 1',
      'apparmor:',
      '  includeDirs: [includes, ../outside]',
      'falco:',
      `  baseline: [${outside}/secret.yaml, ../outside/*.yaml]`,
      'paths:',
      "  tests: ['policies/tests/**/*.yaml', '.git/**']",
      '',
    ].join('\n'),
    // A CI clone's remote holds the job token.
    '.git/config': `[remote "origin"]\n\turl = https://gitlab-ci-token:${secret}@gitlab.example.com/g/p.git\n`,
    'policies/apparmor/gitconfig': 'profile gitconfig {\n  include "../../.git/config"\n}\n',
    'policies/apparmor/absolute': `profile absolute {\n  include "${outside}/secret.txt"\n}\n`,
    'policies/apparmor/walk': 'profile walk {\n  include "../../../outside/secret.txt"\n}\n',
    'policies/apparmor/angle': 'profile angle {\n  include <../../outside/secret.txt>\n}\n',
    'policies/apparmor/linked': 'profile linked {\n  include "includes/leak"\n}\n',
    'policies/apparmor/directory': 'profile directory {\n  include "includes/outdir"\n}\n',
    'policies/apparmor/abi': `abi "${outside}/secret.txt",\nprofile abi {\n}\n`,
    // The job's own environment, tokens included.
    'policies/apparmor/environ': 'profile environ {\n  include "/proc/self/environ"\n}\n',
    'policies/apparmor/optional': 'profile optional {\n  include if exists <secret>\n}\n',
    'includes/ok': '# an include of the repository\n',
    'policies/falco/rules.yaml':
      '- rule: shell\n  desc: d\n  condition: evt.type = execve\n  output: o\n  priority: WARNING\n',
    'policies/tests/seccomp.yaml': [
      'tests:',
      '  - name: a linked profile',
      '    seccomp: {profile: includes/leak.json, syscall: ptrace, expect: SCMP_ACT_ERRNO}',
      '  - name: a walked profile',
      '    seccomp: {profile: ../outside/secret.json, syscall: ptrace, expect: SCMP_ACT_ERRNO}',
      '  - name: an included secret',
      '    apparmor: {profile: linked, access: {path: /x, permissions: r}, expect: allow}',
      '',
    ].join('\n'),
  });
  link(repo, 'includes/leak', join(outside, 'secret.txt'));
  link(repo, 'includes/leak.json', join(outside, 'secret.json'));
  link(repo, 'includes/outdir', outside);
  link(repo, 'policies/apparmor/zz-linked-profile', join(outside, 'secret.txt'));
  link(repo, 'policies/falco/linked.yaml', join(outside, 'secret.yaml'));
  return { repo, outside, secret };
}
