/**
 * `chs import gitlab-cmp`: the example cluster management project (examples/gitlab-cmp, laid out
 * as GitLab documented it) imports into a repository that lints, tests, renders and previews,
 * and what it cannot carry is listed.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planImport, projectFromGit } from '../../src/import/gitlab-cmp.js';
import { runChs } from '../helpers/cli.js';
import { tempTrees } from '../helpers/tree.js';

const EXAMPLE = resolve(import.meta.dirname, '../../examples/gitlab-cmp');
const tmp = tempTrees('chs-import-');

describe('planning the import of a cluster management project', () => {
  it('carries customRules, profiles, securityPolicies and PodSecurityPolicy manifests', () => {
    const plan = planImport(EXAMPLE, { project: 'shop/cluster-management' });
    expect([...plan.files.keys()].sort()).toEqual([
      'chs.yaml',
      'gitlab-cmp-import/falco-values.yaml',
      'policies/apparmor/k8s-shop-api',
      'policies/apparmor/k8s-shop-nginx',
      'policies/falco/file-integrity.yaml',
      'policies/falco/shells.yaml',
      'policies/pod-security/restricted.yaml',
      'policies/pod-security/shop.yaml',
      'policies/tests/imported.yaml',
    ]);
    expect(plan.files.get('chs.yaml')).toContain('project: shop/cluster-management');
    expect(plan.files.get('chs.yaml')).toContain('via: cluster-management-project');
    expect(plan.files.get('policies/falco/shells.yaml')).toMatch(/^- list: shop_shells\n/);
    const shop = plan.files.get('policies/pod-security/shop.yaml') ?? '';
    expect(shop).toContain('- localhost/k8s-shop-nginx');
    expect(shop).toContain('- localhost/k8s-shop-api');
  });

  it('lists what it does not carry, with the line it is written at', () => {
    const { report } = planImport(EXAMPLE, { project: 'shop/cluster-management' });
    const notCarried = report.filter((e) => e.kind === 'not-carried').map((e) => [e.file, e.line, e.message]);
    expect(notCarried).toContainEqual([
      'applications/falco/values.yaml',
      3,
      expect.stringContaining('`ebpf` is a value of the falco chart that chs does not deploy'),
    ]);
    expect(notCarried).toContainEqual([
      'applications/apparmor/values.yaml',
      29,
      expect.stringContaining('apparmor.security.beta.kubernetes.io/defaultProfileName changed pods'),
    ]);
    expect(notCarried).toContainEqual([
      'manifests/restricted-psp.yaml',
      2,
      expect.stringContaining('fsGroup MustRunAs'),
    ]);
    expect(notCarried).toContainEqual([
      'applications/cert-manager',
      undefined,
      expect.stringContaining('stays in the cluster management project'),
    ]);
    // Given a project path, the only things left to do are in the cluster management project.
    expect(report.filter((e) => e.kind === 'action').map((e) => e.file)).toEqual([
      'helmfile.yaml',
      'helmfile.yaml',
    ]);
  });

  it('takes the project path from the git remote, and says so when there is none', () => {
    const dir = tmp({
      '.git/config': '[remote "origin"]\n\turl = git@gitlab.example.com:platform/cluster-management.git\n',
    });
    expect(projectFromGit(dir)).toBe('platform/cluster-management');
    const https = tmp({ '.git/config': '[remote "origin"]\n\turl = https://gitlab.example.com/a/b/cmp\n' });
    expect(projectFromGit(https)).toBe('a/b/cmp');
    const { report } = planImport(tmp({ 'applications/falco/values.yaml': 'customRules: {}\n' }));
    expect(report).toContainEqual(
      expect.objectContaining({ kind: 'action', message: expect.stringContaining('--project') }),
    );
  });

  it('reports values that are not YAML and entries that are not texts', () => {
    const dir = tmp({
      'applications/falco/values.yaml': 'customRules:\n  a.yaml: [not, text]\n',
      'applications/apparmor/values.yaml': 'profiles: {\n',
      '.gitlab/managed-apps/falco/values.yaml': 'customRules:\n  old.yaml: "- list: l\\n  items: [a]\\n"\n',
    });
    const { report, files } = planImport(dir, { project: 'g/p' });
    expect(report).toContainEqual({
      file: 'applications/falco/values.yaml',
      line: 2,
      kind: 'not-carried',
      message: 'customRules `a.yaml` is not a rules text',
    });
    expect(report).toContainEqual(
      expect.objectContaining({
        file: 'applications/apparmor/values.yaml',
        kind: 'not-carried',
        message: expect.stringContaining('is not valid YAML'),
      }),
    );
    expect(files.get('policies/falco/old.yaml')).toBe('- list: l\n  items: [a]\n');
  });
});

describe('chs import gitlab-cmp', () => {
  it('imports the example into a repository that lints, tests, renders and previews', async () => {
    const out = join(tmp(), 'repo');
    const imported = await runChs(['import', 'gitlab-cmp', EXAMPLE, '--out', out, '--project', 'shop/cmp']);
    expect(imported.stderr).toBe('');
    expect(imported.code).toBe(0);
    expect(imported.stdout).toContain('chs lint of the result: 0 error(s), 0 warning(s).');
    expect(readFileSync(join(out, 'gitlab-cmp-import/REPORT.md'), 'utf8')).toContain('Not carried (');

    const lint = await runChs(['lint'], { cwd: out });
    expect([lint.code, lint.stdout]).toEqual([0, '✔ 6 files checked, no problems\n']);
    const test = await runChs(['test'], { cwd: out });
    expect(test.code).toBe(0);
    expect(test.stdout).toContain('2 test cases: 2 passed, 0 failed');
    const render = await runChs(['render', '--out', join(out, 'rendered')], { cwd: out });
    expect(render.code).toBe(0);
    const values = readFileSync(join(out, 'rendered/gitlab-cmp/falco/values.yaml'), 'utf8');
    expect(values).toContain('Write below the shop configuration');
    const preview = await runChs(['preview', '--base-dir', tmp(), '--out', join(out, 'preview.md')], {
      cwd: out,
    });
    expect(preview.code).toBe(0);
    expect(readFileSync(join(out, 'preview.md'), 'utf8')).toContain('Shell in a shop container');
  });

  it('writes nothing when a file it would write exists', async () => {
    const out = tmp({ 'policies/falco/shells.yaml': 'mine\n' });
    const result = await runChs(['import', 'gitlab-cmp', EXAMPLE, '--out', out]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/policies\/falco\/shells\.yaml already exists.*nothing was written/);
    expect(existsSync(join(out, 'chs.yaml'))).toBe(false);
    expect(readFileSync(join(out, 'policies/falco/shells.yaml'), 'utf8')).toBe('mine\n');
  });

  it('says what to fix first when the rules need Falco default rules', async () => {
    const cmp = tmp({
      'applications/falco/values.yaml': `customRules:
  shell.yaml: |-
    - rule: Shell
      desc: a shell
      condition: spawned_process and container and proc.name = bash
      output: shell (%proc.cmdline)
      priority: WARNING
`,
    });
    const out = join(tmp(), 'repo');
    const result = await runChs(['import', 'gitlab-cmp', cmp, '--out', out, '--project', 'g/p']);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('Fix first: 2 error(s) of falco/undefined-macro');
    expect(result.stdout).toMatch(
      /repo\/policies\/falco\/shell\.yaml:3:14: Undefined macro 'spawned_process'/,
    );
  });

  it('refuses a directory that does not exist', async () => {
    const result = await runChs(['import', 'gitlab-cmp', join(tmp(), 'nope')]);
    expect([result.code, result.stderr]).toEqual([
      2,
      expect.stringMatching(/nope: not a directory; give the checkout of the cluster management project\n$/),
    ]);
  });
});
