/**
 * Pod Security Admission's checks written in CEL, for policies whose level cannot be deployed as
 * namespace labels (a namespace selector, all namespaces, runtime-class or user exemptions). Each
 * expression is true when the pod passes the check's revision at the given policy version; the
 * check list itself (and the overrides between levels) comes from the same table as the local
 * evaluator, so both run the same checks.
 */
import { checksFor } from './checks/index.js';
import { APPARMOR_ANNOTATION_PREFIX } from './checks/app-armor-profile.js';
import { DEFAULT_CAPABILITIES } from './checks/capabilities-baseline.js';
import { ALLOWED_VOLUME_TYPES } from './checks/restricted-volumes.js';
import { SELINUX_TYPES_1_0, SELINUX_TYPES_1_31 } from './checks/se-linux-options.js';
import { safeSysctls } from './checks/sysctls.js';
import type { Level } from './checks/types.js';
import { CONTAINERS, META, SPEC, celList, celString, opt } from './cel.js';

const SECCOMP_TYPES = "['RuntimeDefault', 'Localhost']";
const windows = `${opt(SPEC, 'os', 'name')}.orValue('') == 'windows'`;
const userNamespace = `${opt(SPEC, 'hostUsers')}.orValue(true) == false`;

const unless = (condition: string, expression: string): string => `(${condition}) || (${expression})`;

const procMount = `${CONTAINERS}.all(c, c.?securityContext.?procMount.orValue('Default') == 'Default')`;

function seLinux(types: ReadonlySet<string>): string {
  const ok = (o: string): string =>
    `${o}.?type.orValue('') in ${celList([...types])} && ${o}.?user.orValue('') == '' && ${o}.?role.orValue('') == ''`;
  return `(!${opt(SPEC, 'securityContext', 'seLinuxOptions')}.hasValue() || (${ok(`${SPEC}.securityContext.seLinuxOptions`)})) && ${CONTAINERS}.all(c, !c.?securityContext.?seLinuxOptions.hasValue() || (${ok('c.securityContext.seLinuxOptions')}))`;
}

function hostFree(handler: string): string {
  return `c${handler}.?httpGet.?host.orValue('') == '' && c${handler}.?tcpSocket.?host.orValue('') == ''`;
}

const seccompAnnotationOk = (value: string): string =>
  `(${value} == 'runtime/default' || ${value} == 'docker/default' || ${value}.startsWith('localhost/'))`;

