import { didYouMeanSuffix } from '../../../core/did-you-mean.js';
import { defineRule } from '../../../core/rule.js';
import type { PolicyCheckContext } from './context.js';
import { rangeAt } from '../../../core/yaml.js';
import { policy } from './examples.js';

export const unknownApparmorProfile = defineRule({
  meta: {
    id: 'pod-security/unknown-apparmor-profile',
    severity: 'error',
    type: 'problem',
    description:
      'A policy allows or requires an AppArmor profile `localhost/<name>` that no AppArmor file of the repository defines.',
    remediation: "Correct the profile name, or add the profile to the repository's AppArmor files.",
    docs: {
      rationale: [
        'A `localhost/<name>` profile must be loaded on every node before a pod can use it; chs loads the profiles of',
        'the repository. A name no profile defines is a typo or a missing file. When the repository defines no',
        'AppArmor profile at all, it does not manage AppArmor through chs (the profiles come from the nodes), and',
        'this rule stays silent.',
      ].join(' '),
      bad: [
        {
          path: 'policies/apparmor/k8s-nginx',
          text: `profile k8s-nginx {
  /usr/sbin/nginx mr,
  /etc/nginx/** r,
}
`,
        },
        {
          path: 'policies/pod-security/nginx-profiles.yaml',
          text: `apiVersion: container-host-security/v1
kind: PodSecurity
metadata:
  name: nginx-profiles
spec:
  namespaces: [shop]
  controls:
    appArmor:
      required: true
      allowedProfiles: [localhost/k8s-ngnix]
`,
        },
      ],
      good: [
        {
          path: 'policies/apparmor/k8s-nginx',
          text: `profile k8s-nginx {
  /usr/sbin/nginx mr,
  /etc/nginx/** r,
}
`,
        },
        {
          path: 'policies/pod-security/nginx-profiles.yaml',
          text: policy(
            `  namespaces: [shop]
  controls:
    appArmor:
      required: true
      allowedProfiles: [localhost/k8s-nginx]
`,
            'nginx-profiles',
          ),
        },
      ],
    },
  },
  messages: { unknown: 'no AppArmor profile of the repository is named "{{name}}"{{hint}}' },
  check: checkApparmorProfiles,
});

/** Reports `localhost/` profiles the repository does not define (silent when it defines none). */
function checkApparmorProfiles({ policy, facts, report }: PolicyCheckContext): void {
  const profiles = facts.apparmorProfiles;
  if (!policy.file || profiles.size === 0) return;
  const known = (name: string): boolean => profiles.has(name);
  policy.controls.appArmor?.allowedProfiles?.forEach((profile, i) => {
    if (!profile.startsWith('localhost/')) return;
    const name = profile.slice('localhost/'.length);
    if (known(name)) return;
    const range = rangeAt(policy.root, ['spec', 'controls', 'appArmor', 'allowedProfiles', i]);
    report({
      rule: unknownApparmorProfile,
      messageId: 'unknown',
      data: { name, hint: didYouMeanSuffix(name, [...profiles.keys()]) },
      file: policy.file as string,
      ...(range ? { range } : {}),
    });
  });
}
