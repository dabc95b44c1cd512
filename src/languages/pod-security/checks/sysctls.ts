/** Baseline: only the namespaced, isolated ("safe") sysctls; the list grows with Kubernetes releases. */
import { asArray, asObj, asString } from './pod.js';
import { ALLOWED, forbid } from './types.js';
import type { Check, CheckFn, PodView } from './types.js';

const V1_0 = [
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
  'net.ipv4.ip_unprivileged_port_start',
];
const V1_27 = [...V1_0, 'net.ipv4.ip_local_reserved_ports'];
const V1_29 = [
  ...V1_27,
  'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
];
const V1_32 = [...V1_29, 'net.ipv4.tcp_rmem', 'net.ipv4.tcp_wmem'];
const V1_37 = [...V1_32, 'net.ipv4.tcp_slow_start_after_idle', 'net.ipv4.tcp_notsent_lowat'];

/** The safe sysctls of a policy version (minor). */
export function safeSysctls(minor: number): readonly string[] {
  if (minor >= 37) return V1_37;
  if (minor >= 32) return V1_32;
  if (minor >= 29) return V1_29;
  if (minor >= 27) return V1_27;
  return V1_0;
}

function revision(allowed: readonly string[]): CheckFn {
  const safe = new Set(allowed);
  return (pod: PodView) => {
    const forbidden: string[] = [];
    for (const item of asArray(pod.securityContext?.sysctls)) {
      const name = asString(asObj(item)?.name);
      if (!safe.has(name)) forbidden.push(name);
    }
    return forbidden.length === 0 ? ALLOWED : forbid('forbidden sysctls', forbidden.join(', '));
  };
}

export const sysctls: Check = {
  id: 'sysctls',
  level: 'baseline',
  versions: [
    { minimum: 0, check: revision(V1_0) },
    { minimum: 27, check: revision(V1_27) },
    { minimum: 29, check: revision(V1_29) },
    { minimum: 32, check: revision(V1_32) },
    { minimum: 37, check: revision(V1_37) },
  ],
};
