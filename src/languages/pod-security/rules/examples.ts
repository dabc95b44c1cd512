/** The policies that the rule pages show as examples (each rule's `meta.docs`), built once here. */

export const POLICY_FILE = 'policies/pod-security/no-root.yaml';

export function policy(spec: string, name = 'no-root'): string {
  return `apiVersion: container-host-security/v1\nkind: PodSecurity\nmetadata:\n  name: ${name}\nspec:\n${spec}`;
}

/** A legacy PodSecurityPolicy (policy/v1beta1); `extra` lines go after its required drops. */
export function legacyPsp(extra = ''): string {
  return `apiVersion: policy/v1beta1
kind: PodSecurityPolicy
metadata:
  name: legacy-restricted
spec:
  privileged: false
  allowPrivilegeEscalation: false
  requiredDropCapabilities: [ALL]
${extra}  runAsUser:
    rule: MustRunAsNonRoot
  seLinux:
    rule: RunAsAny
  supplementalGroups:
    rule: RunAsAny
  fsGroup:
    rule: RunAsAny
  volumes: [configMap, emptyDir, secret]
`;
}
