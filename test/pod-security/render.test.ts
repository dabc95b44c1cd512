/** Rendering: namespace labels where a level suffices, admission policies and bindings otherwise; CEL that agrees with the local evaluator. */
import { describe, expect, it } from 'vitest';
import { evaluateAgainstPolicies } from '../../src/languages/pod-security/evaluate.js';
import { PodSecurityPolicy } from '../../src/languages/pod-security/policy.js';
import type { Controls, PolicySpec } from '../../src/languages/pod-security/policy.js';
import { renderPodSecurity } from '../../src/languages/pod-security/render.js';
import { LATEST, parseVersion } from '../../src/languages/pod-security/version.js';
import { runPolicy } from './cel-harness.js';

const policy = (name: string, spec: PolicySpec): PodSecurityPolicy =>
  new PodSecurityPolicy(
    { apiVersion: 'container-host-security/v1', kind: 'PodSecurity', metadata: { name }, spec },
    parseVersion(spec.version ?? 'latest') ?? LATEST,
  );

describe('renderPodSecurity', () => {
  it('renders a level on named namespaces as PSA labels, by mode', () => {
    const objects = renderPodSecurity(
      [
        policy('shop', { level: 'restricted', version: 'v1.30', namespaces: ['shop', 'pay'], mode: 'block' }),
        policy('dev', { level: 'baseline', namespaces: ['dev'] }),
      ],
      { mode: 'monitor' },
    );
    expect(objects).toEqual([
      {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: {
          name: 'dev',
          labels: {
            'pod-security.kubernetes.io/audit': 'baseline',
            'pod-security.kubernetes.io/audit-version': 'latest',
            'pod-security.kubernetes.io/warn': 'baseline',
            'pod-security.kubernetes.io/warn-version': 'latest',
          },
        },
      },
      {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: {
          name: 'pay',
          labels: expect.objectContaining({
            'pod-security.kubernetes.io/enforce': 'restricted',
            'pod-security.kubernetes.io/enforce-version': 'v1.30',
          }) as unknown,
        },
      },
      {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: {
          name: 'shop',
          labels: expect.objectContaining({ 'pod-security.kubernetes.io/enforce': 'restricted' }) as unknown,
        },
      },
    ]);
  });

  it('keeps the stricter level when two policies label one namespace', () => {
    const objects = renderPodSecurity(
      [
        policy('a', { level: 'restricted', namespaces: ['x'] }),
        policy('b', { level: 'baseline', namespaces: ['x'] }),
      ],
      { mode: 'monitor' },
    );
    expect(objects[0]?.metadata.labels?.['pod-security.kubernetes.io/warn']).toBe('restricted');
  });

  it('renders controls and selector levels as a ValidatingAdmissionPolicy and its binding', () => {
    const p = policy('guard', {
      level: 'baseline',
      namespaceSelector: { matchLabels: { team: 'shop' } },
      exemptions: {
        namespaces: ['kube-system'],
        runtimeClassNames: ['gvisor'],
        usernames: ['system:serviceaccount:ci:deployer'],
      },
      controls: { runAsNonRoot: true },
    });
    const [vap, binding] = renderPodSecurity([p], { mode: 'block' });
    expect(vap).toMatchObject({
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicy',
      metadata: { name: 'chs-guard' },
      spec: { failurePolicy: 'Fail' },
    });
    const spec = vap?.spec as { validations: { message: string }[]; matchConditions: { name: string }[] };
    expect(spec.validations.map((v) => v.message)).toContain('guard: runAsNonRoot != true');
    expect(spec.validations.map((v) => v.message)).toContain(
      'violates PodSecurity "baseline:latest": privileged',
    );
    expect(spec.matchConditions.map((c) => c.name)).toEqual(['exempt-runtime-classes', 'exempt-usernames']);
    expect(binding).toEqual({
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicyBinding',
      metadata: { name: 'chs-guard', labels: { 'app.kubernetes.io/managed-by': 'container-host-security' } },
      spec: {
        policyName: 'chs-guard',
        validationActions: ['Deny'],
        matchResources: {
          namespaceSelector: {
            matchLabels: { team: 'shop' },
            matchExpressions: [
              { key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['kube-system'] },
            ],
          },
        },
      },
    });
    const monitor = renderPodSecurity([p], { mode: 'monitor' });
    expect((monitor[1]?.spec as { validationActions: string[] }).validationActions).toEqual([
      'Warn',
      'Audit',
    ]);
    expect((monitor[0]?.spec as { failurePolicy: string }).failurePolicy).toBe('Ignore');
  });

  it('uses the target namespaces for a policy that names none', () => {
    const objects = renderPodSecurity([policy('c', { controls: { privileged: false } })], {
      mode: 'monitor',
      namespaces: ['b', 'a'],
    });
    expect((objects[1]?.spec as { matchResources: unknown }).matchResources).toEqual({
      namespaceSelector: {
        matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['a', 'b'] }],
      },
    });
  });

  it('is deterministic: the same objects in the same order whatever the input order', () => {
    const ps = [
      policy('b', { controls: { privileged: false } }),
      policy('a', { level: 'restricted', namespaces: ['z', 'y'] }),
      policy('c', { level: 'baseline' }),
    ];
    const one = JSON.stringify(renderPodSecurity(ps, { mode: 'monitor' }));
    const two = JSON.stringify(renderPodSecurity([...ps].reverse(), { mode: 'monitor' }));
    expect(one).toBe(two);
    expect(renderPodSecurity(ps, { mode: 'monitor' }).map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'Namespace/y',
      'Namespace/z',
      'ValidatingAdmissionPolicy/chs-b',
      'ValidatingAdmissionPolicyBinding/chs-b',
      'ValidatingAdmissionPolicy/chs-c',
      'ValidatingAdmissionPolicyBinding/chs-c',
    ]);
  });
});

