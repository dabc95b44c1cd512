/**
 * The explicit controls of a pod security policy, each with its local evaluation and the CEL that
 * the rendered ValidatingAdmissionPolicy runs. The two sit side by side so they cannot drift apart;
 * the tests run both over Pod Security Admission's fixtures and require the same verdicts.
 */
import {
  asArray,
  asObj,
  asString,
  containersPhrase,
  field,
  joinQuote,
  namesWhere,
  pluralize,
  sortedSet,
} from './checks/pod.js';
import type { ContainerView, Obj, PodView } from './checks/types.js';
import { CONTAINERS, SPEC, celList, celString, opt } from './cel.js';
import type { Controls, PodSecurityPolicy, ProfileControl } from './policy.js';
import type { Violation } from './violation.js';

const isSet = (v: unknown): boolean => v !== undefined && v !== null;

interface ControlRule<K extends keyof Controls> {
  control: K;
  /** The violation's reason (also the CEL validation's message). */
  reason: string;
  /** What is wrong with the pod, or undefined when it complies. */
  evaluate(pod: PodView, value: NonNullable<Controls[K]>): string | undefined;
  /** A CEL expression that is true when the pod complies. */
  cel(value: NonNullable<Controls[K]>): string;
}

function perContainer(pod: PodView, bad: (c: ContainerView) => boolean, what: string): string | undefined {
  const names = namesWhere(pod, bad);
  return names.length === 0 ? undefined : `${containersPhrase(names)} ${what}`;
}

/** A profile as policies name it: RuntimeDefault, Unconfined or localhost/<name>. */
function profileName(profile: Obj): string {
  const type = asString(profile.type);
  return type === 'Localhost' ? `localhost/${asString(profile.localhostProfile)}` : type;
}

function profileRule(
  control: 'seccomp' | 'appArmor',
  fieldName: string,
): ControlRule<'seccomp' | 'appArmor'> {
  const effective = (pod: PodView, c: ContainerView): Obj | undefined =>
    asObj(c.securityContext?.[fieldName]) ?? asObj(pod.securityContext?.[fieldName]);
  return {
    control,
    reason: `${control === 'seccomp' ? 'seccomp' : 'AppArmor'} profile not allowed by the policy`,
    evaluate(pod, value: ProfileControl) {
      const problems: string[] = [];
      if (value.required) {
        const missing = perContainer(
          pod,
          (c) => !effective(pod, c),
          `must set securityContext.${fieldName}, or the pod must`,
        );
        if (missing) problems.push(missing);
      }
      if (value.allowedProfiles) {
        const allowed = value.allowedProfiles;
        let used: string[] | undefined;
        let names: string[] | undefined;
        for (const c of pod.containers) {
          const profile = effective(pod, c);
          if (!profile) continue;
          const name = profileName(profile);
          if (allowed.includes(name)) continue;
          (used ??= []).push(name);
          (names ??= []).push(c.name);
        }
        if (names && used)
          problems.push(
            `${containersPhrase(names)} must not use ${pluralize('profile', 'profiles', used.length)} ${joinQuote(sortedSet(used))}`,
          );
      }
      return problems.length === 0 ? undefined : problems.join('; ');
    },
    cel(value: ProfileControl) {
      const own = `c.?securityContext.?${fieldName}`;
      const pod = opt(SPEC, 'securityContext', fieldName);
      const terms: string[] = [];
      if (value.required) terms.push(`${CONTAINERS}.all(c, ${own}.hasValue() || ${pod}.hasValue())`);
      if (value.allowedProfiles) {
        const name =
          "(p.?type.orValue('') == 'Localhost' ? 'localhost/' + p.?localhostProfile.orValue('') : p.?type.orValue(''))";
        terms.push(
          `${CONTAINERS}.all(c, (${own}.hasValue() ? [c.securityContext.${fieldName}] : ${pod}.hasValue() ? [${SPEC}.securityContext.${fieldName}] : []).all(p, ${name} in ${celList(value.allowedProfiles)}))`,
        );
      }
      return terms.length === 0 ? 'true' : terms.join(' && ');
    },
  };
}

function missingDropAll(c: ContainerView): boolean {
  return !asArray(field(c.securityContext, 'capabilities', 'drop')).includes('ALL');
}

function prefixMatches(path: string, prefix: string): boolean {
  const p = prefix.length > 1 ? prefix.replace(/\/+$/, '') : prefix;
  return p === '/' || path === p || path.startsWith(`${p}/`);
}

function celPrefix(path: string, prefix: string): string {
  const p = prefix.length > 1 ? prefix.replace(/\/+$/, '') : prefix;
  return p === '/' ? 'true' : `(${path} == ${celString(p)} || ${path}.startsWith(${celString(`${p}/`)}))`;
}

