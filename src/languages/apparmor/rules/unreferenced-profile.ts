import { defineRule } from '../../../core/rule.js';
import type { CheckContext } from './context.js';
import { NGINX_RULES, PROFILE_FILE, profile } from './examples.js';

export const unreferencedProfile = defineRule({
  meta: {
    id: 'apparmor/unreferenced-profile',
    severity: 'warning',
    type: 'suggestion',
    description: 'A profile that no pod, workload, pod security policy or test of the repository references.',
    remediation:
      'Reference the profile from a pod security policy (`controls.appArmor.allowedProfiles: [localhost/NAME]`), a workload or a test, or remove it.',
    docs: {
      rationale:
        'A profile is only enforced for pods that name it (`securityContext.appArmorProfile: {type: Localhost, localhostProfile: NAME}` or the older annotation), usually through a pod security policy. A profile that nothing references is loaded on every node and protects nothing: reference it, or remove it. Reported only when the repository references at least one AppArmor profile.',
      bad: [
        { path: PROFILE_FILE, text: profile(NGINX_RULES) },
        {
          path: 'policies/apparmor/k8s-worker',
          text: profile(
            `  /usr/bin/worker mr,
`,
            'profile k8s-worker',
          ),
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
      allowedProfiles: [localhost/k8s-nginx]
`,
        },
      ],
      good: [
        { path: PROFILE_FILE, text: profile(NGINX_RULES) },
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
      allowedProfiles: [localhost/k8s-nginx]
`,
        },
      ],
    },
  },
  messages: { unreferenced: 'profile "{{name}}" is not referenced by any pod, pod security policy or test' },
  check: checkUnreferencedProfile,
});

function checkUnreferencedProfile(context: CheckContext): void {
  const referenced = context.facts.referencedApparmorProfiles;
  if (referenced.size === 0) return;
  const names = new Set([...referenced.keys()].map((name) => name.replace(/^localhost\//, '')));
  for (const profile of context.model.profiles) {
    if (profile.parent || profile.file !== context.file || !profile.node.name) continue;
    if (names.has(profile.name) || names.has(profile.node.attachment?.text ?? '\0')) continue;
    context.report({
      rule: unreferencedProfile,
      messageId: 'unreferenced',
      data: { name: profile.name },
      file: profile.file,
      range: profile.node.name,
    });
  }
}
