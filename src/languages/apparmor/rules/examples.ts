/** The profiles that the rule pages show as examples (each rule's `meta.docs`), built once here. */

export const PROFILE_FILE = 'policies/apparmor/k8s-nginx';

/** The rules of a small nginx profile, which most examples extend. */
export const NGINX_RULES = '  /usr/sbin/nginx mr,\n  /etc/nginx/** r,\n';

export function profile(rules: string, header = 'profile k8s-nginx'): string {
  return `${header} {\n${rules}}\n`;
}
