import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/core/config.js';
import type { Config } from '../../src/core/config.js';
import { isRemoteEventSource, steeringFromBase } from '../../src/core/steering.js';

const BASE_ROOT = '/tmp/chs-base-1/tree';
const HEAD_ROOT = '/builds/group/policies';

function sides(edit: (base: Config, head: Config) => void): { base: Config; head: Config } {
  const base = defaultConfig(BASE_ROOT);
  const head = defaultConfig(HEAD_ROOT);
  edit(base, head);
  return { base, head };
}

/** A Loki source as the events branch writes it (the type here is still files and globs). */
const loki = (url: string): string => ({ loki: { url, tokenEnv: 'LOKI_TOKEN' } }) as unknown as string;

describe('steeringFromBase', () => {
  it('changes nothing when the head keeps the steering settings', () => {
    const { base, head } = sides((b, h) => {
      for (const c of [b, h]) c.falco.baseline = ['vendor/falco_rules.yaml'];
      h.mode = 'block';
      h.rules = { 'falco/unused-macro': 'off' };
    });
    const { config, changes } = steeringFromBase(base, head);
    expect(changes).toEqual([]);
    expect(config).toEqual(head);
  });

  it.each([
    [
      "include roots: the base's, moved to the head's checkout",
      (b: Config, h: Config) => {
        b.apparmor.includeDirs = [`${BASE_ROOT}/includes`, '/opt/abstractions'];
        h.apparmor.includeDirs = ['/'];
      },
      (c: Config) => expect(c.apparmor.includeDirs).toEqual([`${HEAD_ROOT}/includes`, '/opt/abstractions']),
      [{ setting: 'apparmor.includeDirs', base: '["includes","/opt/abstractions"]', head: '["/"]' }],
    ],
    [
      'baselines',
      (b: Config, h: Config) => {
        b.falco.baseline = ['vendor/*.yaml'];
        h.falco.baseline = ['/etc/*'];
      },
      (c: Config) => expect(c.falco.baseline).toEqual(['vendor/*.yaml']),
      [{ setting: 'falco.baseline', base: '["vendor/*.yaml"]', head: '["/etc/*"]' }],
    ],
    [
      'the token variable',
      (_b: Config, h: Config) => {
        h.gitlab.tokenVariable = 'DEPLOY_TOKEN';
      },
      (c: Config) => expect(c.gitlab.tokenVariable).toBe('CHS_GITLAB_TOKEN'),
      [{ setting: 'gitlab.tokenVariable', base: '"CHS_GITLAB_TOKEN"', head: '"DEPLOY_TOKEN"' }],
    ],
    [
      'the cluster management project, removed by the head',
      (b: Config) => {
        b.clusterManagementProject = { project: 'group/cmp', directory: 'apps/chs' };
      },
      (c: Config) =>
        expect(c.clusterManagementProject).toEqual({ project: 'group/cmp', directory: 'apps/chs' }),
      [{ setting: 'clusterManagementProject', base: '{"project":"group/cmp","directory":"apps/chs"}' }],
    ],
    [
      "a target's context and kubeconfig; its namespaces and mode are the head's",
      (b: Config, h: Config) => {
        b.targets = [{ name: 'prod', kubeContext: 'g/a:prod', namespaces: ['shop'], mode: 'monitor' }];
        h.targets = [
          {
            name: 'prod',
            kubeContext: 'evil',
            kubeconfig: '/tmp/k',
            namespaces: ['shop', 'pay'],
            mode: 'block',
          },
        ];
      },
      (c: Config) =>
        expect(c.targets).toEqual([
          { name: 'prod', kubeContext: 'g/a:prod', namespaces: ['shop', 'pay'], mode: 'block' },
        ]),
      [
        { setting: 'targets[prod].kubeContext', base: '"g/a:prod"', head: '"evil"' },
        { setting: 'targets[prod].kubeconfig', head: '"/tmp/k"' },
      ],
    ],
    [
      'a target only the head has: reached by nothing',
      (_b: Config, h: Config) => {
        h.targets = [{ name: 'new', kubeContext: 'evil', via: 'cluster-management-project' }];
      },
      (c: Config) => expect(c.targets).toEqual([{ name: 'new' }]),
      [
        { setting: 'targets[new].kubeContext', head: '"evil"' },
        { setting: 'targets[new].via', head: '"cluster-management-project"' },
      ],
    ],
    [
      "event sources: the head's files, the base's stores",
      (b: Config, h: Config) => {
        b.preview.events = ['events/*.jsonl', loki('https://loki.internal')];
        h.preview.events = ['events/more/*.jsonl', loki('https://attacker.example')];
      },
      (c: Config) => expect(c.preview.events).toEqual(['events/more/*.jsonl', loki('https://loki.internal')]),
      [
        {
          setting: 'preview.events[loki]',
          base: '{"loki":{"url":"https://loki.internal","tokenEnv":"LOKI_TOKEN"}}',
          head: '{"loki":{"url":"https://attacker.example","tokenEnv":"LOKI_TOKEN"}}',
        },
      ],
    ],
    [
      'an event source only the head adds',
      (_b: Config, h: Config) => {
        h.preview.events = [loki('https://attacker.example')];
      },
      (c: Config) => expect(c.preview.events).toEqual([]),
      [
        {
          setting: 'preview.events[loki]',
          head: '{"loki":{"url":"https://attacker.example","tokenEnv":"LOKI_TOKEN"}}',
        },
      ],
    ],
  ])('takes %s from the base', (_what, edit, check, changes) => {
    const { base, head } = sides(edit);
    const before = structuredClone(head);
    const trusted = steeringFromBase(base, head);
    check(trusted.config);
    expect(trusted.changes).toEqual(changes);
    // The head's own configuration is left as it was.
    expect(head).toEqual(before);
  });

  it('tells files and globs from sources reached over the network', () => {
    expect(isRemoteEventSource('events/*.jsonl')).toBe(false);
    expect(isRemoteEventSource({ elasticsearch: { url: 'https://es' } })).toBe(true);
  });
});
