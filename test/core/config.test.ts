import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { effectiveMode, loadConfig } from '../../src/core/config.js';
import { SourceFile } from '../../src/core/source.js';

function withConfig(text: string): ReturnType<typeof loadConfig> & { text: string } {
  const dir = mkdtempSync(join(tmpdir(), 'chs-config-'));
  writeFileSync(join(dir, 'chs.yaml'), text);
  return { ...loadConfig(dir, dir), text };
}

function at(text: string, offset: number | undefined): string {
  const { line, column } = new SourceFile('chs.yaml', text).position(offset ?? -1);
  return `${line}:${column}`;
}

describe('loadConfig', () => {
  it('uses the defaults without chs.yaml', () => {
    const dir = mkdtempSync(join(tmpdir(), 'chs-config-'));
    const { config, problems } = loadConfig(dir, dir);
    expect(problems).toEqual([]);
    expect(config.targets).toEqual([{ name: 'default' }]);
    // chs.yaml sets no kind's paths: each language keeps its own default.
    expect(config.paths.falco).toBeUndefined();
    expect(config.paths.tests).toContain('policies/tests/**/*.yaml');
    expect(config.mode).toBe('monitor');
  });

  it('reads every section', () => {
    const { config, problems } = withConfig(
      [
        'version: 1',
        'mode: block',
        'paths: {falco: [rules/*.yaml], podSecurity: [psp/*.yaml]}',
        'rules: {falco/unused-macro: off}',
        'falco: {baseline: [base.yaml], ruleMatching: all}',
        'apparmor: {abi: 3}',
        'targets: [{name: prod, kubeContext: "g/p:agent", mode: monitor}]',
        'clusterManagementProject: {project: g/cmp}',
      ].join('\n'),
    );
    expect(problems).toEqual([]);
    expect(config.mode).toBe('block');
    expect(config.paths.falco).toEqual(['rules/*.yaml']);
    expect(config.paths['pod-security']).toEqual(['psp/*.yaml']);
    expect(config.rules).toEqual({ 'falco/unused-macro': 'off' });
    expect(config.falco).toEqual({ baseline: ['base.yaml'], ruleMatching: 'all' });
    expect(config.apparmor.abi).toBe(3);
    expect(config.targets).toEqual([{ name: 'prod', kubeContext: 'g/p:agent', mode: 'monitor' }]);
    expect(config.clusterManagementProject?.directory).toBe('applications/container-host-security');
  });

  it.each([
    ['taregts: []\n', '1:1', 'unknown key "taregts" in the document; did you mean "targets"?'],
    [
      'targets:\n  - name: prod\n    mdoe: block\n',
      '3:5',
      'unknown key "mdoe" in "targets.0"; did you mean "mode"?',
    ],
    ['mode: blocking\n', '1:7', '"mode" must be one of "monitor", "block", not string "blocking"'],
    ['falco:\n  ruleMatching: frist\n', '2:17', 'did you mean "first"?'],
    ['targets:\n  - kubeContext: x\n', '2:5', '"targets.0" is missing the required key "name"'],
    ['rules:\n  Falco_Bad: off\n', '2:3', 'invalid key "Falco_Bad"'],
    ['paths: {falco: rules.yaml}\n', '1:16', '"paths.falco" must be array, not string "rules.yaml"'],
    ['mode: monitor\nmode: block\n', '2:1', 'duplicate key "mode"'],
    ['a: [b\n', '2:1', 'invalid YAML'],
    ['- 1\n- 2\n', '1:1', 'chs.yaml must be a mapping'],
    [
      'preview:\n  events:\n    - loki: {url: https://l, query: "{a=\\"b\\"}", tokenEnv: $TOKEN}\n',
      '3:60',
      'tokenEnv',
    ],
    ['preview:\n  events:\n    - loki: {url: l.example.com, query: "{}"}\n', '3:19', 'url'],
    ['preview:\n  events:\n    - loki: {url: https://l, query: "{}", since: 7days}\n', '3:50', 'since'],
    [
      'preview:\n  events:\n    - elasticsearch: {url: https://e, index: falco-*, pagesize: 10}\n',
      '3:55',
      'pagesize',
    ],
    ['preview:\n  events:\n    - elasticsearch: {url: https://e}\n', '3:22', 'index'],
    ['preview:\n  events:\n    - loki: {url: https://l, query: "{}", limit: 0}\n', '3:50', 'limit'],
    ['recorder:\n  namespaces: [Shop]\n', '2:16', 'namespaces'],
  ])('reports %j at %s', (text, position, message) => {
    const { problems } = withConfig(text);
    expect(problems.length).toBeGreaterThan(0);
    const problem = problems[0];
    expect(problem?.ruleId).toBe('chs/config');
    expect(problem?.file).toBe('chs.yaml');
    expect(problem?.message).toContain(message);
    expect(at(text, problem?.range?.start)).toBe(position);
  });
});

describe('effectiveMode', () => {
  it('takes the policy, then the target, then the configuration', () => {
    const { config } = withConfig('mode: monitor\ntargets: [{name: a, mode: block}, {name: b}]\n');
    expect(effectiveMode(config, 'monitor', 'a')).toBe('monitor');
    expect(effectiveMode(config, undefined, 'a')).toBe('block');
    expect(effectiveMode(config, undefined, 'b')).toBe('monitor');
  });
});
