/**
 * Issue 23, as an attacker with merge request rights: policies and chs.yaml that name files out of
 * the repository (an absolute include, a `../` walk, a symbolic link, an abi, a directory, a
 * baseline, a glob, a test's profile). Each is a finding "outside the repository", and no byte of
 * the outside file reaches any output: standard output and error, JSON, the report files.
 */
import { readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runChs } from '../helpers/cli.js';
import type { CliResult } from '../helpers/cli.js';
import { attackerRepository } from './attacker.js';
import type { Attack } from './attacker.js';

const JOB_TOKEN = 'job-token-in-the-environment-4711';

/** A merge request job: in CI, on an unprotected ref, with no system AppArmor root. */
const JOB = {
  CI: 'true',
  CI_COMMIT_REF_PROTECTED: 'false',
  CHS_APPARMOR_SYSTEM_ROOT: '',
  CI_JOB_TOKEN: JOB_TOKEN,
};

interface Found {
  file: string;
  line: number;
  ruleId: string;
  message: string;
}

describe('a merge request that names files outside the repository', () => {
  let attack: Attack;
  let json: CliResult;
  let text: CliResult;
  let reports: string[];
  let tests: CliResult[];
  beforeAll(async () => {
    attack = attackerRepository();
    const reportDir = join(attack.repo, 'reports');
    json = await runChs(['lint', '--format', 'json'], { cwd: attack.repo, env: JOB });
    text = await runChs(
      [
        'lint',
        '--report',
        `codequality=${join(reportDir, 'cq.json')}`,
        '--report',
        `sarif=${join(reportDir, 'lint.sarif')}`,
        '--report',
        `junit=${join(reportDir, 'junit.xml')}`,
      ],
      { cwd: attack.repo, env: JOB },
    );
    reports = readdirSync(reportDir).map((name) => readFileSync(join(reportDir, name), 'utf8'));
    // A linked policy file stops the test run (the rules cannot be loaded): first that, then the
    // cases without it.
    tests = [await runChs(['test'], { cwd: attack.repo, env: JOB })];
    rmSync(join(attack.repo, 'policies/falco/linked.yaml'));
    rmSync(join(attack.repo, 'policies/apparmor/zz-linked-profile'));
    const config = join(attack.repo, 'chs.yaml');
    writeFileSync(config, readFileSync(config, 'utf8').replace(", '.git/**'", ''));
    tests.push(
      await runChs(['test'], { cwd: attack.repo, env: JOB }),
      await runChs(['test', '--format', 'json'], { cwd: attack.repo, env: JOB }),
    );
  }, 60_000);

  it('never shows a byte of the outside file', () => {
    const outputs = [json, text, ...tests].flatMap((r) => [r.stdout, r.stderr]).concat(reports);
    expect(outputs.join('\n').length).toBeGreaterThan(1000);
    for (const output of outputs) {
      expect(output).not.toContain(attack.secret);
      expect(output).not.toContain('oops');
      expect(output).not.toContain('CHS_GITLAB_TOKEN=');
      expect(output).not.toContain(JOB_TOKEN);
    }
  });

  it.each([
    ['policies/apparmor/absolute', 2, /^include "\/.*\/outside\/secret\.txt" is outside the repository/],
    [
      'policies/apparmor/walk',
      2,
      /^include "\.\.\/\.\.\/\.\.\/outside\/secret\.txt" is outside the repository/,
    ],
    ['policies/apparmor/angle', 2, /^include <\.\.\/\.\.\/outside\/secret\.txt> is outside the repository/],
    ['policies/apparmor/linked', 2, /^include "includes\/leak" is outside the repository/],
    ['policies/apparmor/directory', 2, /^include "includes\/outdir" is outside the repository/],
    ['policies/apparmor/environ', 2, /^include "\/proc\/self\/environ" is outside the repository/],
    ['policies/apparmor/gitconfig', 2, /^include "\.\.\/\.\.\/\.git\/config" is outside the repository/],
    ['.git', 1, /^\.git is outside the repository/],
    ['policies/apparmor/abi', 1, /^abi "\/.*\/outside\/secret\.txt" is outside the repository/],
    [
      'policies/apparmor/zz-linked-profile',
      1,
      /^policies\/apparmor\/zz-linked-profile is outside the repository/,
    ],
    ['policies/falco/linked.yaml', 1, /^policies\/falco\/linked\.yaml is outside the repository/],
    [
      'chs.yaml',
      3,
      /^the include root '\.\.\/outside' \(apparmor\.includeDirs\) is outside the repository, and this chs\.yaml is not trusted/,
    ],
    ['chs.yaml', 5, /^falco\.baseline '\/.*\/outside\/secret\.yaml' is outside the repository/],
    ['chs.yaml', 5, /^falco\.baseline '\.\.\/outside\/\*\.yaml' is outside the repository/],
  ])('%s:%i is a finding "outside the repository"', (file, line, message) => {
    const found = (JSON.parse(json.stdout) as { diagnostics: Found[] }).diagnostics.filter(
      (d) =>
        d.file === file &&
        d.line === line &&
        d.ruleId === 'chs/outside-repository' &&
        message.test(d.message),
    );
    expect(found).toHaveLength(1);
  });

  it('says what to do, and exits 1 as for any finding', () => {
    expect(json.code).toBe(1);
    const diagnostics = (JSON.parse(json.stdout) as { diagnostics: Found[] }).diagnostics;
    const outside = diagnostics.filter((d) => d.ruleId === 'chs/outside-repository');
    for (const d of outside)
      expect(d.message).toMatch(/--include-dir|copy the file into the repository|copy what it holds/);
    // An include of the repository's own include root still resolves.
    expect(diagnostics.filter((d) => d.file === 'policies/apparmor/optional')).toEqual([]);
  });

  it('fails the test cases that name a profile outside, without reading it', () => {
    expect(tests[1]?.stderr).toContain(
      "chs: note: chs.yaml apparmor.includeDirs '../outside' is outside the repository and this chs.yaml is not trusted here",
    );
    expect(tests[0]?.code).toBe(2);
    expect(tests[0]?.stderr).toMatch(
      /^chs: (policies\/apparmor\/zz-linked-profile|policies\/falco\/linked\.yaml|\.git): outside the repository/m,
    );
    expect(tests[2]?.code).toBe(1);
    const results = (
      JSON.parse(tests[2]?.stdout ?? '') as { results: { name: string; passed: boolean; message: string }[] }
    ).results;
    expect(results.find((r) => r.name === 'a linked profile')).toMatchObject({
      passed: false,
      message: expect.stringMatching(/^seccomp profile "includes\/leak\.json" is outside the repository/),
    });
    expect(results.find((r) => r.name === 'a walked profile')).toMatchObject({
      passed: false,
      message: expect.stringMatching(
        /^seccomp profile "\.\.\/outside\/secret\.json" is outside the repository/,
      ),
    });
  });
});

describe('chs.yaml itself linked out of the repository', () => {
  it('is a configuration error that quotes nothing of the file', async () => {
    const attack = attackerRepository();
    rmSync(join(attack.repo, 'chs.yaml'));
    symlinkSync(join(attack.outside, 'secret.yaml'), join(attack.repo, 'chs.yaml'));
    const result = await runChs(['lint', '--format', 'json'], { cwd: attack.repo, env: JOB });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^chs\.yaml:1:1: chs\.yaml is outside the repository/);
    expect(result.stdout + result.stderr).not.toContain(attack.secret);
  });
});
