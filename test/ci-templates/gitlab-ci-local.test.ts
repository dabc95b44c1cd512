/**
 * An oracle for the CI simulation: gitlab-ci-local (a real interpreter of GitLab CI YAML, npm
 * package `gitlab-ci-local`, Node.js 22 or newer) lists the jobs of all.yml, included with
 * `include: local` as a project that copies the templates would, for several inputs and pipeline
 * sources; the simulation must list the same jobs, with the same `when` and `allow_failure`.
 * Skipped unless CHS_GITLAB_CI_LOCAL names its command (it reads no network for local includes).
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Pipeline, plan } from './pipeline.js';
import { COMMIT, ROOT, USER_PROJECT, instance, listFiles, predefinedVariables } from './support.js';
import type { PipelineKind } from './support.js';
import type { Project } from './pipeline.js';
import { skipping } from '../helpers/skip.js';

const COMMAND = process.env.CHS_GITLAB_CI_LOCAL;
if (!COMMAND)
  skipping(
    'the CI simulation against gitlab-ci-local',
    'CHS_GITLAB_CI_LOCAL does not name a gitlab-ci-local command (run by Node.js 22 or newer)',
  );

const SOURCES: [string, PipelineKind][] = [
  ['merge_request_event', 'merge request'],
  ['push', 'default branch'],
  ['schedule', 'schedule'],
  ['web', 'web, default branch'],
];

const CONFIGS: Record<string, string> = {
  'all.yml, target production': '      target: production\n',
  'all.yml, manual deploy and a failing preview impact':
    '      target: production\n      deploy-when: manual\n      preview-impact: failure\n',
  'all.yml, deploys from web pipelines too, every failure allowed':
    '      target: production\n      deploy-rules: [{if: \'$CI_PIPELINE_SOURCE == "web" || $CI_PIPELINE_SOURCE == "push"\'}]\n      lint-allow-failure: true\n      preview-allow-failure: true\n',
};

interface Listed {
  name: string;
  when: string;
  allow_failure: unknown;
}

describe.skipIf(!COMMAND)('gitlab-ci-local lists the jobs the simulation plans', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'chs-gcl-'));
    cpSync(join(ROOT, 'examples'), dir, { recursive: true });
    cpSync(join(ROOT, 'ci-templates'), join(dir, 'ci-templates'), { recursive: true });
    const git = (...args: string[]) =>
      execFileSync('git', args, {
        cwd: dir,
        stdio: 'ignore',
        env: {
          ...process.env,
          GIT_AUTHOR_NAME: 'a',
          GIT_AUTHOR_EMAIL: 'a@example.com',
          GIT_COMMITTER_NAME: 'a',
          GIT_COMMITTER_EMAIL: 'a@example.com',
        },
      });
    git('init', '-q', '-b', 'main');
    git('remote', 'add', 'origin', `https://gitlab.example.com/${USER_PROJECT}.git`);
    writeFileSync(join(dir, '.gitlab-ci.yml'), '');
    git('add', '-A');
    git('commit', '-qm', 'policies');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  for (const [name, inputs] of Object.entries(CONFIGS)) {
    const gitlabCi = `include:\n  - local: /ci-templates/all.yml\n    inputs:\n${inputs}`;
    for (const [source, kind] of SOURCES) {
      it(`${name}, a ${source} pipeline`, () => {
        writeFileSync(join(dir, '.gitlab-ci.yml'), gitlabCi);
        const out = execFileSync(
          COMMAND as string,
          ['--list-json', '--variable', `CI_PIPELINE_SOURCE=${source}`],
          {
            cwd: dir,
            encoding: 'utf8',
            env: { ...process.env, GCL_IGNORE_PREDEFINED_VARS: 'CI_PIPELINE_SOURCE' },
            stdio: ['ignore', 'pipe', 'ignore'],
            timeout: 60_000,
          },
        );
        const theirs = (JSON.parse(out) as Listed[])
          .filter((job) => job.when !== 'never')
          .map((job) => ({ name: job.name, when: job.when, allow_failure: job.allow_failure }));

        const files = listFiles(dir);
        const project: Project = {
          path: USER_PROJECT,
          read: (file) => (files.includes(file) ? readFileSync(join(dir, file), 'utf8') : undefined),
          files,
        };
        const variables = predefinedVariables(kind, USER_PROJECT, dir);
        const loaded = new Pipeline(instance(project), variables).load(project, COMMIT, '.gitlab-ci.yml');
        if (!loaded.ok) throw new Error(loaded.errors.join('; '));
        const planned = plan(loaded.value, variables, files);
        expect(planned.errors).toEqual([]);
        const ours = planned.jobs.map((job) => ({
          name: job.name,
          when: job.when,
          allow_failure: job.definition.allow_failure ?? false,
        }));
        expect(ours).toEqual(theirs);
      });
    }
  }
});
