/** What the CI template tests share: paths, the templates, the documented snippets, a GitLab instance. */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TEMPLATES } from '../../scripts/ci-templates.mjs';
import { corpusPath } from '../helpers/corpus.js';
import type { Instance, Project } from './pipeline.js';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const CI_SCHEMA_PATH = corpusPath('gitlab', 'ci.json');
export const hasCiSchema = existsSync(CI_SCHEMA_PATH);
/** The `bin` of the package, as a user's job runs it. */
export const CHS = join(ROOT, 'dist', 'bundle', 'chs.cjs');
export const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string })
  .version;

export const TEMPLATE_NAMES: readonly string[] = TEMPLATES;
const templatePath = (name: string): string => join(ROOT, 'ci-templates', `${name}.yml`);
export const readTemplate = (name: string): string => readFileSync(templatePath(name), 'utf8');

const FQDN = 'gitlab.example.com';
export const TEMPLATES_PROJECT = 'tools/container-host-security';
export const USER_PROJECT = 'shop/policies';
/** The commit the project's own pipeline runs for (`$CI_COMMIT_SHA`). */
export const COMMIT = '6f1c0d3a9e2b4c5d7e8f90a1b2c3d4e5f6a7b8c9';

/** The code blocks of docs/ci-templates.md that follow a `<!-- ci-snippet: NAME -->` line. */
export function docSnippets(): Map<string, string> {
  const readme = readFileSync(join(ROOT, 'docs', 'ci-templates.md'), 'utf8');
  const snippets = new Map<string, string>();
  for (const match of readme.matchAll(/<!-- ci-snippet: ([a-z-]+) -->\n```yaml\n([\s\S]*?)```/g))
    snippets.set(match[1] as string, match[2] as string);
  return snippets;
}

/** The files under `dir`, relative to it with `/`, as GitLab lists a repository's (for `rules:exists`). */
export function listFiles(dir: string, skip: readonly string[] = ['.git', 'node_modules', 'dist']): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)).split('\\').join('/'))
    .filter((file) => !skip.includes(file.split('/')[0] as string))
    .sort();
}

/** The files of a user's project that holds examples/ at its root, as the snippets are tested. */
export const EXAMPLE_FILES: readonly string[] = [...listFiles(join(ROOT, 'examples')), '.gitlab-ci.yml'].sort();

/** This working tree as the templates project, readable at the release tag and at COMMIT. */
export function templatesProject(): Project {
  return {
    path: TEMPLATES_PROJECT,
    files: listFiles(ROOT),
    read(file, ref) {
      if (ref !== VERSION && ref !== COMMIT) return undefined;
      const path = join(ROOT, file);
      return existsSync(path) ? readFileSync(path, 'utf8') : undefined;
    },
  };
}

/**
 * A user's project whose only file read is its `.gitlab-ci.yml`; `files` is what `rules:exists`
 * sees (by default examples/ at the root, as the snippets are tested).
 */
export function userProject(
  gitlabCi: string,
  contents: Record<string, string> = {},
  files: readonly string[] = EXAMPLE_FILES,
): Project {
  return {
    path: USER_PROJECT,
    read: (file) => (file === '.gitlab-ci.yml' ? gitlabCi : contents[file]),
    files,
  };
}

export function instance(...projects: Project[]): Instance {
  return { fqdn: FQDN, projects };
}

export type PipelineKind =
  | 'merge request'
  | 'branch with an open merge request'
  | 'branch'
  | 'default branch'
  | 'schedule'
  | 'tag'
  | 'web, default branch'
  | 'api, default branch'
  | 'trigger, default branch';

