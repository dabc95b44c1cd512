import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { END, PAGE, START, expectedFiles, inputsTable, staleFiles } from '../../scripts/ci-templates.mjs';
import { interpolateFile, loadCiFile } from './inputs.js';
import { ROOT, TEMPLATE_NAMES, VERSION, readTemplate, docSnippets } from './support.js';

describe("the inputs tables of docs/ci-templates.md and the component copies", () => {
  it('are what `npm run ci-templates` generates from the headers', () => {
    expect(staleFiles(ROOT)).toEqual([]);
  });

  it('have one row per input, with its type, default and description', () => {
    const page = readFileSync(join(ROOT, PAGE), 'utf8');
    const section = page.slice(page.indexOf(START), page.indexOf(END));
    expect(section).toContain(
      '| `when` | string | `on_success` | `manual` makes the deploy wait for a click',
    );
    expect(section).toContain('One of `on_success`, `manual`.');
    expect(section).toContain(
      '| `allow-failure` | boolean | `false` | Let the pipeline pass when the job fails. |',
    );
    expect(section).toContain(`| \`chs-version\` | string | \`${VERSION}\` |`);
    for (const name of TEMPLATE_NAMES) {
      const rows =
        readTemplate(name)
          .split('---\n')[0]
          ?.match(/^ {4}[a-z-]+:$/gm) ?? [];
      const table = inputsTable(readTemplate(name), name);
      expect(table.split('\n').length - 2).toBe(rows.length);
    }
  });

  it('would change when a header changes (the check can fail)', () => {
    const lint = readTemplate('lint');
    const changed = lint.replace('Stage of the lint job.', 'Stage of the job that lints.');
    expect(inputsTable(changed, 'lint.yml')).not.toBe(inputsTable(lint, 'lint.yml'));
    const required = lint.replace(
      '      description: Stage of the lint job.\n      type: string\n      default: test\n',
      '      description: Stage.\n      type: string\n',
    );
    expect(inputsTable(required, 'lint.yml')).toContain('| `stage` | string | (required) | Stage. |');
    expect(expectedFiles(ROOT).get('templates/lint.yml')).toBe(lint);
  });
});

describe('the templates stay consistent', () => {
  it('pin the package version of this checkout, as the documented snippets do', () => {
    for (const name of TEMPLATE_NAMES) {
      const loaded = loadCiFile(readTemplate(name), name);
      if (!loaded.ok) throw new Error(loaded.errors.join('; '));
      const inputs = (loaded.value.header?.spec as { inputs: Record<string, { default?: unknown }> }).inputs;
      expect(inputs['chs-version']?.default, name).toBe(VERSION);
    }
    const snippets = [...docSnippets().values()].join('\n');
    expect(snippets).toContain(`@${VERSION}`);
    expect(snippets).toContain(`ref: ${VERSION}`);
    expect(snippets.match(/[@/ ](\d+\.\d+\.\d+)\b/g)?.every((m) => m.slice(1) === VERSION)).toBe(true);
  });

  it('install chs the same way in every job, in a collapsed log section that is closed', () => {
    const installs = new Set<string>();
    for (const name of TEMPLATE_NAMES.filter((n) => n !== 'all')) {
      const loaded = loadCiFile(readTemplate(name), name);
      if (!loaded.ok) throw new Error(loaded.errors.join('; '));
      const config = interpolateFile(loaded.value, {});
      if (!config.ok) throw new Error(config.errors.join('; '));
      const jobs = Object.entries(config.value).filter(([key]) => !key.startsWith('.'));
      for (const job of jobs.map(([, value]) => value) as Record<string, unknown>[]) {
        const lines = [...(job.before_script as string[]), ...(job.script as string[])];
        installs.add(lines.find((line) => line.includes('npm install')) ?? 'none');
        const starts = lines.flatMap((line) => [
          ...line.matchAll(/section_start:%s:([a-z_]+)(\[collapsed=true\])?/g),
        ]);
        const ends = lines.flatMap((line) => [...line.matchAll(/section_end:%s:([a-z_]+)/g)]);
        expect(starts.map((m) => m[1])).toEqual(ends.map((m) => m[1]));
        expect(starts.some((m) => m[1] === 'chs_install' && m[2])).toBe(true);
        expect(job.interruptible, name).toBe(name !== 'deploy');
      }
    }
    expect([...installs]).toHaveLength(1);
  });

  it("declare every input's type (GitLab's schema checks a default against every type otherwise)", () => {
    for (const name of TEMPLATE_NAMES) {
      const loaded = loadCiFile(readTemplate(name), name);
      if (!loaded.ok) throw new Error(loaded.errors.join('; '));
      const inputs = (loaded.value.header?.spec as { inputs: Record<string, { type?: string }> }).inputs;
      for (const [input, spec] of Object.entries(inputs))
        expect(spec.type, `${name}.yml ${input}`).toBeDefined();
    }
  });

  it('define jobs only (no global keywords that would leak into the pipelines that include them)', () => {
    for (const name of TEMPLATE_NAMES) {
      const loaded = loadCiFile(readTemplate(name), name);
      if (!loaded.ok) throw new Error(loaded.errors.join('; '));
      const keys = Object.keys(loaded.value.content);
      if (name === 'all') expect(keys).toEqual(['include']);
      else {
        // One job, and the hidden ones it extends, named after it (so that two includes never clash).
        const [job, ...others] = keys.filter((key) => !key.startsWith('.'));
        expect(others).toEqual([]);
        expect(job).toMatch(/^\$\[\[ inputs\.job-prefix \]\]-[a-z]+/);
        for (const hidden of keys.filter((key) => key.startsWith('.')))
          expect(hidden.startsWith(`.${job as string}-`), hidden).toBe(true);
      }
    }
  });

  it('show three snippets in docs/ci-templates.md (component, project and remote); the README shows the first', () => {
    const snippets = docSnippets();
    expect([...snippets.keys()]).toEqual(['component', 'project', 'remote']);
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    expect(readme).toContain(`\`\`\`yaml\n${snippets.get('component') ?? '(none)'}\`\`\``);
  });
});
