/** Baseline: SELinux type limited to the container types; no custom SELinux user or role. */
import { asObj, asString, containersPhrase, joinQuote, pluralize, sortedSet } from './pod.js';
import { ALLOWED, forbid } from './types.js';
import type { Check, CheckResult, Obj, PodView } from './types.js';

export const SELINUX_TYPES_1_0: ReadonlySet<string> = new Set([
  '',
  'container_t',
  'container_init_t',
  'container_kvm_t',
]);
export const SELINUX_TYPES_1_31: ReadonlySet<string> = new Set([...SELINUX_TYPES_1_0, 'container_engine_t']);

function revision(allowedTypes: ReadonlySet<string>) {
  return (pod: PodView): CheckResult => {
    const setters: string[] = [];
    const badTypes: string[] = [];
    let setUser = false;
    let setRole = false;
    const valid = (options: Obj): boolean => {
      let ok = true;
      const type = asString(options.type);
      if (!allowedTypes.has(type)) {
        ok = false;
        badTypes.push(type);
      }
      if (asString(options.user) !== '') {
        ok = false;
        setUser = true;
      }
      if (asString(options.role) !== '') {
        ok = false;
        setRole = true;
      }
      return ok;
    };
    const podOptions = asObj(pod.securityContext?.seLinuxOptions);
    if (podOptions && !valid(podOptions)) setters.push('pod');
    const bad: string[] = [];
    for (const c of pod.containers) {
      const options = asObj(c.securityContext?.seLinuxOptions);
      if (options && !valid(options)) bad.push(c.name);
    }
    if (bad.length > 0) setters.push(containersPhrase(bad));
    if (setters.length === 0) return ALLOWED;
    const data: string[] = [];
    const types = sortedSet(badTypes);
    if (types.length > 0) data.push(`${pluralize('type', 'types', types.length)} ${joinQuote(types)}`);
    if (setUser) data.push('user may not be set');
    if (setRole) data.push('role may not be set');
    return forbid(
      'seLinuxOptions',
      `${setters.join(' and ')} set forbidden securityContext.seLinuxOptions: ${data.join('; ')}`,
    );
  };
}

export const seLinuxOptions: Check = {
  id: 'seLinuxOptions',
  level: 'baseline',
  versions: [
    { minimum: 0, check: revision(SELINUX_TYPES_1_0) },
    { minimum: 31, check: revision(SELINUX_TYPES_1_31) },
  ],
};
