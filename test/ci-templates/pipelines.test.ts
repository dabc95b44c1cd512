/**
 * The include snippets of docs/ci-templates.md and the project's .gitlab-ci.yml, as GitLab would build their
 * pipelines: which jobs each kind of pipeline gets, and, for the lint job, a run of its script
 * lines with the variables GitLab sets, against a copy of examples/, checking the artifacts.
 */
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPlainObject } from './inputs.js';
import { Pipeline, jobStatus, missingArtifacts, plan, runJob } from './pipeline.js';
import type { Plan, PlannedJob, Project } from './pipeline.js';
import {
  CHS,
  COMMIT,
  EXAMPLE_FILES,
  ROOT,
  TEMPLATES_PROJECT,
  USER_PROJECT,
  instance,
  listFiles,
  predefinedVariables,
  docSnippets,
  templatesProject,
  userProject,
} from './support.js';
import type { PipelineKind } from './support.js';

const KINDS: PipelineKind[] = [
  'merge request',
  'branch with an open merge request',
  'branch',
  'default branch',
  'schedule',
  'tag',
  'web, default branch',
  'api, default branch',
  'trigger, default branch',
];

function configOf(main: Project, kind: PipelineKind, projectDir?: string): Record<string, unknown> {
  const variables = predefinedVariables(kind, main.path, projectDir);
  const loaded = new Pipeline(instance(templatesProject(), main), variables).load(
    main,
    COMMIT,
    '.gitlab-ci.yml',
  );
  if (!loaded.ok) throw new Error(loaded.errors.join('; '));
  return loaded.value;
}

function planOf(main: Project, kind: PipelineKind, projectDir?: string): Plan {
  return plan(configOf(main, kind, projectDir), predefinedVariables(kind, main.path, projectDir), main.files);
}

const summary = (p: Plan): string[] =>
  p.jobs.map((job) => (job.when === 'on_success' ? job.name : `${job.name} (${job.when})`));

function snippetProject(name: string): Project {
  const snippet = docSnippets().get(name);
  if (!snippet) throw new Error(`docs/ci-templates.md has no ${name} snippet`);
  return userProject(snippet);
}

