/**
 * The preview job of each documented snippet, run as a runner would in a merge request pipeline: in a
 * shallow git clone of a policy repository made from examples/ (a base commit and a head commit),
 * with the variables GitLab sets and the token variable, against the test GitLab server. The job
 * must pass, keep exactly one note on the merge request (a second run edits it, never adds one),
 * and leave the artifacts it declares.
 */
import { execFileSync } from 'node:child_process';
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
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PREVIEW_MARKER } from '../../src/gitlab/sticky-note.js';
import { MR_IID, PROJECT_ID, TOKEN, startFixture } from '../gitlab-server/fixture.js';
import type { GitLabServer } from '../gitlab-server/server.js';
import {
  Pipeline,
  declaredArtifacts,
  jobStatus,
  missingArtifacts,
  pipelineStatus,
  plan,
  runJobAsync,
} from './pipeline.js';
import type { PlannedJob } from './pipeline.js';
import {
  CHS,
  COMMIT,
  ROOT,
  USER_PROJECT,
  instance,
  predefinedVariables,
  docSnippets,
  templatesProject,
  userProject,
} from './support.js';

const EXAMPLES = join(ROOT, 'examples');

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'Dev',
      GIT_AUTHOR_EMAIL: 'dev@example.com',
      GIT_COMMITTER_NAME: 'Dev',
      GIT_COMMITTER_EMAIL: 'dev@example.com',
    },
  }).trim();
}

/** Replaces the working tree of `repo` (all but .git) with `tree`, and commits it. */
function commitTree(repo: string, tree: string, message: string, without: string[] = []): string {
  git(repo, 'rm', '-rq', '--ignore-unmatch', '.');
  cpSync(tree, repo, { recursive: true });
  for (const path of without) rmSync(join(repo, path), { recursive: true, force: true });
  git(repo, 'add', '-A');
  git(repo, 'commit', '-qm', message);
  return git(repo, 'rev-parse', 'HEAD');
}

/**
 * The example merge request as a repository: examples/base/ (when examples/ has it) is the base
 * commit and examples/ the head; without it the head adds the seccomp profile web.json to a base
 * that lacks it. Returns the origin and the two commits.
 */
function exampleRepository(dir: string): { origin: string; base: string; head: string; changed: string } {
  const origin = join(dir, 'origin');
  mkdirSync(origin);
  git(origin, 'init', '-q', '-b', 'main');
  const hasBase = existsSync(join(EXAMPLES, 'base', 'chs.yaml'));
  const base = hasBase
    ? commitTree(origin, join(EXAMPLES, 'base'), 'policies before the merge request')
    : commitTree(origin, EXAMPLES, 'policies before the merge request', ['policies/seccomp/web.json']);
  git(origin, 'checkout', '-qb', 'tighten-falco');
  const head = commitTree(origin, EXAMPLES, 'Tighten the policies');
  const changed = git(origin, 'diff', '--name-only', base, head, '--', 'policies').split('\n')[0] ?? '';
  return { origin, base, head, changed };
}

const SNIPPETS = ['component', 'project', 'remote'] as const;

