/** The pod-security lint rules, through the real runner, each case with rule id, line, column and message. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Language } from '../../src/core/language.js';
import { RuleRegistry } from '../../src/core/registry.js';
import { coreRules } from '../../src/core/rules.js';
import { lint } from '../../src/core/runner.js';
import { podSecurity } from '../../src/languages/pod-security/index.js';
import { podSecurityRules } from '../../src/languages/pod-security/rules/index.js';
import { buildReport } from '../../src/report/positions.js';
import { SourceFile } from '../../src/core/source.js';
import { writeFiles } from '../helpers/tree.js';

const roots: string[] = [];
afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

/** A language that only declares profiles, standing in for the AppArmor and seccomp languages. */
function profilesLanguage(apparmor: string[], seccomp: string[]): Language {
  return {
    kind: 'apparmor',
    defaultPaths: [],
    rules: [],
    sniff: () => false,
    collectFacts(_files, context) {
      for (const name of apparmor) context.facts.apparmorProfiles.set(name, { file: 'policies/apparmor/x' });
      for (const name of seccomp) context.facts.seccompProfiles.set(name, { file: name });
    },
    lint() {},
  };
}

interface Found {
  ruleId: string;
  line: number;
  column: number;
  message: string;
  severity: string;
}

async function lintRepo(
  files: Record<string, string>,
  profiles?: { apparmor: string[]; seccomp: string[] },
): Promise<Found[]> {
  const root = mkdtempSync(join(tmpdir(), 'chs-psa-'));
  roots.push(root);
  writeFiles(root, files);
  const languages: Language[] = profiles
    ? [profilesLanguage(profiles.apparmor, profiles.seccomp), podSecurity]
    : [podSecurity];
  const registry = new RuleRegistry([...coreRules, ...podSecurityRules]);
  const result = await lint({ cwd: root, paths: [], languages, registry });
  expect(result.configProblems).toEqual([]);
  return buildReport(result.diagnostics, result.files, []).diagnostics.map((d) => ({
    ruleId: d.ruleId,
    line: d.line,
    column: d.column,
    message: d.message,
    severity: d.severity,
  }));
}

const P = 'policies/pod-security/p.yaml';
const head = (name = 'p'): string =>
  `apiVersion: container-host-security/v1\nkind: PodSecurity\nmetadata:\n  name: ${name}\n`;

