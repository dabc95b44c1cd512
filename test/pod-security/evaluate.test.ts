/** Evaluating Pods and workloads: where each kind keeps its pod, PSA's words, versions. */
import { describe, expect, it } from 'vitest';
import { MAX_MINOR, checksFor } from '../../src/languages/pod-security/checks/index.js';
import { evaluateAgainstPolicies, evaluatePodSecurity } from '../../src/languages/pod-security/evaluate.js';
import { PodSecurityPolicy } from '../../src/languages/pod-security/policy.js';
import type { PolicySpec } from '../../src/languages/pod-security/policy.js';
import { LATEST, parseVersion } from '../../src/languages/pod-security/version.js';

const rootSpec = { containers: [{ name: 'app', image: 'nginx' }] };
const template = { metadata: { labels: { app: 'x' } }, spec: rootSpec };

const workloads: [string, unknown, string][] = [
  [
    'Pod',
    { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web' }, spec: rootSpec },
    'pods "web" is forbidden: violates PodSecurity',
  ],
  [
    'Deployment',
    { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { template } },
    'would violate PodSecurity',
  ],
  [
    'ReplicaSet',
    { kind: 'ReplicaSet', metadata: { name: 'web' }, spec: { template } },
    'would violate PodSecurity',
  ],
  [
    'StatefulSet',
    { kind: 'StatefulSet', metadata: { name: 'web' }, spec: { template } },
    'would violate PodSecurity',
  ],
  [
    'DaemonSet',
    { kind: 'DaemonSet', metadata: { name: 'web' }, spec: { template } },
    'would violate PodSecurity',
  ],
  ['Job', { kind: 'Job', metadata: { name: 'web' }, spec: { template } }, 'would violate PodSecurity'],
  [
    'CronJob',
    { kind: 'CronJob', metadata: { name: 'web' }, spec: { jobTemplate: { spec: { template } } } },
    'would violate PodSecurity',
  ],
];

describe('evaluatePodSecurity', () => {
  for (const [kind, object, prefix] of workloads) {
    it(`finds the pod of a ${kind} and words the verdict as the API server does`, () => {
      const result = evaluatePodSecurity(object, { level: 'restricted', version: 'latest' });
      expect(result.allowed).toBe(false);
      expect(
        result.message.startsWith(
          `${prefix} "restricted:latest": allowPrivilegeEscalation != false (container "app" must set securityContext.allowPrivilegeEscalation=false), unrestricted capabilities`,
        ),
      ).toBe(true);
      expect(result.violations.map((v) => v.check)).toEqual([
        'allowPrivilegeEscalation',
        'capabilities_restricted',
        'runAsNonRoot',
        'seccompProfile_restricted',
      ]);
      expect(evaluatePodSecurity(object, { level: 'baseline' }).allowed).toBe(true);
    });
  }

  it('checks init and ephemeral containers too, in PSA order', () => {
    const pod = {
      kind: 'Pod',
      metadata: { name: 'p' },
      spec: {
        initContainers: [{ name: 'init', securityContext: { privileged: true } }],
        containers: [{ name: 'app' }],
        ephemeralContainers: [{ name: 'debug', securityContext: { privileged: true } }],
      },
    };
    expect(evaluatePodSecurity(pod, { level: 'baseline' }).message).toBe(
      'pods "p" is forbidden: violates PodSecurity "baseline:latest": privileged (containers "init", "debug" must not set securityContext.privileged=true)',
    );
  });

  it('joins several violations as PSA does, reasons with their details', () => {
    const pod = {
      kind: 'Pod',
      metadata: { name: 'p' },
      spec: {
        hostNetwork: true,
        hostPID: true,
        containers: [
          {
            name: 'c',
            ports: [
              { containerPort: 80, hostPort: 80 },
              { containerPort: 9, hostPort: 9 },
            ],
          },
        ],
      },
    };
    expect(evaluatePodSecurity(pod, { level: 'baseline', version: 'v1.30' }).message).toBe(
      'pods "p" is forbidden: violates PodSecurity "baseline:v1.30": host namespaces (hostNetwork=true, hostPID=true), hostPort (container "c" uses hostPorts 80, 9)',
    );
  });

  it('applies each check from the version that introduced it', () => {
    const pod = {
      kind: 'Pod',
      metadata: { name: 'p' },
      spec: { containers: [{ name: 'c', livenessProbe: { httpGet: { host: 'evil', port: 80 } } }] },
    };
    expect(evaluatePodSecurity(pod, { level: 'baseline', version: 'v1.33' }).allowed).toBe(true);
    expect(evaluatePodSecurity(pod, { level: 'baseline', version: 'v1.34' }).message).toContain(
      'probe or lifecycle host (container "c" uses probe or lifecycle host "evil")',
    );
    const sysctl = {
      kind: 'Pod',
      metadata: { name: 'p' },
      spec: {
        securityContext: { sysctls: [{ name: 'net.ipv4.tcp_rmem', value: '1' }] },
        containers: [{ name: 'c' }],
      },
    };
    expect(evaluatePodSecurity(sysctl, { level: 'baseline', version: 'v1.31' }).allowed).toBe(false);
    expect(evaluatePodSecurity(sysctl, { level: 'baseline', version: 'v1.32' }).allowed).toBe(true);
  });

  it('reads versions as PSA labels do', () => {
    expect(parseVersion('v1.30')).toEqual({ minor: 30, text: 'v1.30' });
    expect(parseVersion('latest')).toBe(LATEST);
    for (const bad of ['1.30', 'v2.0', 'v1.030', 'v1', 'Latest', ''])
      expect(parseVersion(bad)).toBeUndefined();
    expect(() => evaluatePodSecurity(workloads[0]?.[1], { level: 'baseline', version: 'v1' })).toThrow(
      /invalid/,
    );
    // A version newer than any check behaves as the newest.
    expect(checksFor('restricted', 99)).toBe(checksFor('restricted', MAX_MINOR));
  });

  it('lets everything through at the privileged level, and ignores objects without pods', () => {
    const pod = {
      kind: 'Pod',
      metadata: { name: 'p' },
      spec: { hostNetwork: true, containers: [{ name: 'c', securityContext: { privileged: true } }] },
    };
    expect(evaluatePodSecurity(pod, { level: 'privileged' })).toMatchObject({
      allowed: true,
      message: '',
      violations: [],
    });
    expect(
      evaluatePodSecurity({ kind: 'Service', metadata: { name: 's' } }, { level: 'restricted' }).allowed,
    ).toBe(true);
  });

  it('keeps the message when a result is written as JSON', () => {
    const result = evaluatePodSecurity(workloads[0]?.[1], { level: 'restricted' });
    const json = JSON.parse(JSON.stringify(result)) as {
      allowed: boolean;
      message: string;
      violations: unknown[];
    };
    expect(json).toEqual({ allowed: false, message: result.message, violations: result.violations });
    expect(json.message).toContain('violates PodSecurity');
  });

  it('does not crash on malformed objects', () => {
    for (const bad of [
      null,
      42,
      'x',
      [],
      { kind: 'Pod' },
      { kind: 'Pod', spec: { containers: 'nope', volumes: [null, 3], securityContext: [] } },
      { kind: 'Deployment', spec: { template: 5 } },
    ]) {
      expect(() => evaluatePodSecurity(bad, { level: 'restricted' })).not.toThrow();
    }
  });
});

describe('evaluateAgainstPolicies', () => {
  const policy = (name: string, spec: PolicySpec): PodSecurityPolicy =>
    new PodSecurityPolicy(
      { apiVersion: 'container-host-security/v1', kind: 'PodSecurity', metadata: { name }, spec },
      parseVersion(spec.version ?? 'latest') ?? LATEST,
    );
  const pod = {
    kind: 'Pod',
    metadata: { name: 'p', namespace: 'shop' },
    spec: {
      runtimeClassName: 'gvisor',
      containers: [{ name: 'c', securityContext: { runAsNonRoot: false } }],
    },
  };

  it('applies only the policies of the namespace, minus exemptions', () => {
    const policies = [
      policy('shop', { namespaces: ['shop'], controls: { runAsNonRoot: true } }),
      policy('other', { namespaces: ['other'], controls: { runAsNonRoot: true } }),
      policy('exempt', { level: 'restricted', exemptions: { runtimeClassNames: ['gvisor'] } }),
      policy('selector', {
        namespaceSelector: { matchLabels: { team: 'a' } },
        controls: { readOnlyRootFilesystem: true },
      }),
    ];
    const result = evaluateAgainstPolicies(pod, policies);
    expect(result.violations.map((v) => v.check)).toEqual(['shop/runAsNonRoot']);
    expect(result.message).toBe(
      `pods "p" is forbidden: ValidatingAdmissionPolicy 'chs-shop' with binding 'chs-shop' denied request: runAsNonRoot != true (container "c" must set securityContext.runAsNonRoot=true, or the pod must)`,
    );
    const labelled = evaluateAgainstPolicies(pod, policies, { namespaceLabels: { team: 'a' } });
    expect(labelled.violations.map((v) => v.check)).toEqual([
      'shop/runAsNonRoot',
      'selector/readOnlyRootFilesystem',
    ]);
  });

  it('speaks as PSA for a policy level', () => {
    const result = evaluateAgainstPolicies(pod, [policy('base', { level: 'restricted', version: 'v1.25' })]);
    expect(
      result.message.startsWith('pods "p" is forbidden: violates PodSecurity "restricted:v1.25": '),
    ).toBe(true);
  });
});
