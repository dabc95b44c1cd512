/**
 * The rendered CEL rejects exactly what the local evaluator rejects: PSA's levels (rendered as CEL
 * when labels cannot carry them) and every explicit control, over the corpus's fixtures, as Pods
 * and inside Deployments and CronJobs.
 */
import { describe, expect, it } from 'vitest';
import { evaluateAgainstPolicies } from '../../src/languages/pod-security/evaluate.js';
import { PodSecurityPolicy } from '../../src/languages/pod-security/policy.js';
import type { Controls } from '../../src/languages/pod-security/policy.js';
import { renderPodSecurity } from '../../src/languages/pod-security/render.js';
import type { KubernetesObject } from '../../src/languages/pod-security/render.js';
import { LATEST, parseVersion } from '../../src/languages/pod-security/version.js';
import type { PssLevel } from '../../src/languages/pod-security/version.js';
import { runPolicy } from './cel-harness.js';
import { hasCorpus, loadFixtures } from './fixtures.js';
import type { Fixture } from './fixtures.js';
import { WHY, skipping } from '../helpers/skip.js';

if (!hasCorpus) skipping('the rendered CEL policies against the Pod Security Admission fixtures', WHY.noCorpus);

function policy(
  name: string,
  spec: { level?: PssLevel; version?: string; controls?: Controls },
): PodSecurityPolicy {
  const version = parseVersion(spec.version ?? 'latest') ?? LATEST;
  return new PodSecurityPolicy(
    { apiVersion: 'container-host-security/v1', kind: 'PodSecurity', metadata: { name }, spec },
    version,
  );
}

function vapOf(p: PodSecurityPolicy): KubernetesObject {
  const vap = renderPodSecurity([p], { mode: 'block' }).find((o) => o.kind === 'ValidatingAdmissionPolicy');
  if (!vap) throw new Error(`policy ${p.name} rendered no ValidatingAdmissionPolicy`);
  return vap;
}

function inDeployment(pod: unknown): unknown {
  const p = pod as { metadata?: Record<string, unknown>; spec?: unknown };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'd' },
    spec: { template: { metadata: p.metadata ?? {}, spec: p.spec } },
  };
}

function inCronJob(pod: unknown): unknown {
  const p = pod as { metadata?: Record<string, unknown>; spec?: unknown };
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name: 'c' },
    spec: {
      schedule: '* * * * *',
      jobTemplate: { spec: { template: { metadata: p.metadata ?? {}, spec: p.spec } } },
    },
  };
}

const CONTROL_POLICIES: PodSecurityPolicy[] = [
  policy('non-root', { controls: { runAsNonRoot: true } }),
  policy('no-privileged', { controls: { privileged: false, hostNamespaces: false } }),
  policy('no-escalation', { controls: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true } }),
  policy('caps', { controls: { capabilities: { dropAll: true, allowed: ['NET_BIND_SERVICE', 'CHOWN'] } } }),
  policy('caps-list', { controls: { capabilities: { allowed: ['AUDIT_WRITE', 'CHOWN', 'KILL'] } } }),
  policy('seccomp', {
    controls: {
      seccomp: { required: true, allowedProfiles: ['RuntimeDefault', 'localhost/profiles/audit.json'] },
    },
  }),
  policy('seccomp-any', { controls: { seccomp: { allowedProfiles: ['RuntimeDefault'] } } }),
  policy('apparmor', {
    controls: { appArmor: { required: true, allowedProfiles: ['RuntimeDefault', 'localhost/k8s-nginx'] } },
  }),
  policy('apparmor-list', { controls: { appArmor: { allowedProfiles: ['Localhost', 'localhost/'] } } }),
  policy('ports', { controls: { hostPorts: { allowed: [{ min: 8000, max: 9000 }] } } }),
  policy('no-ports', { controls: { hostPorts: { allowed: [] } } }),
  policy('paths', {
    controls: {
      hostPaths: { allowed: [{ pathPrefix: '/var/log', readOnly: true }, { pathPrefix: '/data' }] },
    },
  }),
  policy('paths-ro', { controls: { hostPaths: { allowed: [{ pathPrefix: '/', readOnly: true }] } } }),
  policy('volumes', {
    controls: { volumes: { allowed: ['configMap', 'secret', 'emptyDir', 'projected', 'downwardAPI'] } },
  }),
  policy('sysctls', { controls: { sysctls: { allowed: ['kernel.shm_rmid_forced', 'net.ipv4.*'] } } }),
  policy('proc', { controls: { procMount: { allowed: ['Default'] } } }),
  policy('selinux', { controls: { seLinux: { allowedTypes: ['container_t', 'container_init_t'] } } }),
  policy('userns', { controls: { userNamespaces: { required: true } } }),
];

describe.skipIf(!hasCorpus)('rendered CEL against the local evaluator', () => {
  const fixtures: Fixture[] = hasCorpus ? loadFixtures() : [];
  const newest = fixtures.filter((f) => f.version === 'v1.37');

  it('the level CEL gives PSA verdicts on every fixture of every version', () => {
    const vaps = new Map<string, KubernetesObject>();
    const wrong: string[] = [];
    for (const f of fixtures) {
      const key = `${f.level}:${f.version}`;
      let vap = vaps.get(key);
      if (!vap) {
        vap = vapOf(policy('level', { level: f.level, version: f.version }));
        vaps.set(key, vap);
      }
      const cel = runPolicy(vap, f.object);
      if (cel.errors.length > 0)
        wrong.push(`${key}/${f.expect}/${f.name}: CEL errors ${cel.errors.join('; ')}`);
      else if (cel.allowed !== (f.expect === 'pass'))
        wrong.push(
          `${key}/${f.expect}/${f.name}: CEL says ${cel.allowed ? 'allowed' : cel.failed.join(', ')}`,
        );
    }
    expect(wrong.slice(0, 10)).toEqual([]);
    expect(wrong).toHaveLength(0);
  });

  it('level and controls: CEL and the local evaluator agree on every fixture of the latest version, as Pods, Deployments and CronJobs', () => {
    const policies = [
      policy('restricted', { level: 'restricted' }),
      policy('baseline', { level: 'baseline' }),
      ...CONTROL_POLICIES,
    ];
    const wrong: string[] = [];
    let rejected = 0;
    let compared = 0;
    for (const p of policies) {
      const vap = vapOf(p);
      for (const f of newest) {
        for (const object of [f.object, inDeployment(f.object), inCronJob(f.object)]) {
          const local = evaluateAgainstPolicies(object, [p], { namespace: 'default' });
          const cel = runPolicy(vap, object);
          compared++;
          if (!local.allowed) rejected++;
          if (cel.errors.length > 0)
            wrong.push(`${p.name} ${f.level}/${f.name}: CEL errors ${cel.errors.join('; ')}`);
          else if (cel.allowed !== local.allowed)
            wrong.push(
              `${p.name} ${f.level}/${f.name}: CEL ${cel.allowed ? 'allows' : 'rejects'}, local ${local.allowed ? 'allows' : 'rejects'} (${local.message}${cel.failed.join(', ')})`,
            );
        }
      }
    }
    expect(wrong.slice(0, 10)).toEqual([]);
    expect(wrong).toHaveLength(0);
    // The comparison means something only if both verdicts occur often.
    expect(rejected).toBeGreaterThan(compared / 10);
    expect(compared - rejected).toBeGreaterThan(compared / 10);
  });
});