describe('pod-security lint rules', () => {
  it('accepts a valid policy without findings', async () => {
    expect(await lintRepo({ [P]: `${head()}spec:\n  level: restricted\n  namespaces: [shop]\n` })).toEqual(
      [],
    );
  });

  const invalid: { name: string; text: string; expect: Partial<Found>[] }[] = [
    {
      name: 'a bad version',
      text: `${head()}spec:\n  level: baseline\n  version: "1.30"\n`,
      expect: [{ ruleId: 'pod-security/invalid-policy', line: 7, column: 12 }],
    },
    {
      name: 'invalid YAML',
      text: `${head()}spec: [\n`,
      expect: [
        {
          ruleId: 'pod-security/invalid-policy',
          message: expect.stringContaining('invalid YAML'),
        },
      ],
    },
    {
      name: 'a capability listed twice',
      text: `${head()}spec:\n  level: baseline\n  controls:\n    capabilities:\n      allowed: [CHOWN, KILL, CHOWN]\n`,
      expect: [
        {
          ruleId: 'pod-security/invalid-policy',
          line: 9,
          column: 16,
          message: '"spec.controls.capabilities.allowed" lists "CHOWN" more than once: list each value once',
        },
      ],
    },
    {
      // ajv compares every pair of a list whose item type is a $ref: 100,000 items took 13 s.
      name: '100,000 capabilities, wrong and listed twice',
      text: `${head()}spec:\n  level: baseline\n  controls:\n    capabilities:\n      allowed: [${Array.from({ length: 100_000 }, (_, i) => i % 7).join(', ')}]\n`,
      expect: [
        {
          ruleId: 'pod-security/invalid-policy',
          line: 9,
          column: 16,
          message: expect.stringContaining('lists 4 more than once'),
        },
        ...Array.from({ length: 999 }, () => ({ ruleId: 'pod-security/invalid-policy', line: 9 })),
        {
          ruleId: 'chs/more-findings',
          message: expect.stringContaining('99,001 more pod-security/invalid-policy findings'),
        },
      ],
    },
    {
      name: 'another kind of object',
      text: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n',
      expect: [
        {
          ruleId: 'pod-security/invalid-policy',
          line: 2,
          column: 7,
          message: expect.stringContaining('a ConfigMap is not a pod security policy'),
        },
      ],
    },
    {
      name: 'a required profile with an empty allow list',
      text: `${head()}spec:\n  controls:\n    seccomp:\n      required: true\n      allowedProfiles: []\n`,
      expect: [
        {
          ruleId: 'pod-security/contradictory-controls',
          line: 9,
          column: 24,
          message: 'controls.seccomp requires a profile but allows none: no pod can satisfy this policy',
        },
      ],
    },
    {
      name: 'host ports allowed under baseline',
      text: `${head()}spec:\n  level: baseline\n  controls:\n    hostPorts:\n      allowed: [{min: 80, max: 80}]\n`,
      expect: [
        {
          ruleId: 'pod-security/contradictory-controls',
          line: 9,
          column: 16,
          message:
            'controls.hostPorts allows host ports, but level baseline forbids it: the control has no effect',
        },
      ],
    },
    {
      name: 'an empty port range',
      text: `${head()}spec:\n  controls:\n    hostPorts:\n      allowed:\n        - {min: 90, max: 80}\n`,
      expect: [{ ruleId: 'pod-security/contradictory-controls', line: 9, column: 11 }],
    },
    {
      name: 'host paths without the hostPath volume type',
      text: `${head()}spec:\n  controls:\n    volumes: {allowed: [secret]}\n    hostPaths: {allowed: [{pathPrefix: /var/log}]}\n`,
      expect: [{ ruleId: 'pod-security/contradictory-controls', line: 8, column: 5 }],
    },
    {
      name: 'an empty namespace list',
      text: `${head()}spec:\n  level: baseline\n  namespaces: []\n`,
      expect: [
        {
          ruleId: 'pod-security/no-matching-namespace',
          line: 7,
          column: 15,
          message: 'spec.namespaces is empty: the policy applies to no namespace',
        },
      ],
    },
    {
      name: 'every namespace exempted',
      text: `${head()}spec:\n  level: baseline\n  namespaces: [a]\n  exemptions: {namespaces: [a]}\n`,
      expect: [{ ruleId: 'pod-security/no-matching-namespace', line: 8, column: 28 }],
    },
    {
      name: 'a selector that matches nothing',
      text: `${head()}spec:\n  level: baseline\n  namespaceSelector:\n    matchExpressions:\n      - {key: team, operator: In, values: []}\n`,
      expect: [{ ruleId: 'pod-security/no-matching-namespace', line: 9, column: 9 }],
    },
    {
      name: 'block mode on every namespace',
      text: `${head()}spec:\n  mode: block\n  level: baseline\n`,
      expect: [
        {
          ruleId: 'pod-security/block-kube-system',
          line: 6,
          column: 9,
          message:
            'block mode on every namespace, kube-system included: exempt kube-system or name the namespaces',
        },
      ],
    },
    {
      name: 'block mode on kube-system by name',
      text: `${head()}spec:\n  mode: block\n  level: baseline\n  namespaces: [kube-system, shop]\n`,
      expect: [{ ruleId: 'pod-security/block-kube-system', line: 8, column: 15 }],
    },
  ];

  for (const c of invalid) {
    it(`reports ${c.name}`, async () => {
      const found = await lintRepo({ [P]: c.text });
      expect(found).toHaveLength(c.expect.length);
      found.forEach((f, i) => expect(f).toMatchObject(c.expect[i] as Found));
    });
  }

  it('reports a misspelt key once, with did-you-mean', async () => {
    const found = await lintRepo({ [P]: `${head()}spec:\n  levle: restricted\n  namespaces: [a]\n` });
    expect(found).toMatchObject([
      {
        ruleId: 'pod-security/invalid-policy',
        line: 6,
        column: 3,
        message: 'unknown key "levle" in "spec"; did you mean "level"?',
      },
    ]);
    const nothing = await lintRepo({ [P]: `${head()}spec:\n  namespaces: [a]\n` });
    expect(nothing).toMatchObject([
      {
        ruleId: 'pod-security/invalid-policy',
        line: 5,
        column: 1,
        message: 'the policy sets neither spec.level nor spec.controls: it checks nothing',
      },
    ]);
  });

  it('says "did you mean" for a misspelt key', async () => {
    const [found] = await lintRepo({ [P]: `${head()}spec:\n  level: baseline\n  namespace: [a]\n` });
    expect(found?.message).toContain('namespaces');
  });

  it('does not report block mode when kube-system is exempt, or in monitor mode', async () => {
    expect(
      await lintRepo({
        [P]: `${head()}spec:\n  mode: block\n  level: baseline\n  exemptions: {namespaces: [kube-system]}\n`,
      }),
    ).toEqual([]);
    expect(await lintRepo({ [P]: `${head()}spec:\n  level: baseline\n` })).toEqual([]);
  });

  it('takes the mode and namespaces of the targets into account', async () => {
    const chs = 'version: 1\ntargets:\n  - name: prod\n    namespaces: [shop]\n    mode: block\n';
    // Block through the target, but only on its namespaces: no kube-system.
    expect(await lintRepo({ 'chs.yaml': chs, [P]: `${head()}spec:\n  level: baseline\n` })).toEqual([]);
    const found = await lintRepo({
      'chs.yaml': chs,
      [P]: `${head()}spec:\n  level: baseline\n  namespaces: [billing]\n`,
    });
    expect(found).toMatchObject([
      {
        ruleId: 'pod-security/no-matching-namespace',
        line: 7,
        message: 'none of the namespaces billing is in a target of chs.yaml (targets cover shop)',
      },
    ]);
  });

  // Where the policy applies is scopeOf's answer (the one render binds): the rule says why it
  // applies to no namespace of its targets, and nothing where it applies to one.
  const targets = 'version: 1\ntargets:\n  - name: prod\n    namespaces: [shop, payments]\n';
  it.each([
    {
      name: "its only namespace is chs's own",
      spec: '  namespaces: [container-host-security]\n',
      expect: {
        line: 7,
        column: 15,
        message:
          "the policy applies to no namespace of its targets (container-host-security is chs's own namespace, where the profile loader runs privileged): name the namespaces of the workloads it is for",
      },
    },
    {
      name: 'its namespace in a target is exempted, the other in no target',
      spec: '  namespaces: [shop, billing]\n  exemptions: {namespaces: [shop]}\n',
      expect: {
        line: 7,
        column: 15,
        message:
          'the policy applies to no namespace of its targets (shop is exempted; billing is in no target): name the namespaces of the workloads it is for',
      },
    },
    {
      name: 'no namespaces named and every namespace of the targets exempted',
      spec: '  exemptions: {namespaces: [payments, shop]}\n',
      expect: {
        line: 7,
        column: 28,
        message:
          'the policy applies to no namespace of its targets (shop is exempted; payments is exempted): name the namespaces of the workloads it is for',
      },
    },
    {
      name: 'every namespace it names exempted',
      spec: '  namespaces: [shop]\n  exemptions: {namespaces: [shop]}\n',
      expect: { line: 8, column: 28, message: 'every namespace the policy names is also exempted' },
    },
    { name: 'one namespace in a target', spec: '  namespaces: [billing, shop]\n', expect: undefined },
    {
      name: "the targets' namespaces but one",
      spec: '  exemptions: {namespaces: [shop]}\n',
      expect: undefined,
    },
    {
      name: "chs's own namespace and one in a target",
      spec: '  namespaces: [container-host-security, payments]\n',
      expect: undefined,
    },
    {
      name: "its only namespace is chs's own, without targets",
      config: 'version: 1\n',
      spec: '  namespaces: [container-host-security]\n',
      expect: {
        line: 7,
        column: 15,
        message:
          "the policy applies to no namespace of its targets (container-host-security is chs's own namespace, where the profile loader runs privileged): name the namespaces of the workloads it is for",
      },
    },
  ])('with targets: $name', async ({ spec, expect: expected, ...rest }) => {
    const config = 'config' in rest ? rest.config : targets;
    const found = await lintRepo({ 'chs.yaml': config, [P]: `${head()}spec:\n  level: baseline\n${spec}` });
    expect(found).toEqual(
      expected ? [{ ruleId: 'pod-security/no-matching-namespace', severity: 'warning', ...expected }] : [],
    );
  });

  it('reports block mode on kube-system where a target with an empty namespace list binds it (every namespace)', async () => {
    const chs = 'version: 1\ntargets:\n  - name: prod\n    namespaces: []\n    mode: block\n';
    const found = await lintRepo({ 'chs.yaml': chs, [P]: `${head()}spec:\n  level: baseline\n` });
    expect(found).toEqual([
      {
        ruleId: 'pod-security/block-kube-system',
        line: 6,
        column: 3,
        severity: 'error',
        message:
          'block mode on every namespace, kube-system included: exempt kube-system or name the namespaces',
      },
    ]);
  });

  it('reports two policies with one name', async () => {
    const found = await lintRepo({
      'policies/pod-security/a.yaml': `${head('same')}spec:\n  level: baseline\n  namespaces: [a]\n`,
      'policies/pod-security/b.yaml': `${head('same')}spec:\n  level: baseline\n  namespaces: [b]\n`,
    });
    expect(found).toMatchObject([
      {
        ruleId: 'pod-security/duplicate-policy',
        line: 4,
        column: 9,
        message: 'a policy named "same" is already defined in policies/pod-security/a.yaml',
      },
    ]);
  });

  const profiles = `${head()}spec:\n  namespaces: [shop]\n  controls:\n    appArmor:\n      allowedProfiles: [localhost/k8s-ngnix]\n    seccomp:\n      allowedProfiles: [localhost/profiles/audit.json, RuntimeDefault]\n`;

  it('reports profiles the repository does not define, with did-you-mean', async () => {
    const found = await lintRepo(
      { [P]: profiles },
      { apparmor: ['k8s-nginx'], seccomp: ['profiles/other.json'] },
    );
    expect(found).toMatchObject([
      {
        ruleId: 'pod-security/unknown-apparmor-profile',
        line: 9,
        column: 25,
        message: 'no AppArmor profile of the repository is named "k8s-ngnix"; did you mean "k8s-nginx"?',
      },
      { ruleId: 'pod-security/unknown-seccomp-profile', line: 11, column: 25 },
    ]);
  });

  it('stays silent about profiles when the repository defines none of that kind', async () => {
    expect(await lintRepo({ [P]: profiles })).toEqual([]);
  });

  it.each([
    // The path the loader installs the profile at.
    ['container-host-security/profiles__audit.json', undefined, undefined],
    // Its path in the repository, or a tail of it: pods would be rejected or find no file.
    [
      'profiles/audit.json',
      undefined,
      '"localhost/profiles/audit.json" is not where pods find policies/seccomp/profiles/audit.json: pods name it "container-host-security/profiles__audit.json" on target default; allow "localhost/container-host-security/profiles__audit.json"',
    ],
    [
      'policies/seccomp/profiles/audit.json',
      undefined,
      '"localhost/policies/seccomp/profiles/audit.json" is not where pods find policies/seccomp/profiles/audit.json: pods name it "container-host-security/profiles__audit.json" on target default; allow "localhost/container-host-security/profiles__audit.json"',
    ],
    // Through the operator, by the version the target declares.
    ['operator/profiles-audit.json', 'delivery: security-profiles-operator', undefined],
    [
      'container-host-security/profiles__audit.json',
      'delivery: security-profiles-operator',
      '"localhost/container-host-security/profiles__audit.json" is not where pods find policies/seccomp/profiles/audit.json: pods name it "operator/profiles-audit.json" on target default; allow "localhost/operator/profiles-audit.json"',
    ],
    [
      'operator/shop/profiles-audit.json',
      'delivery: security-profiles-operator\n    operatorVersion: 0.8.4',
      undefined,
    ],
    [
      'operator/profiles-audit.json',
      'delivery: security-profiles-operator\n    operatorVersion: 0.8.4',
      '"localhost/operator/profiles-audit.json" is not where pods find policies/seccomp/profiles/audit.json: pods name it "operator/shop/profiles-audit.json" on target default; allow "localhost/operator/shop/profiles-audit.json"',
    ],
  ])('allowed seccomp profile localhost/%s with %s', async (path, delivery, message) => {
    const chs = `targets:\n  - name: default\n    namespaces: [shop]\n${delivery ? `    ${delivery}\n` : ''}`;
    const found = await lintRepo(
      { 'chs.yaml': chs, [P]: profiles.replace('localhost/profiles/audit.json', `localhost/${path}`) },
      { apparmor: ['k8s-ngnix'], seccomp: ['policies/seccomp/profiles/audit.json'] },
    );
    expect(found).toEqual(
      message
        ? [
            {
              ruleId: 'pod-security/unknown-seccomp-profile',
              line: 11,
              column: 25,
              message,
              severity: 'error',
            },
          ]
        : [],
    );
  });

  it('translates a legacy PodSecurityPolicy and reports what it cannot carry', async () => {
    const psp = [
      'apiVersion: policy/v1beta1',
      'kind: PodSecurityPolicy',
      'metadata:',
      '  name: old.restricted',
      '  annotations:',
      '    seccomp.security.alpha.kubernetes.io/allowedProfileNames: runtime/default',
      '    seccomp.security.alpha.kubernetes.io/defaultProfileName: runtime/default',
      'spec:',
      '  privileged: false',
      '  defaultAddCapabilities: [CHOWN]',
      '  requiredDropCapabilities: [ALL]',
      '  allowPrivilegeEscalation: false',
      '  volumes: [configMap, secret]',
      '  runAsUser: {rule: MustRunAsNonRoot}',
      '  seLinux: {rule: MustRunAs, seLinuxOptions: {type: container_t}}',
      '  fsGroup: {rule: MustRunAs, ranges: [{min: 1, max: 2}]}',
      '',
    ].join('\n');
    const found = await lintRepo({ [P]: psp });
    expect(found.map((f) => [f.ruleId, f.line, f.severity])).toEqual([
      ['pod-security/legacy-policy', 2, 'info'],
      ['pod-security/legacy-field', 7, 'warning'],
      ['pod-security/legacy-field', 10, 'warning'],
      ['pod-security/legacy-field', 15, 'warning'],
      ['pod-security/legacy-field', 16, 'warning'],
    ]);
    expect(found[0]?.message).toContain('closest Pod Security Standards level: baseline');
  });

  it('recognises its files by content outside the layout', () => {
    const sniff = (path: string, text: string): boolean => podSecurity.sniff(new SourceFile(path, text));
    expect(sniff('x.yaml', `${head()}spec: {level: baseline}\n`)).toBe(true);
    expect(sniff('x.yml', 'apiVersion: policy/v1beta1\nkind: PodSecurityPolicy # legacy\n')).toBe(true);
    expect(sniff('x.json', '{"apiVersion": "container-host-security/v1", "kind": "PodSecurity"}')).toBe(true);
    expect(sniff('x.yaml', 'kind: Pod\n')).toBe(false);
    expect(sniff('x.txt', 'kind: PodSecurity\n')).toBe(false);
  });

  it('documents every rule', () => {
    for (const rule of podSecurityRules) {
      expect(rule.meta.id.startsWith('pod-security/')).toBe(true);
      expect(rule.meta.docs.rationale.length).toBeGreaterThan(60);
      expect(rule.meta.description.length).toBeGreaterThan(20);
    }
    const ids = podSecurityRules.map((r) => r.meta.id);
    expect(ids).toEqual([...ids].sort());
  });
});