/** CEL for each check id at a policy version (minor). */
const CEL: Readonly<Record<string, (minor: number) => string>> = {
  allowPrivilegeEscalation: (minor) => {
    const rule = `${CONTAINERS}.all(c, c.?securityContext.?allowPrivilegeEscalation.orValue(true) == false)`;
    return minor >= 25 ? unless(windows, rule) : rule;
  },
  appArmorProfile: () => {
    const types = "['RuntimeDefault', 'Localhost']";
    const annotations = `${opt(META, 'annotations')}.orValue({})`;
    return [
      `(!${opt(SPEC, 'securityContext', 'appArmorProfile')}.hasValue() || ${SPEC}.securityContext.appArmorProfile.?type.orValue('') in ${types})`,
      `${CONTAINERS}.all(c, !c.?securityContext.?appArmorProfile.hasValue() || c.securityContext.appArmorProfile.?type.orValue('') in ${types})`,
      `${annotations}.all(k, !k.startsWith(${celString(APPARMOR_ANNOTATION_PREFIX)}) || ${annotations}[k] == '' || ${annotations}[k] == 'runtime/default' || ${annotations}[k].startsWith('localhost/'))`,
    ].join(' && ');
  },
  capabilities_baseline: () =>
    `${CONTAINERS}.all(c, c.?securityContext.?capabilities.?add.orValue([]).all(a, a in ${celList([...DEFAULT_CAPABILITIES])}))`,
  capabilities_restricted: (minor) => {
    const rule = `${CONTAINERS}.all(c, c.?securityContext.?capabilities.?drop.orValue([]).exists(d, d == 'ALL') && c.?securityContext.?capabilities.?add.orValue([]).all(a, a == 'NET_BIND_SERVICE'))`;
    return minor >= 25 ? unless(windows, rule) : rule;
  },
  hostNamespaces: () =>
    ['hostNetwork', 'hostPID', 'hostIPC'].map((k) => `${opt(SPEC, k)}.orValue(false) != true`).join(' && '),
  hostPathVolumes: () => `!${opt(SPEC, 'volumes')}.orValue([]).exists(v, has(v.hostPath))`,
  hostPorts: () => `${CONTAINERS}.all(c, c.?ports.orValue([]).all(p, p.?hostPort.orValue(0) == 0))`,
  hostProbesAndHostLifecycle: () =>
    `${CONTAINERS}.all(c, ${['.?livenessProbe', '.?readinessProbe', '.?startupProbe', '.?lifecycle.?postStart', '.?lifecycle.?preStop'].map(hostFree).join(' && ')})`,
  privileged: () => `!${CONTAINERS}.exists(c, c.?securityContext.?privileged.orValue(false) == true)`,
  procMount: (minor) => (minor >= 35 ? unless(userNamespace, procMount) : procMount),
  procMount_restricted: () => procMount,
  restrictedVolumes: () =>
    `${opt(SPEC, 'volumes')}.orValue([]).all(v, ${ALLOWED_VOLUME_TYPES.map((t) => `has(v.${t})`).join(' || ')} || v.all(k, k == 'name'))`,
  runAsNonRoot: (minor) => {
    const pod = opt(SPEC, 'securityContext', 'runAsNonRoot');
    const rule = `${pod}.orValue(true) != false && ${CONTAINERS}.all(c, c.?securityContext.?runAsNonRoot.hasValue() ? c.securityContext.runAsNonRoot == true : ${pod}.orValue(false) == true)`;
    return minor >= 35 ? unless(userNamespace, rule) : rule;
  },
  runAsUser: (minor) => {
    const rule = `${opt(SPEC, 'securityContext', 'runAsUser')}.orValue(1) != 0 && ${CONTAINERS}.all(c, c.?securityContext.?runAsUser.orValue(1) != 0)`;
    return minor >= 35 ? unless(userNamespace, rule) : rule;
  },
  seLinuxOptions: (minor) => seLinux(minor >= 31 ? SELINUX_TYPES_1_31 : SELINUX_TYPES_1_0),
  seccompProfile_baseline: (minor) => {
    if (minor < 19) {
      const annotations = `${opt(META, 'annotations')}.orValue({})`;
      const pod = `${annotations}[?'seccomp.security.alpha.kubernetes.io/pod']`;
      return `(!${pod}.hasValue() || ${seccompAnnotationOk(`${pod}.value()`)}) && ${CONTAINERS}.all(c, !${annotations}[?'container.seccomp.security.alpha.kubernetes.io/' + c.name].hasValue() || ${seccompAnnotationOk(`${annotations}['container.seccomp.security.alpha.kubernetes.io/' + c.name]`)})`;
    }
    return `(!${opt(SPEC, 'securityContext', 'seccompProfile')}.hasValue() || ${SPEC}.securityContext.seccompProfile.?type.orValue('') in ${SECCOMP_TYPES}) && ${CONTAINERS}.all(c, !c.?securityContext.?seccompProfile.hasValue() || c.securityContext.seccompProfile.?type.orValue('') in ${SECCOMP_TYPES})`;
  },
  seccompProfile_restricted: (minor) => {
    const pod = opt(SPEC, 'securityContext', 'seccompProfile');
    const rule = `(!${pod}.hasValue() || ${SPEC}.securityContext.seccompProfile.?type.orValue('') in ${SECCOMP_TYPES}) && ${CONTAINERS}.all(c, c.?securityContext.?seccompProfile.hasValue() ? c.securityContext.seccompProfile.?type.orValue('') in ${SECCOMP_TYPES} : ${pod}.?type.orValue('') in ${SECCOMP_TYPES})`;
    return minor >= 25 ? unless(windows, rule) : rule;
  },
  sysctls: (minor) =>
    `${opt(SPEC, 'securityContext', 'sysctls')}.orValue([]).all(s, s.?name.orValue('') in ${celList(safeSysctls(minor))})`,
  windowsHostProcess: () =>
    `${opt(SPEC, 'securityContext', 'windowsOptions', 'hostProcess')}.orValue(false) != true && ${CONTAINERS}.all(c, c.?securityContext.?windowsOptions.?hostProcess.orValue(false) != true)`,
};

export interface LevelValidation {
  check: string;
  expression: string;
}

/** The CEL validations of a level at a policy version (minor; Infinity for latest), in PSA's order. */
export function levelValidations(level: Level, minor: number): LevelValidation[] {
  return checksFor(level, minor).map((active) => {
    const cel = CEL[active.id];
    if (!cel) throw new Error(`no CEL for the PSA check ${active.id}`);
    return { check: active.id, expression: cel(Math.min(minor, 1e6)) };
  });
}