describe("the documented include snippets, as GitLab builds their pipelines", () => {
  const expected: Record<string, Record<PipelineKind, string[]>> = {
    component: {
      'merge request': ['chs-lint', 'chs-test', 'chs-preview'],
      'branch with an open merge request': [],
      branch: ['chs-lint', 'chs-test'],
      'default branch': ['chs-lint', 'chs-test', 'chs-deploy-production (manual)'],
      schedule: ['chs-drift'],
      tag: [],
      // Deploys run for pushes only: a pipeline run by hand, the API or a trigger lints and tests.
      'web, default branch': ['chs-lint', 'chs-test'],
      'api, default branch': ['chs-lint', 'chs-test'],
      'trigger, default branch': ['chs-lint', 'chs-test'],
    },
    project: {
      'merge request': ['chs-lint', 'chs-test', 'chs-preview'],
      'branch with an open merge request': [],
      branch: ['chs-lint', 'chs-test'],
      'default branch': ['chs-lint', 'chs-test', 'chs-deploy-staging', 'chs-deploy-production (manual)'],
      schedule: ['chs-drift'],
      tag: [],
      // Deploys run for pushes only: a pipeline run by hand, the API or a trigger lints and tests.
      'web, default branch': ['chs-lint', 'chs-test'],
      'api, default branch': ['chs-lint', 'chs-test'],
      'trigger, default branch': ['chs-lint', 'chs-test'],
    },
    remote: {
      'merge request': ['chs-lint', 'chs-test', 'chs-preview'],
      'branch with an open merge request': [],
      branch: ['chs-lint', 'chs-test'],
      'default branch': ['chs-lint', 'chs-test', 'chs-deploy-production'],
      schedule: ['chs-drift'],
      tag: [],
      // Deploys run for pushes only: a pipeline run by hand, the API or a trigger lints and tests.
      'web, default branch': ['chs-lint', 'chs-test'],
      'api, default branch': ['chs-lint', 'chs-test'],
      'trigger, default branch': ['chs-lint', 'chs-test'],
    },
  };

  for (const [snippet, byKind] of Object.entries(expected)) {
    for (const kind of KINDS) {
      it(`${snippet}: a ${kind} pipeline runs ${byKind[kind].join(', ') || 'nothing of ours'}`, () => {
        const result = planOf(snippetProject(snippet), kind);
        expect(result.errors).toEqual([]);
        expect(summary(result)).toEqual(byKind[kind]);
      });
    }
  }

  it('runs the test job only in projects that hold test cases (policies/tests/**), at any depth', () => {
    const withoutTests = EXAMPLE_FILES.filter((file) => !file.includes('policies/tests/'));
    const cases: [string, readonly string[], string[]][] = [
      ['no test file', withoutTests, ['chs-lint', 'chs-preview']],
      ['a test file', [...withoutTests, 'policies/tests/a.yaml'], ['chs-lint', 'chs-test', 'chs-preview']],
      ['a .yml test file, deeper', [...withoutTests, 'policies/tests/falco/b.yml'], ['chs-lint', 'chs-test', 'chs-preview']],
      ['a repository in a subfolder', ['.gitlab-ci.yml', 'sec/policies/falco/a.yaml', 'sec/policies/tests/a.yaml'], ['chs-lint', 'chs-test', 'chs-preview']],
      ['a README under policies/tests only', [...withoutTests, 'policies/tests/README.md'], ['chs-lint', 'chs-preview']],
    ];
    for (const [name, files, jobs] of cases) {
      const snippet = docSnippets().get('component') as string;
      const result = planOf(userProject(snippet, {}, files), 'merge request');
      expect(result.errors, name).toEqual([]);
      expect(summary(result), name).toEqual(jobs);
    }
  });

  it('deploys each target in its own environment and resource group, never interrupted', () => {
    const jobs = planOf(snippetProject('project'), 'default branch').jobs;
    for (const target of ['staging', 'production']) {
      const job = jobs.find((j) => j.name === `chs-deploy-${target}`)?.definition;
      expect(job).toMatchObject({
        stage: 'deploy',
        environment: { name: `policies/${target}`, action: 'start' },
        resource_group: `container-host-security-${target}`,
        interruptible: false,
      });
      expect((job?.script as string[]).join('\n')).toContain(`deploy --target "${target}"`);
    }
  });

  it('passes the inputs through all.yml to the jobs it includes', () => {
    const config = configOf(snippetProject('component'), 'schedule');
    const drift = config['chs-drift'] as Record<string, unknown>;
    expect((drift.script as string[]).join('\n')).toContain('CHS_TARGET="--target=production"');
    const preview = config['chs-preview'] as Record<string, unknown>;
    expect((preview.script as string[]).join('\n')).toContain(
      'if [ "true" = "true" ]; then CHS_POST="--post"',
    );
  });

  it('cannot use all.yml over include: remote (its local includes are read from your project), as docs/ci-templates.md says', () => {
    const main = userProject(
      `include:\n  - remote: https://gitlab.example.com/${TEMPLATES_PROJECT}/-/raw/0.1.0/ci-templates/all.yml\n`,
    );
    const loaded = new Pipeline(
      instance(templatesProject(), main),
      predefinedVariables('merge request', USER_PROJECT),
    ).load(main, COMMIT, '.gitlab-ci.yml');
    expect(loaded.ok ? 'loaded' : loaded.errors.join('; ')).toBe(
      'Local file `ci-templates/lint.yml` does not exist!',
    );
  });

  it('reports a wrong input of a snippet with the included file named, as GitLab does', () => {
    const snippet = (docSnippets().get('component') as string).replace(
      'deploy-when: manual',
      'deploy-when: later',
    );
    const main = userProject(snippet);
    const loaded = new Pipeline(
      instance(templatesProject(), main),
      predefinedVariables('merge request', USER_PROJECT),
    ).load(main, COMMIT, '.gitlab-ci.yml');
    expect(loaded.ok ? 'loaded' : loaded.errors.join('; ')).toBe(
      '`gitlab.example.com/tools/container-host-security/all@0.1.0`: `deploy-when` input: `later` cannot be used because it is not in the list of allowed options',
    );
  });
});

