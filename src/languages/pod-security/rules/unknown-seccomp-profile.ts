import { didYouMeanSuffix } from '../../../core/did-you-mean.js';
import { defineRule } from '../../../core/rule.js';
import type { PolicyCheckContext } from './context.js';
import { rangeAt } from '../../../core/yaml.js';
import { policy } from './examples.js';

export const unknownSeccompProfile = defineRule({
  meta: {
    id: 'pod-security/unknown-seccomp-profile',
    severity: 'error',
    type: 'problem',
    description:
      'A policy allows or requires a seccomp profile `localhost/<path>` that no seccomp file of the repository defines.',
    remediation:
      'Correct the path (relative to the repository root, as the profile is installed on the nodes), or add the profile to the repository.',
    docs: {
      rationale: [
        "A `localhost/<path>` seccomp profile is a file under the kubelet's seccomp directory; chs installs the",
        "repository's profiles there, named by their path in the repository. A path no profile has is a typo or a",
        'missing file. When the repository defines no seccomp profile at all, it does not manage seccomp through chs,',
        'and this rule stays silent.',
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
      allowedProfiles: [RuntimeDefault, localhost/policies/seccomp/wbe.json]
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
      allowedProfiles: [RuntimeDefault, localhost/policies/seccomp/web.json]
`,
            'web-seccomp',
          ),
        },
      ],
    },
  },
  messages: { unknown: 'no seccomp profile of the repository is at "{{name}}"{{hint}}' },
  check: checkSeccompProfiles,
});

/** Reports `localhost/` profiles the repository does not define (silent when it defines none). */
function checkSeccompProfiles({ policy, facts, report }: PolicyCheckContext): void {
  const profiles = facts.seccompProfiles;
  if (!policy.file || profiles.size === 0) return;
  const known = (name: string): boolean =>
    profiles.has(name) ||
    [...profiles.keys()].some((key) => key.endsWith(`/${name}`) || name.endsWith(`/${key}`));
  policy.controls.seccomp?.allowedProfiles?.forEach((profile, i) => {
    if (!profile.startsWith('localhost/')) return;
    const name = profile.slice('localhost/'.length);
    if (known(name)) return;
    const range = rangeAt(policy.root, ['spec', 'controls', 'seccomp', 'allowedProfiles', i]);
    report({
      rule: unknownSeccompProfile,
      messageId: 'unknown',
      data: { name, hint: didYouMeanSuffix(name, [...profiles.keys()]) },
      file: policy.file as string,
      ...(range ? { range } : {}),
    });
  });
}