describe('the preview job of a merge request pipeline against the test GitLab server', () => {
  let work: string;
  let bin: string;
  let server: GitLabServer;
  let repo: ReturnType<typeof exampleRepository>;

  beforeAll(() => {
    if (!existsSync(CHS)) throw new Error(`${CHS} is missing: run npm run build first`);
    work = mkdtempSync(join(tmpdir(), 'chs-ci-preview-'));
    bin = join(work, 'bin');
    mkdirSync(bin);
    // chs of this checkout, as the image would have it.
    writeFileSync(join(bin, 'chs'), `#!/bin/sh\nexec "${process.execPath}" "${CHS}" "$@"\n`);
    chmodSync(join(bin, 'chs'), 0o755);
    repo = exampleRepository(work);
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));
  beforeEach(async () => {
    server = await startFixture();
  });
  afterEach(async () => {
    await server.close();
  });

  /** A clone as a runner makes it for a merge request pipeline: shallow, at the head commit. */
  function clone(name: string): string {
    const dir = join(work, name);
    git(work, 'clone', '-q', '--depth=1', '--branch=tighten-falco', `file://${repo.origin}`, dir);
    expect(git(dir, 'rev-parse', 'HEAD')).toBe(repo.head);
    return dir;
  }

  function previewJob(
    snippet: string,
    dir: string,
    gitlabCi = docSnippets().get(snippet) ?? '',
  ): PlannedJob {
    const main = userProject(gitlabCi);
    const variables = predefinedVariables('merge request', USER_PROJECT, dir);
    const loaded = new Pipeline(instance(templatesProject(), main), variables).load(
      main,
      COMMIT,
      '.gitlab-ci.yml',
    );
    if (!loaded.ok) throw new Error(loaded.errors.join('; '));
    const planned = plan(loaded.value, variables, main.files);
    expect(planned.errors).toEqual([]);
    const job = planned.jobs.find((j) => j.name === 'chs-preview');
    if (!job) throw new Error(`no chs-preview job in the ${snippet} snippet's merge request pipeline`);
    return job;
  }

  const run = (job: PlannedJob, dir: string, extra: Record<string, string> = {}) =>
    runJobAsync(
      job,
      {
        ...predefinedVariables('merge request', USER_PROJECT, dir),
        CI_SERVER_URL: server.url,
        CI_PROJECT_ID: String(PROJECT_ID),
        CI_MERGE_REQUEST_IID: String(MR_IID),
        CI_MERGE_REQUEST_DIFF_BASE_SHA: repo.base,
        CI_COMMIT_SHA: repo.head,
      },
      { projectDir: dir, path: [bin], extra: { CHS_GITLAB_TOKEN: TOKEN, ...extra } },
    );

  for (const snippet of SNIPPETS) {
    it(`${snippet} snippet: the job passes, posts one note that a second run edits, and leaves its artifacts`, async () => {
      const dir = clone(snippet);
      const job = previewJob(snippet, dir);
      expect(declaredArtifacts(job).map((a) => `${a.kind}: ${a.path}`)).toEqual([
        'path: chs-reports/chs-preview.md',
      ]);

      const first = await run(job, dir);
      expect(first.status, first.output).toBe(0);
      expect(first.output).toContain(`note created`);
      expect(missingArtifacts(job, dir)).toEqual([]);
      const artifact = readFileSync(join(dir, 'chs-reports', 'chs-preview.md'), 'utf8');
      expect(artifact).toContain(repo.changed);

      const notes = server.notesOf(PROJECT_ID, MR_IID);
      expect(notes).toHaveLength(1);
      expect(notes[0]?.author.username).toBe('chs-bot');
      expect(notes[0]?.body).toBe(`${PREVIEW_MARKER}\n${artifact}`);
      // The token reached GitLab and nothing else: never in the job log.
      expect(server.log.some((r) => r.token === TOKEN)).toBe(true);
      expect(first.output).not.toContain(TOKEN);

      // A new push to the merge request changes the preview: the same note is edited.
      writeFileSync(join(dir, 'policies', 'falco', 'ci-added.yaml'), '- list: ci_added\n  items: [sh]\n');
      const second = await run(job, dir);
      expect(second.status, second.output).toBe(0);
      expect(second.output).toContain('note updated');
      expect(server.notesOf(PROJECT_ID, MR_IID)).toHaveLength(1);
      expect(server.notesOf(PROJECT_ID, MR_IID)[0]?.body).toContain('policies/falco/ci-added.yaml');
      expect(missingArtifacts(job, dir)).toEqual([]);
      // The clone itself is left as the runner checked it out.
      expect(git(dir, 'status', '--porcelain', '--untracked-files=no')).toBe('');
    });
  }

  it('without the token variable the job fails the pipeline with one line saying what the token is for, and posts nothing', async () => {
    const dir = clone('no-token');
    const job = previewJob('component', dir);
    const result = await run(job, dir, { CHS_GITLAB_TOKEN: '' });
    expect(result.status, result.output).toBe(2);
    expect(result.output).toContain(
      'chs: CHS_GITLAB_TOKEN is not set: chs preview --post writes the merge request note with it; add a masked CI/CD variable CHS_GITLAB_TOKEN holding a project access token with the "api" scope and the Reporter role (CI_JOB_TOKEN cannot write merge request notes)',
    );
    expect(jobStatus(job, result.status)).toBe('failed');
    expect(server.notesOf(PROJECT_ID, MR_IID)).toHaveLength(0);
    expect(server.writes()).toEqual([]);
  });

  /** The component with the cluster snapshot of examples/: the preview blocks workloads (exit 1). */
  const blocking = (inputs: string): string =>
    `include:\n  - component: $CI_SERVER_FQDN/tools/container-host-security/all@0.1.0\n    inputs:\n      target: production\n      preview-args: --snapshot cluster/snapshot.yaml\n${inputs}`;

  const impactCases: {
    name: string;
    inputs: string;
    token: string;
    exit: number;
    status: string;
    pipeline: string;
  }[] = [
    {
      name: 'a blocking impact, by default',
      inputs: '',
      token: TOKEN,
      exit: 1,
      status: 'warning',
      pipeline: 'passed',
    },
    {
      name: 'a blocking impact with preview-impact: failure',
      inputs: '      preview-impact: failure\n',
      token: TOKEN,
      exit: 1,
      status: 'failed',
      pipeline: 'failed',
    },
    {
      name: 'a missing token (exit 2), by default',
      inputs: '',
      token: '',
      exit: 2,
      status: 'failed',
      pipeline: 'failed',
    },
    {
      name: 'a missing token with preview-allow-failure: true',
      inputs: '      preview-allow-failure: true\n',
      token: '',
      exit: 2,
      status: 'warning',
      pipeline: 'passed',
    },
  ];
  for (const c of impactCases) {
    it(`${c.name}: the job exits ${c.exit}, shows as ${c.status}, the pipeline ${c.pipeline}`, async () => {
      const dir = clone(`impact-${impactCases.indexOf(c)}`);
      const job = previewJob('component', dir, blocking(c.inputs));
      const result = await run(job, dir, { CHS_GITLAB_TOKEN: c.token });
      expect(result.status, result.output).toBe(c.exit);
      const status = jobStatus(job, result.status);
      expect(status).toBe(c.status);
      expect(pipelineStatus(['success', status])).toBe(c.pipeline);
      if (c.exit === 1) {
        // The reviewer still gets the note and the artifact.
        expect(server.notesOf(PROJECT_ID, MR_IID)[0]?.body).toContain('⛔');
        expect(missingArtifacts(job, dir)).toEqual([]);
      }
    });
  }
});
