/**
 * all.yml: every input of every template it includes is one of its inputs, passed through with
 * the template's own default; and a pipeline that overrides every one of them gets jobs that
 * show each override.
 */
import { describe, expect, it } from 'vitest';
import { isPlainObject, loadCiFile } from './inputs.js';
import type { InputSpec } from './inputs.js';
import { inputSpecs } from './inputs.js';
import { Pipeline, plan } from './pipeline.js';
import type { PlannedJob } from './pipeline.js';
import {
  COMMIT,
  USER_PROJECT,
  instance,
  predefinedVariables,
  readTemplate,
  ALL_OVERRIDDEN,
  templatesProject,
  userProject,
} from './support.js';
import type { PipelineKind } from './support.js';

function specsOf(name: string): Map<string, InputSpec> {
  const loaded = loadCiFile(readTemplate(name), `${name}.yml`);
  if (!loaded.ok) throw new Error(loaded.errors.join('; '));
  const specs = inputSpecs(loaded.value.header);
  if (!specs.ok) throw new Error(specs.errors.join('; '));
  return new Map(specs.value.map((spec) => [spec.name, spec]));
}

/** all.yml's includes: the template each names and the all.yml input each of its inputs takes. */
function includes(): { template: string; passes: Map<string, string> }[] {
  const loaded = loadCiFile(readTemplate('all'), 'all.yml');
  if (!loaded.ok) throw new Error(loaded.errors.join('; '));
  const list = loaded.value.content.include as Record<string, unknown>[];
  return list.map((entry) => {
    const template = /^\/ci-templates\/([a-z]+)\.yml$/.exec(String(entry.local))?.[1] ?? String(entry.local);
    const passes = new Map<string, string>();
    for (const [input, value] of Object.entries(isPlainObject(entry.inputs) ? entry.inputs : {})) {
      const block = /^\$\[\[ inputs\.([a-z-]+) \]\]$/.exec(String(value));
      passes.set(input, block ? (block[1] as string) : `(not an input: ${String(value)})`);
    }
    return { template, passes };
  });
}

describe('all.yml passes every input of every template it includes', () => {
  const all = specsOf('all');

  it('includes every other template once', () => {
    expect(includes().map((i) => i.template)).toEqual(['lint', 'test', 'preview', 'deploy', 'drift']);
  });

  for (const { template, passes } of includes()) {
    it(`${template}.yml: each of its inputs comes from an all.yml input of the same type, options, regex and default`, () => {
      const own = specsOf(template);
      expect([...passes.keys()].sort()).toEqual([...own.keys()].sort());
      for (const [input, from] of passes) {
        const theirs = own.get(input) as InputSpec;
        const ours = all.get(from);
        expect(ours, `${template}.yml ${input} <- ${from}`).toBeDefined();
        const shape = (spec: InputSpec) => ({
          type: spec.type,
          default: spec.default,
          options: spec.options,
          regex: spec.regex,
        });
        expect(shape(ours as InputSpec), `${template}.yml ${input} <- all.yml ${from}`).toEqual(
          shape(theirs),
        );
      }
    });
  }

  it('has no input that reaches no template', () => {
    const used = new Set(includes().flatMap((i) => [...i.passes.values()]));
    expect([...all.keys()].filter((name) => !used.has(name))).toEqual([]);
  });
});

describe('all.yml with every input overridden', () => {
  const web = { ...predefinedVariables('default branch', USER_PROJECT), CI_PIPELINE_SOURCE: 'web' };

  function jobs(variables: Record<string, string>): Map<string, PlannedJob> {
    const main = userProject(ALL_OVERRIDDEN);
    const loaded = new Pipeline(instance(templatesProject(), main), variables).load(
      main,
      COMMIT,
      '.gitlab-ci.yml',
    );
    if (!loaded.ok) throw new Error(loaded.errors.join('; '));
    const planned = plan(loaded.value, variables, main.files);
    expect(planned.errors).toEqual([]);
    return new Map(planned.jobs.map((job) => [job.name, job]));
  }
  const script = (job: PlannedJob | undefined): string =>
    [
      ...((job?.definition.before_script as string[]) ?? []),
      ...((job?.definition.script as string[]) ?? []),
    ].join('\n');

  it('runs the jobs the overriding rules choose (a web pipeline), and none in a merge request or a schedule', () => {
    expect([...jobs(web).entries()].map(([name, job]) => `${name} (${job.when})`)).toEqual([
      'policy-lint (on_success)',
      'policy-test (on_success)',
      'policy-preview (on_success)',
      'policy-deploy-production (manual)',
      'policy-drift (on_success)',
    ]);
    const kinds: PipelineKind[] = ['merge request', 'schedule', 'default branch'];
    for (const kind of kinds)
      expect([...jobs(predefinedVariables(kind, USER_PROJECT)).keys()], kind).toEqual([]);
  });

  it('gives each job its stage, image, version, root, arguments and failure policy', () => {
    const planned = jobs(web);
    const get = (name: string): PlannedJob => planned.get(name) as PlannedJob;
    expect(
      [...planned.values()].map((job) => [
        job.name,
        job.stage,
        job.definition.image,
        job.definition.allow_failure,
      ]),
    ).toEqual([
      ['policy-lint', 'verify', 'registry.example.com/chs:0.1.0', true],
      ['policy-test', 'verify', 'registry.example.com/chs:0.1.0', true],
      ['policy-preview', 'review', 'registry.example.com/chs:0.1.0', false],
      ['policy-deploy-production', 'ship', 'registry.example.com/chs:0.1.0', true],
      ['policy-drift', 'verify', 'registry.example.com/chs:0.1.0', true],
    ]);
    for (const job of planned.values()) {
      expect(script(job), job.name).toContain('"container-host-security@0.1.0-rc.1"');
      expect(script(job), job.name).toContain('chs -C "sub" ');
    }
    expect(script(get('policy-lint'))).toMatch(/--report-base "\$CI_PROJECT_DIR"\s+--max-warnings 0$/m);
    expect(script(get('policy-test'))).toContain('policies/tests/falco.yaml');
    expect(script(get('policy-preview'))).toContain('--snapshot cluster/snapshot.yaml');
    expect(script(get('policy-preview'))).toContain('CHS_POST=""; if [ "false" = "true" ]');
    expect(script(get('policy-deploy-production'))).toContain('deploy --target "production" --prune');
    expect(script(get('policy-drift'))).toContain('CHS_TARGET="--target=staging"; fi');
    expect(script(get('policy-drift'))).toContain('if [ "false" = "true" ]; then CHS_ISSUE="--issue"');
    expect(script(get('policy-drift'))).toMatch(/\$CHS_TARGET \$CHS_ISSUE --format json$/m);
    for (const name of ['policy-preview', 'policy-deploy-production', 'policy-drift'])
      expect(script(get(name))).toContain('export CHS_GITLAB_TOKEN="${SHOP_BOT_TOKEN:-}"');
    expect(get('policy-deploy-production').definition).toMatchObject({
      environment: { name: 'clusters/production' },
      resource_group: 'container-host-security-production',
    });
    expect(get('policy-deploy-production').variables.CHS_DEPLOY_WHEN).toBe('manual');
  });
});