function mountsReadOnly(pod: PodView, volume: string): boolean {
  return pod.containers.every((c) =>
    asArray(c.raw.volumeMounts).every((m) => asObj(m)?.name !== volume || asObj(m)?.readOnly === true),
  );
}

function sysctlAllowed(name: string, allowed: readonly string[]): boolean {
  return allowed.some(
    (a) => a === '*' || a === name || (a.endsWith('.*') && name.startsWith(a.slice(0, -1))),
  );
}

export type AnyControlRule = ControlRule<keyof Controls>;

function define<K extends keyof Controls>(rule: ControlRule<K>): AnyControlRule {
  return rule;
}

const CONTROL_RULES: readonly AnyControlRule[] = [
  define({
    control: 'runAsNonRoot',
    reason: 'runAsNonRoot != true',
    evaluate: (pod) =>
      perContainer(
        pod,
        (c) => {
          const own = c.securityContext?.runAsNonRoot;
          return isSet(own) ? own !== true : pod.securityContext?.runAsNonRoot !== true;
        },
        'must set securityContext.runAsNonRoot=true, or the pod must',
      ),
    cel: () =>
      `${CONTAINERS}.all(c, c.?securityContext.?runAsNonRoot.hasValue() ? c.securityContext.runAsNonRoot == true : ${opt(SPEC, 'securityContext', 'runAsNonRoot')}.orValue(false) == true)`,
  }),
  define({
    control: 'privileged',
    reason: 'privileged',
    evaluate: (pod) =>
      perContainer(
        pod,
        (c) => c.securityContext?.privileged === true,
        'must not set securityContext.privileged=true',
      ),
    cel: () => `!${CONTAINERS}.exists(c, c.?securityContext.?privileged.orValue(false) == true)`,
  }),
  define({
    control: 'allowPrivilegeEscalation',
    reason: 'allowPrivilegeEscalation != false',
    evaluate: (pod) =>
      perContainer(
        pod,
        (c) => c.securityContext?.allowPrivilegeEscalation !== false,
        'must set securityContext.allowPrivilegeEscalation=false',
      ),
    cel: () => `${CONTAINERS}.all(c, c.?securityContext.?allowPrivilegeEscalation.orValue(true) == false)`,
  }),
  define({
    control: 'readOnlyRootFilesystem',
    reason: 'readOnlyRootFilesystem != true',
    evaluate: (pod) =>
      perContainer(
        pod,
        (c) => c.securityContext?.readOnlyRootFilesystem !== true,
        'must set securityContext.readOnlyRootFilesystem=true',
      ),
    cel: () => `${CONTAINERS}.all(c, c.?securityContext.?readOnlyRootFilesystem.orValue(false) == true)`,
  }),
  define({
    control: 'hostNamespaces',
    reason: 'host namespaces',
    evaluate: (pod) => {
      if (pod.spec.hostNetwork !== true && pod.spec.hostPID !== true && pod.spec.hostIPC !== true)
        return undefined;
      const shared = ['hostNetwork', 'hostPID', 'hostIPC'].filter((k) => pod.spec[k] === true);
      return shared.map((k) => `${k}=true`).join(', ');
    },
    cel: () =>
      ['hostNetwork', 'hostPID', 'hostIPC'].map((k) => `${opt(SPEC, k)}.orValue(false) != true`).join(' && '),
  }),
  define({
    control: 'capabilities',
    reason: 'capabilities not allowed by the policy',
    evaluate: (pod, value) => {
      const problems: string[] = [];
      if (value.dropAll) {
        const missing = perContainer(
          pod,
          missingDropAll,
          'must set securityContext.capabilities.drop=["ALL"]',
        );
        if (missing) problems.push(missing);
      }
      const allowed = value.allowed;
      if (allowed) {
        let added: string[] | undefined;
        let names: string[] | undefined;
        for (const c of pod.containers) {
          let bad = false;
          for (const cap of asArray(field(c.securityContext, 'capabilities', 'add'))) {
            const name = asString(cap);
            if (allowed.includes(name)) continue;
            (added ??= []).push(name);
            bad = true;
          }
          if (bad) (names ??= []).push(c.name);
        }
        if (names && added)
          problems.push(`${containersPhrase(names)} must not add ${joinQuote(sortedSet(added))}`);
      }
      return problems.length === 0 ? undefined : problems.join('; ');
    },
    cel: (value) => {
      const terms: string[] = [];
      if (value.dropAll)
        terms.push(
          `${CONTAINERS}.all(c, c.?securityContext.?capabilities.?drop.orValue([]).exists(d, d == 'ALL'))`,
        );
      if (value.allowed)
        terms.push(
          `${CONTAINERS}.all(c, c.?securityContext.?capabilities.?add.orValue([]).all(a, a in ${celList(value.allowed)}))`,
        );
      return terms.length === 0 ? 'true' : terms.join(' && ');
    },
  }),
  define(profileRule('seccomp', 'seccompProfile')),
  define(profileRule('appArmor', 'appArmorProfile')),
  define({
    control: 'hostPorts',
    reason: 'hostPort not allowed by the policy',
    evaluate: (pod, value) => {
      let ports: string[] | undefined;
      let names: string[] | undefined;
      for (const c of pod.containers) {
        let bad = false;
        for (const port of asArray(c.raw.ports)) {
          const h = asObj(port)?.hostPort;
          if (!isSet(h) || h === 0) continue;
          if (typeof h === 'number' && value.allowed.some((r) => h >= r.min && h <= r.max)) continue;
          (ports ??= []).push(String(h));
          bad = true;
        }
        if (bad) (names ??= []).push(c.name);
      }
      if (!names || !ports) return undefined;
      return `${containersPhrase(names)} must not use ${pluralize('hostPort', 'hostPorts', ports.length)} ${sortedSet(ports).join(', ')}`;
    },
    cel: (value) => {
      const ranges = value.allowed.map((r) => `(p.hostPort >= ${r.min} && p.hostPort <= ${r.max})`);
      return `${CONTAINERS}.all(c, c.?ports.orValue([]).all(p, ${['p.?hostPort.orValue(0) == 0', ...ranges].join(' || ')}))`;
    },
  }),
  define({
    control: 'hostPaths',
    reason: 'hostPath volume not allowed by the policy',
    evaluate: (pod, value) => {
      const bad: string[] = [];
      for (const item of asArray(pod.spec.volumes)) {
        const volume = asObj(item);
        if (!volume || !isSet(volume.hostPath)) continue;
        const hostPath = asObj(volume.hostPath);
        const path = asString(hostPath?.path);
        const matches = value.allowed.filter((a) => prefixMatches(path, a.pathPrefix));
        const name = asString(volume.name);
        if (matches.length === 0) bad.push(`volume "${name}" uses host path "${path}"`);
        else if (matches.every((m) => m.readOnly === true) && !mountsReadOnly(pod, name))
          bad.push(`volume "${name}" (host path "${path}") must be mounted readOnly`);
      }
      return bad.length === 0 ? undefined : bad.join('; ');
    },
    cel: (value) => {
      const path = "v.hostPath.?path.orValue('')";
      const any = value.allowed.map((a) => celPrefix(path, a.pathPrefix));
      const writable = value.allowed
        .filter((a) => a.readOnly !== true)
        .map((a) => celPrefix(path, a.pathPrefix));
      const readOnlyMounts = `${CONTAINERS}.all(c, c.?volumeMounts.orValue([]).all(m, m.name != v.name || m.?readOnly.orValue(false) == true))`;
      const allowed = any.length === 0 ? 'false' : `(${any.join(' || ')})`;
      const rw = writable.length === 0 ? readOnlyMounts : `(${writable.join(' || ')} || ${readOnlyMounts})`;
      return `${opt(SPEC, 'volumes')}.orValue([]).all(v, !has(v.hostPath) || (${allowed} && ${rw}))`;
    },
  }),
  define({
    control: 'volumes',
    reason: 'volume type not allowed by the policy',
    evaluate: (pod, value) => {
      const allowed = value.allowed;
      let names: string[] | undefined;
      const badTypes: string[] = [];
      for (const item of asArray(pod.spec.volumes)) {
        const volume = asObj(item) ?? {};
        let sources = 0;
        let bad = false;
        for (const k in volume) {
          if (k === 'name' || !isSet(volume[k])) continue;
          sources++;
          if (!allowed.includes(k)) {
            badTypes.push(k);
            bad = true;
          }
        }
        // The API server defaults a volume without a source to emptyDir before admission sees it.
        if (sources === 0 && !allowed.includes('emptyDir')) {
          badTypes.push('emptyDir');
          bad = true;
        }
        if (bad) (names ??= []).push(asString(volume.name));
      }
      if (!names) return undefined;
      const list = sortedSet(badTypes);
      return `${pluralize('volume', 'volumes', names.length)} ${joinQuote(names)} ${pluralize('uses', 'use', names.length)} ${pluralize('type', 'types', list.length)} ${joinQuote(list)}`;
    },
    cel: (value) =>
      `${opt(SPEC, 'volumes')}.orValue([]).all(v, v.all(k, k == 'name' || k in ${celList(value.allowed)}))`,
  }),
  define({
    control: 'sysctls',
    reason: 'sysctl not allowed by the policy',
    evaluate: (pod, value) => {
      let bad: string[] | undefined;
      for (const item of asArray(pod.securityContext?.sysctls)) {
        const name = asString(asObj(item)?.name);
        if (!sysctlAllowed(name, value.allowed)) (bad ??= []).push(name);
      }
      return bad ? bad.join(', ') : undefined;
    },
    cel: (value) => {
      const terms = value.allowed.map((a) =>
        a === '*'
          ? 'true'
          : a.endsWith('.*')
            ? `s.name.startsWith(${celString(a.slice(0, -1))})`
            : `s.name == ${celString(a)}`,
      );
      return `${opt(SPEC, 'securityContext', 'sysctls')}.orValue([]).all(s, ${terms.length === 0 ? 'false' : terms.join(' || ')})`;
    },
  }),
  define({
    control: 'procMount',
    reason: 'procMount not allowed by the policy',
    evaluate: (pod, value) =>
      perContainer(
        pod,
        (c) =>
          !value.allowed.includes(
            isSet(c.securityContext?.procMount) ? asString(c.securityContext?.procMount) : 'Default',
          ),
        `must set securityContext.procMount to ${joinQuote(value.allowed)}`,
      ),
    cel: (value) =>
      `${CONTAINERS}.all(c, c.?securityContext.?procMount.orValue('Default') in ${celList(value.allowed)})`,
  }),
  define({
    control: 'seLinux',
    reason: 'seLinuxOptions not allowed by the policy',
    evaluate: (pod, value) => {
      const ok = (o: Obj | undefined): boolean =>
        !o ||
        ((asString(o.type) === '' || value.allowedTypes.includes(asString(o.type))) &&
          asString(o.user) === '' &&
          asString(o.role) === '');
      const setters: string[] = [];
      if (!ok(asObj(pod.securityContext?.seLinuxOptions))) setters.push('pod');
      const bad = pod.containers
        .filter((c) => !ok(asObj(c.securityContext?.seLinuxOptions)))
        .map((c) => c.name);
      if (bad.length > 0) setters.push(containersPhrase(bad));
      return setters.length === 0
        ? undefined
        : `${setters.join(' and ')} set seLinuxOptions outside types ${joinQuote(value.allowedTypes)} (or set user or role)`;
    },
    cel: (value) => {
      const ok = (o: string): string =>
        `(${o}.?type.orValue('') == '' || ${o}.type in ${celList(value.allowedTypes)}) && ${o}.?user.orValue('') == '' && ${o}.?role.orValue('') == ''`;
      return `(!${opt(SPEC, 'securityContext', 'seLinuxOptions')}.hasValue() || (${ok(`${SPEC}.securityContext.seLinuxOptions`)})) && ${CONTAINERS}.all(c, !c.?securityContext.?seLinuxOptions.hasValue() || (${ok('c.securityContext.seLinuxOptions')}))`;
    },
  }),
  define({
    control: 'userNamespaces',
    reason: 'hostUsers != false',
    evaluate: (pod, value) =>
      value.required && pod.spec.hostUsers !== false ? 'pod must set hostUsers=false' : undefined,
    cel: (value) => (value.required ? `${opt(SPEC, 'hostUsers')}.orValue(true) == false` : 'true'),
  }),
];

const activeCache = new WeakMap<Controls, { rule: AnyControlRule; value: unknown }[]>();

/** The controls a policy sets, in the table's order, with their values. */
export function activeControls(controls: Controls): { rule: AnyControlRule; value: unknown }[] {
  let active = activeCache.get(controls);
  if (!active) {
    active = CONTROL_RULES.filter((r) => controls[r.control] !== undefined).map((rule) => ({
      rule,
      value: controls[rule.control],
    }));
    activeCache.set(controls, active);
  }
  return active;
}

/** The policy's explicit controls that a pod violates. */
export function evaluateControls(policy: PodSecurityPolicy, pod: PodView): Violation[] {
  let violations: Violation[] | undefined;
  for (const { rule, value } of activeControls(policy.controls)) {
    const detail = (rule.evaluate as (pod: PodView, value: unknown) => string | undefined)(pod, value);
    if (detail !== undefined)
      (violations ??= []).push({ check: `${policy.name}/${rule.control}`, reason: rule.reason, detail });
  }
  return violations ?? NO_VIOLATIONS;
}

/** Shared by every pod that passes (never mutated). */
const NO_VIOLATIONS: Violation[] = [];
