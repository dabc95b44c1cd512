/** The policies that the rule pages show as examples (each rule's `meta.docs`), built once here. */

export const POLICY_FILE = 'policies/pod-security/no-root.yaml';

export function policy(spec: string, name = 'no-root'): string {
  return `apiVersion: container-host-security/v1\nkind: PodSecurity\nmetadata:\n  name: ${name}\nspec:\n${spec}`;
}
