import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { lint } from '../../src/core/runner.js';
import { SourceFile } from '../../src/core/source.js';
import { falco, sniffFalco } from '../../src/languages/falco/index.js';
import { falcoRules } from '../../src/languages/falco/rules/index.js';
import { languages, registry } from '../../src/languages/index.js';
import { tempTrees } from '../helpers/tree.js';

const repo = tempTrees('chs-falco-');

const BASELINE = `- macro: spawned_process
  condition: evt.type in (execve, execveat)
- macro: unused_in_baseline
  condition: proc.name = x
- list: shell_binaries
  items: [bash, sh]
`;
const RULES = `- rule: Shell in container
  desc: a shell
  condition: spawned_process and proc.name in (shell_binaries) and container.id != host
  output: "shell %proc.cmdline"
  priority: WARNING
`;

describe('the Falco language', () => {
  it('is registered, with every rule documented and every loader rule id defined', () => {
    expect(languages).toContainEqual(expect.objectContaining({ kind: 'falco', lint: falco.lint }));
    for (const rule of falcoRules) {
      expect(registry.get(rule.meta.id)).toBe(rule);
      expect(rule.meta.id).toMatch(/^falco\/[a-z-]+$/);
      expect(rule.meta.description.length).toBeGreaterThan(20);
      expect(rule.meta.docs.rationale.length).toBeGreaterThan(40);
    }
    const ids = falcoRules.map((r) => r.meta.id);
    expect(ids).toEqual([...ids].sort());
    // The loader reports rule objects imported from rules/: each rule file there is in the table.
    const files = readdirSync(new URL('../../src/languages/falco/rules/', import.meta.url)).filter(
      (f) => f !== 'index.ts' && f !== 'examples.ts',
    );
    expect(ids.map((id) => `${id.slice('falco/'.length)}.ts`)).toEqual(files.sort());
  });

  it('sniffs rules files by their top-level items', () => {
    expect(sniffFalco(new SourceFile('a.yaml', '# x\n- rule: A\n  desc: b\n'))).toBe(true);
    expect(sniffFalco(new SourceFile('a.yaml', '- macro: m\n  condition: x\n'))).toBe(true);
    expect(sniffFalco(new SourceFile('a.yaml', 'apiVersion: v1\nkind: Pod\n'))).toBe(false);
  });

  it('loads the baseline first and does not report its own findings', async () => {
    const dir = repo({
      'chs.yaml': 'falco:\n  baseline: [baseline/macros.yaml]\n',
      'baseline/macros.yaml': BASELINE,
      'policies/falco/shell.yaml': RULES,
    });
    const result = await lint({ cwd: dir, paths: [], languages, registry });
    expect(result.diagnostics).toEqual([]);
  });

  it('without a baseline, says how to configure one', async () => {
    const dir = repo({ 'policies/falco/shell.yaml': RULES });
    const result = await lint({ cwd: dir, paths: [], languages, registry });
    const undefinedMacro = result.diagnostics.filter((d) => d.ruleId === 'falco/undefined-macro');
    expect(undefinedMacro).toHaveLength(1);
    expect(undefinedMacro[0]).toMatchObject({
      file: 'policies/falco/shell.yaml',
      severity: 'error',
      falcoCode: 'LOAD_ERR_VALIDATE',
      range: { start: RULES.indexOf('spawned_process'), end: RULES.indexOf('spawned_process') + 15 },
    });
    expect(undefinedMacro[0]?.message).toContain('falco.baseline in chs.yaml');
  });

  it('reports a baseline glob that matches nothing on chs.yaml', async () => {
    const dir = repo({
      'chs.yaml': 'falco:\n  baseline: [nowhere/*.yaml]\n',
      'policies/falco/shell.yaml': RULES,
    });
    const result = await lint({ cwd: dir, paths: [], languages, registry });
    expect(result.diagnostics.find((d) => d.file === 'chs.yaml')?.message).toContain(
      "'nowhere/*.yaml' matches no file",
    );
  });

  it('loads files in load order: a later file appends to an earlier one', async () => {
    const dir = repo({
      'chs.yaml': 'falco:\n  baseline: [baseline/macros.yaml]\n',
      'baseline/macros.yaml': BASELINE,
      'policies/falco/a.yaml': RULES,
      'policies/falco/b.yaml': '- list: shell_binaries\n  items: [zsh]\n  override:\n    items: append\n',
    });
    const result = await lint({ cwd: dir, paths: [], languages, registry });
    expect(result.diagnostics).toEqual([]);
  });
});
