import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import type { ValidateFunction } from 'ajv';
import { describe, expect, it } from 'vitest';
import { interpolateFile, loadCiFile } from './inputs.js';
import { Pipeline } from './pipeline.js';
import {
  ALL_OVERRIDDEN,
  CI_SCHEMA_PATH,
  COMMIT,
  ROOT,
  TEMPLATE_NAMES,
  USER_PROJECT,
  hasCiSchema,
  instance,
  predefinedVariables,
  readTemplate,
  docSnippets,
  templatesProject,
  userProject,
} from './support.js';
import { WHY, skipping } from '../helpers/skip.js';

if (!hasCiSchema) skipping("the CI templates against GitLab's CI schema", WHY.noCorpus);

function validator(): ValidateFunction {
  const schema = JSON.parse(readFileSync(CI_SCHEMA_PATH, 'utf8')) as Record<string, unknown>;
  // GitLab's schema uses editor keywords (markdownDescription) and formats for the editor only.
  const ajv = new Ajv({ allErrors: true, strict: false, allowUnionTypes: true, validateFormats: false });
  return ajv.compile(schema);
}

function problems(validate: ValidateFunction, document: unknown): string[] {
  if (validate(document)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? e.keyword}`);
}

function documents(text: string, name: string): { header: unknown; content: Record<string, unknown> } {
  const loaded = loadCiFile(text, name);
  if (!loaded.ok) throw new Error(loaded.errors.join('; '));
  const interpolated = interpolateFile(loaded.value, {});
  if (!interpolated.ok) throw new Error(interpolated.errors.join('; '));
  return { header: loaded.value.header, content: interpolated.value };
}

describe.skipIf(!hasCiSchema)("GitLab's CI schema (corpus gitlab/ci.json)", () => {
  const validate = hasCiSchema ? validator() : undefined;

  for (const name of TEMPLATE_NAMES) {
    it(`accepts ci-templates/${name}.yml: its header, and its configuration with the default inputs`, () => {
      const { header, content } = documents(readTemplate(name), `${name}.yml`);
      expect(problems(validate as ValidateFunction, header)).toEqual([]);
      expect(problems(validate as ValidateFunction, content)).toEqual([]);
    });
  }

  it('accepts the project pipeline, .gitlab-ci.yml', () => {
    const { header, content } = documents(
      readFileSync(join(ROOT, '.gitlab-ci.yml'), 'utf8'),
      '.gitlab-ci.yml',
    );
    expect(header).toBeUndefined();
    expect(problems(validate as ValidateFunction, content)).toEqual([]);
  });

  for (const [name, snippet] of docSnippets()) {
    it(`accepts the documented ${name} snippet, and the configuration it expands to`, () => {
      const { content } = documents(snippet, `${name} snippet`);
      expect(problems(validate as ValidateFunction, content)).toEqual([]);
      const main = userProject(snippet);
      const variables = predefinedVariables('merge request', USER_PROJECT);
      const merged = new Pipeline(instance(templatesProject(), main), variables).load(
        main,
        COMMIT,
        '.gitlab-ci.yml',
      );
      if (!merged.ok) throw new Error(merged.errors.join('; '));
      expect(Object.keys(merged.value).length).toBeGreaterThan(0);
      expect(problems(validate as ValidateFunction, merged.value)).toEqual([]);
    });
  }

  it('accepts all.yml with every input overridden, and the configuration it expands to', () => {
    const main = userProject(ALL_OVERRIDDEN);
    const variables = predefinedVariables('merge request', USER_PROJECT);
    const merged = new Pipeline(instance(templatesProject(), main), variables).load(
      main,
      COMMIT,
      '.gitlab-ci.yml',
    );
    if (!merged.ok) throw new Error(merged.errors.join('; '));
    expect(problems(validate as ValidateFunction, merged.value)).toEqual([]);
  });

  it('refuses what GitLab refuses (so that the checks above can fail)', () => {
    const { content } = documents(readTemplate('deploy'), 'deploy.yml');
    const job = content['chs-deploy-default'] as Record<string, unknown>;
    const broken = { 'chs-deploy-default': { ...job, when: 'sometimes', artifact: { paths: ['x'] } } };
    const found = problems(validate as ValidateFunction, broken);
    expect(found.length).toBeGreaterThan(0);
    const header = { spec: { inputs: { x: { type: 'hash' } } } };
    expect(problems(validate as ValidateFunction, header).length).toBeGreaterThan(0);
  });
});
