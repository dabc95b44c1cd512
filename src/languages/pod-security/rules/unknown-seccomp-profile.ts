import type { Config, TargetConfig } from '../../../core/config.js';
import { seccompLocalhostPaths } from '../../../core/delivery.js';
import { didYouMeanSuffix } from '../../../core/did-you-mean.js';
import { defineRule } from '../../../core/rule.js';
import { rangeAt } from '../../../core/yaml.js';
import type { PodSecurityPolicy } from '../policy.js';
import type { PolicyCheckContext } from './context.js';
import { policy } from './examples.js';

export const unknownSeccompProfile = defineRule({
  meta: {
    id: 'pod-security/unknown-seccomp-profile',
    severity: 'error',
    type: 'problem',
    description:
      'A policy allows or requires a seccomp profile `localhost/<path>` that is not where the nodes of its targets hold a profile of the repository.',
    remediation:
      'Allow the path the message names: the path the target installs the profile at (`container-host-security/<name>` with the loader, `operator/<name>.json` through the Security Profiles Operator; docs/delivery.md), or add the profile to the repository.',
    docs: {
      rationale: [
        "A `localhost/<path>` seccomp profile is a file under the kubelet's seccomp directory, and a pod names it by",
        "that path. chs installs the repository's profiles at one path per target (docs/delivery.md): with the",
        'loader, `policies/seccomp/api.json` is `container-host-security/api.json`; through the Security Profiles',
        "Operator it is `operator/api.json` (`operator/NAMESPACE/api.json` before the operator's v0.9.0). A policy",
        'that allows another path rejects the pods that use the installed profile, and allows a path no node has.',
        'The message says which path pods must name. When the repository defines no seccomp profile at all, it does',
        'not manage seccomp through chs, and this rule stays silent.',
      ].join(' '),
      bad: [
        {
          path: 'policies/seccomp/web.json',
          text: `{
  "defaultAction": "SCMP_ACT_ALLOW",
  "syscalls": [
    { "names": ["ptrace", "kexec_load"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1 }
  ]
}
`,
        },
        {
          path: 'policies/pod-security/web-seccomp.yaml',
          text: `apiVersion: container-host-security/v1
kind: PodSecurity
metadata:
  name: web-seccomp
spec:
  namespaces: [shop]
  controls:
    seccomp:
      required: true
      allowedProfiles: [RuntimeDefault, localhost/policies/seccomp/web.json]
`,
        },
      ],
      good: [
        {
          path: 'policies/seccomp/web.json',
          text: `{
  "defaultAction": "SCMP_ACT_ALLOW",
  "syscalls": [
    { "names": ["ptrace", "kexec_load"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1 }
  ]
}
`,
        },
        {
          path: 'policies/pod-security/web-seccomp.yaml',
          text: policy(
            `  namespaces: [shop]
  controls:
    seccomp:
      required: true
      allowedProfiles: [RuntimeDefault, localhost/container-host-security/web.json]
`,
            'web-seccomp',
          ),
        },
      ],
    },
  },
  messages: {
    unknown: 'no seccomp profile of the repository is at "{{name}}"{{hint}}',
    wrongPath:
      '"localhost/{{name}}" is not where pods find {{file}}: pods name it "{{path}}"{{where}}; allow "localhost/{{path}}"',
  },
  check: checkSeccompProfiles,
});

/** The targets a policy reaches: those whose namespaces it shares (a side that names none shares all). */
function reachedTargets(policy: PodSecurityPolicy, config: Config): TargetConfig[] {
  const own = policy.spec.namespaces;
  const reached = config.targets.filter(
    (t) => !own || !t.namespaces || t.namespaces.length === 0 || t.namespaces.some((n) => own.includes(n)),
  );
  return reached.length > 0 ? reached : config.targets;
}

/**
 * Whether a path loosely names a repository profile: its repository path or a tail of it, or the
 * path another delivery would install it at (a target's delivery changed, a path copied from a
 * pod of another cluster).
 */
function namesLoosely(
  written: string,
  repoPath: string,
  config: Config,
  targets: readonly TargetConfig[],
): boolean {
  const tail = (a: string, b: string): boolean => a === b || a.endsWith(`/${b}`);
  const elsewhere = targets.flatMap((t) =>
    (
      [
        { ...t, delivery: 'loader' },
        { ...t, delivery: 'security-profiles-operator', operatorVersion: '0.8.4' },
        { ...t, delivery: 'security-profiles-operator', operatorVersion: '0.9.0' },
      ] as const
    ).flatMap((other) => seccompLocalhostPaths(config, other, repoPath).map((p) => p.path)),
  );
  return (
    tail(repoPath, written) ||
    tail(written, repoPath) ||
    elsewhere.some((p) => tail(p, written) || tail(written, p))
  );
}

/**
 * Reports `localhost/` profiles that are not where the policy's targets install a repository
 * profile: a path that names a profile another way gets the path pods must name.
 */
function checkSeccompProfiles({ policy, facts, config, report }: PolicyCheckContext): void {
  const profiles = facts.seccompProfiles;
  if (!policy.file || profiles.size === 0) return;
  const targets = reachedTargets(policy, config);
  // Installed path -> the targets that install it, per repository profile.
  const installed = new Map<string, { repoPath: string; targets: string[] }>();
  const byProfile = new Map<string, string[]>();
  for (const repoPath of profiles.keys()) {
    for (const target of targets) {
      for (const { path } of seccompLocalhostPaths(config, target, repoPath)) {
        const entry = installed.get(path) ?? { repoPath, targets: [] };
        entry.targets.push(target.name);
        installed.set(path, entry);
        byProfile.set(repoPath, [...new Set([...(byProfile.get(repoPath) ?? []), path])]);
      }
    }
  }
  policy.controls.seccomp?.allowedProfiles?.forEach((profile, i) => {
    if (!profile.startsWith('localhost/')) return;
    const name = profile.slice('localhost/'.length);
    if (installed.has(name)) return;
    const range = rangeAt(policy.root, ['spec', 'controls', 'seccomp', 'allowedProfiles', i]);
    const at = { file: policy.file as string, ...(range ? { range } : {}) };
    const meant = [...byProfile].find(([repoPath]) => namesLoosely(name, repoPath, config, targets));
    if (meant) {
      const [repoPath, paths] = meant;
      const path = paths[0] as string;
      const others = paths.slice(1);
      const targetsOf = (p: string): string => (installed.get(p)?.targets ?? []).join(', ');
      report({
        rule: unknownSeccompProfile,
        messageId: 'wrongPath',
        data: {
          name,
          file: repoPath,
          path,
          where:
            others.length === 0
              ? ` on target ${targetsOf(path)}`
              : ` on target ${targetsOf(path)}, ${others.map((p) => `"${p}" on target ${targetsOf(p)}`).join(', ')}`,
        },
        ...at,
      });
      return;
    }
    report({
      rule: unknownSeccompProfile,
      messageId: 'unknown',
      data: { name, hint: didYouMeanSuffix(name, [...installed.keys()]) },
      ...at,
    });
  });
}