/** Hand-written pods for each control: the local verdict is given, and the rendered CEL must agree. */
const pod = (spec: object, metadata: object = {}): unknown => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', ...metadata },
  spec,
});
const c = (securityContext: object, extra: object = {}): object => ({
  name: 'c',
  image: 'i',
  securityContext,
  ...extra,
});

const cases: { controls: Controls; valid: unknown[]; invalid: unknown[] }[] = [
  {
    controls: { runAsNonRoot: true },
    valid: [
      pod({ securityContext: { runAsNonRoot: true }, containers: [c({})] }),
      pod({ containers: [c({ runAsNonRoot: true })] }),
    ],
    invalid: [
      pod({ containers: [c({})] }),
      pod({ securityContext: { runAsNonRoot: true }, containers: [c({ runAsNonRoot: false })] }),
    ],
  },
  {
    controls: { readOnlyRootFilesystem: true, allowPrivilegeEscalation: false },
    valid: [pod({ containers: [c({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false })] })],
    invalid: [
      pod({ containers: [c({ readOnlyRootFilesystem: true })] }),
      pod({ containers: [c({ allowPrivilegeEscalation: false })] }),
    ],
  },
  {
    controls: { capabilities: { dropAll: true, allowed: ['NET_BIND_SERVICE'] } },
    valid: [pod({ containers: [c({ capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] } })] })],
    invalid: [
      pod({ containers: [c({ capabilities: { drop: ['ALL'], add: ['SYS_ADMIN'] } })] }),
      pod({ containers: [c({ capabilities: { drop: ['NET_RAW'] } })] }),
    ],
  },
  {
    controls: {
      seccomp: { required: true, allowedProfiles: ['RuntimeDefault', 'localhost/profiles/audit.json'] },
    },
    valid: [
      pod({ securityContext: { seccompProfile: { type: 'RuntimeDefault' } }, containers: [c({})] }),
      pod({
        containers: [c({ seccompProfile: { type: 'Localhost', localhostProfile: 'profiles/audit.json' } })],
      }),
    ],
    invalid: [
      pod({ containers: [c({})] }),
      pod({ containers: [c({ seccompProfile: { type: 'Localhost', localhostProfile: 'other.json' } })] }),
      pod({
        securityContext: { seccompProfile: { type: 'RuntimeDefault' } },
        containers: [c({ seccompProfile: { type: 'Unconfined' } })],
      }),
    ],
  },
  {
    controls: { appArmor: { allowedProfiles: ['RuntimeDefault', 'localhost/k8s-nginx'] } },
    valid: [
      pod({ containers: [c({})] }),
      pod({ containers: [c({ appArmorProfile: { type: 'Localhost', localhostProfile: 'k8s-nginx' } })] }),
    ],
    invalid: [pod({ securityContext: { appArmorProfile: { type: 'Unconfined' } }, containers: [c({})] })],
  },
  {
    controls: { hostPorts: { allowed: [{ min: 8000, max: 8080 }] }, hostNamespaces: false },
    valid: [
      pod({ containers: [c({}, { ports: [{ containerPort: 80, hostPort: 8080 }, { containerPort: 81 }] })] }),
    ],
    invalid: [
      pod({ containers: [c({}, { ports: [{ containerPort: 80, hostPort: 80 }] })] }),
      pod({ hostIPC: true, containers: [c({})] }),
    ],
  },
  {
    controls: {
      hostPaths: { allowed: [{ pathPrefix: '/var/log', readOnly: true }, { pathPrefix: '/data/' }] },
    },
    valid: [
      pod({
        volumes: [{ name: 'v', hostPath: { path: '/var/log/app' } }],
        containers: [c({}, { volumeMounts: [{ name: 'v', mountPath: '/l', readOnly: true }] })],
      }),
      pod({
        volumes: [{ name: 'v', hostPath: { path: '/data' } }],
        containers: [c({}, { volumeMounts: [{ name: 'v', mountPath: '/d' }] })],
      }),
    ],
    invalid: [
      pod({
        volumes: [{ name: 'v', hostPath: { path: '/var/log' } }],
        containers: [c({}, { volumeMounts: [{ name: 'v', mountPath: '/l' }] })],
      }),
      pod({ volumes: [{ name: 'v', hostPath: { path: '/var/logs' } }], containers: [c({})] }),
      pod({ volumes: [{ name: 'v', hostPath: { path: '/etc' } }], containers: [c({})] }),
    ],
  },
  {
    controls: { volumes: { allowed: ['configMap', 'emptyDir'] } },
    valid: [pod({ volumes: [{ name: 'a', configMap: { name: 'x' } }, { name: 'b' }], containers: [c({})] })],
    invalid: [pod({ volumes: [{ name: 'a', secret: { secretName: 'x' } }], containers: [c({})] })],
  },
  {
    controls: { sysctls: { allowed: ['kernel.shm_rmid_forced', 'net.ipv4.*'] } },
    valid: [
      pod({
        securityContext: { sysctls: [{ name: 'net.ipv4.tcp_syncookies', value: '1' }] },
        containers: [c({})],
      }),
    ],
    invalid: [
      pod({ securityContext: { sysctls: [{ name: 'kernel.msgmax', value: '1' }] }, containers: [c({})] }),
    ],
  },
  {
    controls: { procMount: { allowed: ['Default'] }, userNamespaces: { required: true } },
    valid: [pod({ hostUsers: false, containers: [c({ procMount: 'Default' })] })],
    invalid: [
      pod({ hostUsers: false, containers: [c({ procMount: 'Unmasked' })] }),
      pod({ containers: [c({})] }),
    ],
  },
  {
    controls: { seLinux: { allowedTypes: ['container_t'] } },
    valid: [
      pod({
        securityContext: { seLinuxOptions: { type: 'container_t', level: 's0:c1' } },
        containers: [c({})],
      }),
    ],
    invalid: [
      pod({ containers: [c({ seLinuxOptions: { type: 'spc_t' } })] }),
      pod({ containers: [c({ seLinuxOptions: { user: 'root' } })] }),
    ],
  },
];

describe('explicit controls: local verdicts, and the same from the rendered CEL', () => {
  cases.forEach((t, i) => {
    const p = policy(`case-${i}`, { controls: t.controls });
    const vap = renderPodSecurity([p], { mode: 'block' })[0];
    it(`${Object.keys(t.controls).join(' + ')}`, () => {
      if (!vap) throw new Error('no policy rendered');
      for (const [objects, allowed] of [
        [t.valid, true],
        [t.invalid, false],
      ] as const) {
        for (const object of objects) {
          const local = evaluateAgainstPolicies(object, [p]);
          expect({ object, allowed: local.allowed }).toEqual({ object, allowed });
          expect({ object, cel: runPolicy(vap, object) }).toMatchObject({
            object,
            cel: { allowed, errors: [] },
          });
        }
      }
    });
  });
});