describe("the project's own pipeline (.gitlab-ci.yml)", () => {
  const self: Project = templatesProject();
  const expected: Record<PipelineKind, string[] | 'none'> = {
    'merge request': [
      'self-test-lint',
      'self-test-test',
      'self-test-preview',
      'test: [20]',
      'test: [22]',
      'test: [24]',
      'package',
    ],
    'branch with an open merge request': 'none',
    branch: ['self-test-lint', 'self-test-test', 'test: [20]', 'test: [22]', 'test: [24]', 'package'],
    'default branch': [
      'self-test-lint',
      'self-test-test',
      'test: [20]',
      'test: [22]',
      'test: [24]',
      'package',
    ],
    schedule: ['test: [20]', 'test: [22]', 'test: [24]', 'package'],
    tag: ['test: [20]', 'test: [22]', 'test: [24]', 'package'],
    'web, default branch': [
      'self-test-lint',
      'self-test-test',
      'test: [20]',
      'test: [22]',
      'test: [24]',
      'package',
    ],
    'api, default branch': [
      'self-test-lint',
      'self-test-test',
      'test: [20]',
      'test: [22]',
      'test: [24]',
      'package',
    ],
    'trigger, default branch': [
      'self-test-lint',
      'self-test-test',
      'test: [20]',
      'test: [22]',
      'test: [24]',
      'package',
    ],
  };
  for (const kind of KINDS) {
    it(`a ${kind} pipeline: ${expected[kind] === 'none' ? 'no pipeline' : (expected[kind]).join(', ')}`, () => {
      const result = planOf(self, kind);
      expect(result.errors).toEqual([]);
      if (expected[kind] === 'none') expect(result.created).toBe(false);
      else expect(summary(result)).toEqual(expected[kind]);
    });
  }

  it('publishes the version a tag names to npm, then releases the components, when NPM_TOKEN is set', () => {
    const variables = { ...predefinedVariables('tag', TEMPLATES_PROJECT), NPM_TOKEN: 'npm_x' };
    const result = plan(configOf(self, 'tag'), variables, self.files);
    expect(result.errors).toEqual([]);
    expect(summary(result)).toEqual([
      'test: [20]',
      'test: [22]',
      'test: [24]',
      'package',
      'publish',
      'catalog-release',
    ]);
    const publish = result.jobs.find((job) => job.name === 'publish')?.definition;
    expect((publish?.script as string[]).join('\n')).toContain(
      'npm publish "./container-host-security-$CI_COMMIT_TAG.tgz"',
    );
  });

  it('self-tests this commit: the components at $CI_COMMIT_SHA, the packed package, examples/', () => {
    const config = configOf(self, 'merge request');
    const lint = config['self-test-lint'] as Record<string, unknown>;
    expect(lint.needs).toEqual(['package']);
    expect(lint.before_script).toEqual([
      'npm install --global --no-audit --no-fund ./container-host-security-*.tgz',
    ]);
    expect((lint.script as string[]).join('\n')).toContain('chs -C "examples" lint');
    const preview = config['self-test-preview'] as Record<string, unknown>;
    expect((preview.script as string[]).join('\n')).toContain('if [ "false" = "true" ]');
  });
});

