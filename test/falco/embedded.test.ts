/**
 * Falco rules inside Helm values of the falcosecurity/falco chart (`customRules`) and inside a
 * ConfigMap's `data`: linted in place, with positions in the holding file, in the chart's order.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lint } from '../../src/core/runner.js';
import { SourceFile } from '../../src/core/source.js';
import { embeddedRules, loadRuleset, sniffFalco } from '../../src/languages/falco/index.js';
import { falcoRenderer } from '../../src/render/falco.js';
import { languages, registry } from '../../src/languages/index.js';
import { defaultConfig } from '../../src/core/config.js';
import { tempTrees } from '../helpers/tree.js';

const repo = tempTrees('chs-embedded-');

// Written as GitLab's documentation for the cluster management project shows it.
const VALUES = `ebpf:
  enabled: false
customRules:
  z-late.yaml: |-
    - rule: Late rule
      desc: uses the macro of the earlier file
      condition: shell_procs and not proc.pname = cron
      output: shell (user=%user.name)
      priority: WARNING
  a-early.yaml: |-
    - macro: shell_procs
      condition: evt.type = execve and proc.name in (bash, sh)
    - rule: Detect new directory
      desc: detect a new directory
      condition: >
        mkdir and proc.nmae = x
      output: dir (user=%user.name)
      priority: ERROR
`;

const CONFIGMAP = `apiVersion: v1
kind: ConfigMap
metadata:
  name: falco-rules
data:
  falco.yaml: |
    json_output: true
  custom.yaml: |
    - rule: Write below etc
      desc: a write below /etc
      condition: evt.type = openat and fd.name startswith /etc and evt.is_open_write = true
      output: write (file=%fd.nmae)
      priority: ERROR
`;

async function lintRepo(files: Record<string, string>, paths: string[] = []) {
  const dir = repo(files);
  const result = await lint({ cwd: dir, paths, languages, registry });
  const text = (path: string) => result.files.get(path) as SourceFile;
  return {
    dir,
    findings: result.diagnostics.map((d) => {
      const at = d.range ? text(d.file).position(d.range.start) : undefined;
      return { file: d.file, line: at?.line, column: at?.column, ruleId: d.ruleId, message: d.message };
    }),
  };
}

describe('Falco rules in Helm values and ConfigMaps', () => {
  it('recognises a values file by its customRules key and a ConfigMap of rules files', () => {
    expect(sniffFalco(new SourceFile('values.yaml', VALUES))).toBe(true);
    expect(sniffFalco(new SourceFile('cm.yaml', CONFIGMAP))).toBe(true);
    expect(sniffFalco(new SourceFile('cm.yaml', 'kind: ConfigMap\ndata:\n  a: b\n'))).toBe(false);
  });

  it('finds nothing wrong in values whose customRules is empty', async () => {
    const { findings } = await lintRepo({
      'policies/falco/values.yaml': 'customRules: {}\nebpf:\n  enabled: true\n',
    });
    expect(findings).toEqual([]);
    expect(embeddedRules('v.yaml', 'falco:\n  customRules:\n', false)).toEqual([]);
  });

  it('loads the customRules files in name order, as Falco reads the chart rules.d directory', () => {
    const files = embeddedRules('values.yaml', VALUES, false) ?? [];
    expect(files.map((f) => f.embedded?.name)).toEqual(['a-early.yaml', 'z-late.yaml']);
    expect(files[0]?.text.startsWith('- macro: shell_procs\n')).toBe(true);
  });

  it('reports findings at lines and columns of the values file, inside the block scalar', async () => {
    const { findings } = await lintRepo({ 'applications/falco/values.yaml': VALUES }, [
      'applications/falco/values.yaml',
    ]);
    expect(findings).toEqual([
      {
        file: 'applications/falco/values.yaml',
        line: 16,
        column: 9,
        ruleId: 'falco/undefined-macro',
        message: expect.stringContaining("Undefined macro 'mkdir'"),
      },
      {
        file: 'applications/falco/values.yaml',
        line: 16,
        column: 19,
        ruleId: 'falco/unknown-field',
        message: expect.stringContaining('proc.nmae'),
      },
    ]);
  });

  it('reports findings inside a ConfigMap, and leaves its other files alone', async () => {
    const { findings } = await lintRepo({ 'policies/falco/rules-cm.yaml': CONFIGMAP });
    expect(findings).toEqual([
      {
        file: 'policies/falco/rules-cm.yaml',
        line: 12,
        column: 28,
        ruleId: 'falco/invalid-output',
        message: expect.stringContaining('fd.nmae'),
      },
    ]);
  });

  it('loads the embedded rules for chs test after the baseline', () => {
    const dir = repo({
      'base.yaml': '- macro: mkdir\n  condition: evt.type = mkdir\n',
      'values.yaml': VALUES.replace('proc.nmae = x', 'proc.name = x'),
    });
    const loaded = loadRuleset(
      [
        { absolute: join(dir, 'base.yaml'), display: 'base.yaml', baseline: true },
        { absolute: join(dir, 'values.yaml'), display: 'values.yaml' },
      ],
      'first',
    );
    expect(loaded.errors).toEqual([]);
    expect(loaded.rules.map((r) => r.name)).toEqual(['Detect new directory', 'Late rule']);
  });

  it('renders the embedded rules files as the chart custom rules, by their own names', () => {
    const out = falcoRenderer.render({
      target: { name: 'default' },
      mode: 'monitor',
      files: [{ path: 'applications/falco/values.yaml', display: 'values.yaml', text: VALUES }],
      settings: defaultConfig('/').render,
      paths: defaultConfig('/').paths,
    });
    const values = out.files.find((f) => f.path === 'falco/values.yaml')?.content ?? '';
    expect(values).toContain('00-a-early.yaml');
    expect(values).toContain('01-z-late.yaml');
    expect(values).not.toContain('ebpf');
  });
});