/** The predefined variables GitLab sets in each kind of pipeline (those our jobs and rules read). */
export function predefinedVariables(
  kind: PipelineKind,
  project: string,
  projectDir = '/builds/project',
): Record<string, string> {
  const common: Record<string, string> = {
    CI: 'true',
    GITLAB_CI: 'true',
    CI_SERVER_FQDN: FQDN,
    CI_SERVER_URL: `https://${FQDN}`,
    CI_PROJECT_PATH: project,
    CI_PROJECT_ID: '42',
    CI_PROJECT_DIR: projectDir,
    CI_DEFAULT_BRANCH: 'main',
    CI_COMMIT_SHA: COMMIT,
    CI_COMMIT_SHORT_SHA: COMMIT.slice(0, 8),
    CI_PIPELINE_ID: '1001',
    CI_JOB_ID: '5001',
  };
  switch (kind) {
    case 'merge request':
      return {
        ...common,
        CI_PIPELINE_SOURCE: 'merge_request_event',
        CI_COMMIT_REF_NAME: 'tighten-falco',
        CI_MERGE_REQUEST_IID: '7',
        CI_MERGE_REQUEST_ID: '7007',
        CI_MERGE_REQUEST_SOURCE_BRANCH_NAME: 'tighten-falco',
        CI_MERGE_REQUEST_TARGET_BRANCH_NAME: 'main',
        CI_MERGE_REQUEST_DIFF_BASE_SHA: 'a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9',
        CI_MERGE_REQUEST_EVENT_TYPE: 'detached',
      };
    case 'branch with an open merge request':
      return {
        ...common,
        CI_PIPELINE_SOURCE: 'push',
        CI_COMMIT_BRANCH: 'tighten-falco',
        CI_COMMIT_REF_NAME: 'tighten-falco',
        CI_OPEN_MERGE_REQUESTS: `${project}!7`,
      };
    case 'branch':
      return {
        ...common,
        CI_PIPELINE_SOURCE: 'push',
        CI_COMMIT_BRANCH: 'spike',
        CI_COMMIT_REF_NAME: 'spike',
      };
    case 'default branch':
      return { ...common, CI_PIPELINE_SOURCE: 'push', CI_COMMIT_BRANCH: 'main', CI_COMMIT_REF_NAME: 'main' };
    case 'web, default branch':
    case 'api, default branch':
    case 'trigger, default branch':
      return {
        ...common,
        CI_PIPELINE_SOURCE: kind.split(',')[0] as string,
        CI_COMMIT_BRANCH: 'main',
        CI_COMMIT_REF_NAME: 'main',
      };
    case 'tag':
      return { ...common, CI_PIPELINE_SOURCE: 'push', CI_COMMIT_TAG: VERSION, CI_COMMIT_REF_NAME: VERSION };
    case 'schedule':
      return {
        ...common,
        CI_PIPELINE_SOURCE: 'schedule',
        CI_COMMIT_BRANCH: 'main',
        CI_COMMIT_REF_NAME: 'main',
      };
  }
}

/** Every input of all.yml set to something other than its default. */
export const ALL_OVERRIDDEN = `include:
  - component: $CI_SERVER_FQDN/tools/container-host-security/all@0.1.0
    inputs:
      job-prefix: policy
      image: registry.example.com/chs:0.1.0
      chs-version: 0.1.0-rc.1
      root: sub
      token-variable: SHOP_BOT_TOKEN
      lint-stage: verify
      lint-args: --max-warnings 0
      lint-allow-failure: true
      lint-rules: [{if: '$CI_PIPELINE_SOURCE == "web"'}]
      test-stage: verify
      test-args: policies/tests/falco.yaml
      test-allow-failure: true
      test-rules: [{if: '$CI_PIPELINE_SOURCE == "web"'}]
      preview-stage: review
      post: false
      preview-args: --snapshot cluster/snapshot.yaml
      preview-impact: failure
      preview-allow-failure: false
      preview-rules: [{if: '$CI_PIPELINE_SOURCE == "web"'}]
      deploy-stage: ship
      target: production
      environment-prefix: clusters/
      deploy-when: manual
      deploy-args: --prune
      deploy-allow-failure: true
      deploy-rules: [{if: '$CI_PIPELINE_SOURCE == "web"', when: manual}]
      drift-stage: verify
      drift-target: staging
      issue: false
      drift-args: --format json
      drift-allow-failure: true
      drift-rules: [{if: '$CI_PIPELINE_SOURCE == "web"'}]
stages: [verify, review, ship]
`;