describe('running the lint job of a merge request pipeline against examples/', () => {
  let work: string;
  let bin: string;
  const npmCalls = (): string => join(work, 'npm-called');

  beforeAll(() => {
    if (!existsSync(CHS)) throw new Error(`${CHS} is missing: run npm run build first`);
    work = mkdtempSync(join(tmpdir(), 'chs-ci-'));
    bin = join(work, 'bin');
    mkdirSync(bin);
    // chs of this checkout, as the image would have it; npm must not be needed then.
    writeFileSync(join(bin, 'chs'), `#!/bin/sh\nexec "${process.execPath}" "${CHS}" "$@"\n`);
    writeFileSync(join(bin, 'npm'), `#!/bin/sh\necho "$@" >> "${npmCalls()}"\nexit 1\n`);
    chmodSync(join(bin, 'chs'), 0o755);
    chmodSync(join(bin, 'npm'), 0o755);
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  function projectDir(name: string, layout: 'root' | 'examples'): string {
    const dir = join(work, name);
    cpSync(join(ROOT, 'examples'), layout === 'root' ? dir : join(dir, 'examples'), { recursive: true });
    return dir;
  }

  function lintJob(main: Project, dir: string, name: string): PlannedJob {
    const job = planOf(main, 'merge request', dir).jobs.find((j) => j.name === name);
    if (!job) throw new Error(`no ${name} job in the merge request pipeline`);
    return job;
  }

  interface Issue {
    check_name: string;
    severity: string;
    fingerprint: string;
    location: { path: string; lines: { begin: number } };
  }
  const readIssues = (file: string): Issue[] => JSON.parse(readFileSync(file, 'utf8')) as Issue[];

  /** `chs lint` run directly on the same tree: what the job's reports must agree with. */
  function directLint(policyRoot: string, ...args: string[]): { status: number; issues: Issue[] } {
    const out = join(work, `direct-${Math.random().toString(36).slice(2)}.json`);
    const result = spawnSync(
      process.execPath,
      [CHS, '-C', policyRoot, 'lint', '--report', `codequality=${out}`, ...args],
      {
        encoding: 'utf8',
      },
    );
    return { status: result.status ?? -1, issues: readIssues(out) };
  }

  const addFinding = (policyRoot: string): void => {
    mkdirSync(join(policyRoot, 'policies', 'falco'), { recursive: true });
    writeFileSync(
      join(policyRoot, 'policies', 'falco', 'custom.yaml'),
      '- list: shells\n  items: [bash]\n# chs-disable-next-line\n',
    );
  };

  it('component snippet: the job lints as chs does, its log sections open and close, and every declared artifact exists', () => {
    const dir = projectDir('component', 'root');
    const job = lintJob(snippetProject('component'), dir, 'chs-lint');
    const direct = directLint(dir);
    const run = runJob(job, predefinedVariables('merge request', USER_PROJECT, dir), {
      projectDir: dir,
      path: [bin],
    });
    expect(run.status, run.output).toBe(direct.status);
    expect(existsSync(npmCalls())).toBe(false);
    expect(run.output).toMatch(
      /\x1b\[0Ksection_start:\d+:chs_install\[collapsed=true\]\r\x1b\[0KInstalling container-host-security 0\.1\.0/,
    );
    expect(run.output).toMatch(/\x1b\[0Ksection_end:\d+:chs_install\r\x1b\[0K/);
    expect(run.variables.npm_config_cache).toBe(`${dir}/.chs-npm-cache`);
    expect(missingArtifacts(job, dir)).toEqual([]);
    const reports = isPlainObject(job.definition.artifacts) ? job.definition.artifacts.reports : undefined;
    expect(reports).toEqual({
      codequality: 'chs-reports/gl-code-quality-report.json',
      junit: 'chs-reports/chs-lint-junit.xml',
    });
    expect(readIssues(join(dir, 'chs-reports/gl-code-quality-report.json'))).toEqual(direct.issues);
    expect(JSON.parse(readFileSync(join(dir, 'chs-reports/chs-lint.sarif'), 'utf8'))).toMatchObject({
      version: '2.1.0',
    });
  });

  it('component snippet, a lint with warnings only: the job passes and its JUnit report has no failed test case', () => {
    const dir = projectDir('warnings-only', 'root');
    const job = lintJob(snippetProject('component'), dir, 'chs-lint');
    const direct = directLint(dir);
    expect(direct.issues.map((i) => i.severity)).toContain('minor');
    expect(direct.issues.some((i) => i.severity === 'major')).toBe(false);
    const run = runJob(job, predefinedVariables('merge request', USER_PROJECT, dir), {
      projectDir: dir,
      path: [bin],
    });
    expect(run.status, run.output).toBe(0);
    expect(jobStatus(job, run.status)).toBe('success');
    const xml = readFileSync(join(dir, 'chs-reports/chs-lint-junit.xml'), 'utf8');
    expect(xml).toMatch(/<testsuites name="chs lint" tests="\d+" failures="0" errors="0">/);
    expect(xml).not.toContain('<failure');
    const warnings = direct.issues.filter((i) => i.severity === 'minor');
    expect(xml.match(/ \(warning\)" file="/g)).toHaveLength(warnings.length);
    expect(xml.match(/<system-out>[^<]*: warning: /g)).toHaveLength(warnings.length);
  });

  it('remote snippet (--max-warnings 0): a warning fails the job, and the reports are there for GitLab to show', () => {
    const dir = projectDir('remote', 'root');
    addFinding(dir);
    const job = lintJob(snippetProject('remote'), dir, 'chs-lint');
    expect(isPlainObject(job.definition.artifacts) && job.definition.artifacts.when).toBe('always');
    const direct = directLint(dir, '--max-warnings', '0');
    const run = runJob(job, predefinedVariables('merge request', USER_PROJECT, dir), {
      projectDir: dir,
      path: [bin],
    });
    expect(run.status, run.output).toBe(1);
    expect(direct.status).toBe(1);
    expect(run.output).toContain('more than --max-warnings 0');
    expect(missingArtifacts(job, dir)).toEqual([]);
    const issues = readIssues(join(dir, 'chs-reports/gl-code-quality-report.json'));
    expect(issues).toEqual(direct.issues);
    expect(issues.map((i) => [i.check_name, i.location.path, i.location.lines.begin])).toContainEqual([
      'chs/unused-suppression',
      'policies/falco/custom.yaml',
      3,
    ]);
  });

  it("the project's self-test job (root: examples) lints examples/, with Code Quality paths from the repository root", () => {
    const dir = projectDir('self', 'examples');
    addFinding(join(dir, 'examples'));
    const self: Project = templatesProject();
    const job = lintJob(self, dir, 'self-test-lint');
    const direct = directLint(join(dir, 'examples'));
    // Its before_script installs the package the `package` job packed; here chs of this checkout stands in.
    const run = runJob(job, predefinedVariables('merge request', TEMPLATES_PROJECT, dir), {
      projectDir: dir,
      path: [bin],
      beforeScript: false,
    });
    expect(run.status, run.output).toBe(direct.status);
    expect(run.output).toContain('$ chs -C "examples" lint');
    expect(missingArtifacts(job, dir)).toEqual([]);
    const paths = readIssues(join(dir, 'chs-reports/gl-code-quality-report.json')).map(
      (issue) => issue.location.path,
    );
    expect(paths).toEqual(direct.issues.map((issue) => `examples/${issue.location.path}`));
    expect(paths).toContain('examples/policies/falco/custom.yaml');
  });

  it('all.yml with root: sub: Code Quality, JUnit and SARIF of lint and test name the files as the project holds them', () => {
    const dir = join(work, 'sub-root');
    cpSync(join(ROOT, 'examples'), join(dir, 'sub'), { recursive: true });
    addFinding(join(dir, 'sub'));
    writeFileSync(
      join(dir, 'sub', 'policies', 'tests', 'broken.yaml'),
      'tests:\n  - name: a wrong expectation\n    seccomp: {profile: policies/seccomp/shop-api.json, syscall: ptrace, expect: SCMP_ACT_ALLOW}\n',
    );
    const main = userProject(
      // The test cases named: the example AppArmor cases would need the system's abstractions.
      'include:\n  - component: $CI_SERVER_FQDN/tools/container-host-security/all@0.1.0\n    inputs:\n      root: sub\n      test-args: policies/tests/seccomp.yaml policies/tests/broken.yaml\n',
      {},
      listFiles(dir),
    );
    const variables = predefinedVariables('merge request', USER_PROJECT, dir);
    const planned = planOf(main, 'merge request', dir).jobs;
    const exists = (path: string): boolean => existsSync(join(dir, path));
    const paths: Record<string, string[]> = {};

    const lint = planned.find((j) => j.name === 'chs-lint') as PlannedJob;
    const linted = runJob(lint, variables, { projectDir: dir, path: [bin] });
    expect(linted.status, linted.output).toBe(0);
    paths['lint codequality'] = readIssues(join(dir, 'chs-reports/gl-code-quality-report.json')).map(
      (i) => i.location.path,
    );
    paths['lint junit'] = [
      ...readFileSync(join(dir, 'chs-reports/chs-lint-junit.xml'), 'utf8').matchAll(/ file="([^"]+)"/g),
    ].map((m) => m[1] as string);
    const log = JSON.parse(readFileSync(join(dir, 'chs-reports/chs-lint.sarif'), 'utf8')) as {
      runs: { results: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[];
    };
    paths['lint sarif'] = (log.runs[0]?.results ?? []).map((r) =>
      decodeURIComponent(r.locations[0]?.physicalLocation.artifactLocation.uri ?? ''),
    );

    const test = planned.find((j) => j.name === 'chs-test') as PlannedJob;
    const tested = runJob(test, variables, { projectDir: dir, path: [bin] });
    expect(tested.status, tested.output).toBe(1);
    expect(missingArtifacts(test, dir)).toEqual([]);
    paths['test codequality'] = readIssues(join(dir, 'chs-reports/gl-code-quality-test-report.json')).map(
      (i) => i.location.path,
    );
    const testXml = readFileSync(join(dir, 'chs-reports/chs-test-junit.xml'), 'utf8');
    paths['test junit'] = [...testXml.matchAll(/ file="([^"]+)"/g)].map((m) => m[1] as string);
    expect(testXml).toMatch(/failures="1"/);

    for (const [report, list] of Object.entries(paths)) {
      expect(list.length, report).toBeGreaterThan(0);
      for (const path of list) {
        expect(path.startsWith('sub/policies/'), `${report}: ${path}`).toBe(true);
        expect(exists(path), `${report}: ${path}`).toBe(true);
      }
    }
    expect(paths['lint codequality']).toContain('sub/policies/falco/custom.yaml');
    expect(paths['test codequality']).toEqual(['sub/policies/tests/broken.yaml']);
  });
});
