import { defineRule } from '../../../core/rule.js';
import type { PolicyCheckContext } from './context.js';
import { rangeAt } from '../../../core/yaml.js';
import { DEFAULT_CAPABILITIES } from '../checks/capabilities-baseline.js';
import { ALLOWED_VOLUME_TYPES } from '../checks/restricted-volumes.js';
import { SELINUX_TYPES_1_0, SELINUX_TYPES_1_31 } from '../checks/se-linux-options.js';
import { safeSysctls } from '../checks/sysctls.js';
import { POLICY_FILE, policy } from './examples.js';

export const contradictoryControls = defineRule({
  meta: {
    id: 'pod-security/contradictory-controls',
    severity: 'error',
    type: 'problem',
    description:
      "Controls that no pod can satisfy together, or that allow what the policy's own level forbids.",
    remediation:
      'Make the controls agree: give a required profile an allowed value, allow the volume type a host path needs, or remove the control the level already decides.',
    docs: {
      rationale: [
        'A required profile with an empty allow list, an empty procMount list, host paths allowed while the',
        '`hostPath` volume type is not, a port range whose minimum is above its maximum: no pod passes. A control',
        'that allows what the level forbids (host ports under baseline, say) has no effect and misleads the reader.',
      ].join(' '),
      bad: [
        {
          path: POLICY_FILE,
          text: policy(`  namespaces: [shop]
  controls:
    appArmor:
      required: true
      allowedProfiles: []
`),
        },
      ],
      good: [
        {
          path: POLICY_FILE,
          text: policy(`  namespaces: [shop]
  controls:
    appArmor:
      required: true
      allowedProfiles: [RuntimeDefault]
`),
        },
      ],
    },
  },
  messages: {
    impossible: '{{what}}: no pod can satisfy this policy',
    levelForbids: '{{what}}, but level {{level}} forbids it: the control has no effect',
    conflict: '{{what}}: the controls contradict each other',
  },
  check: checkContradictions,
});

type Path = (string | number)[];

/** Reports controls that no pod can satisfy, contradict each other, or allow what the level forbids. */
function checkContradictions({ policy, report }: PolicyCheckContext): void {
  if (!policy.file) return;
  const file = policy.file;
  const c = policy.controls;
  const at = (path: Path, key = false): { range?: { start: number; end: number } } => {
    const range = rangeAt(policy.root, ['spec', 'controls', ...path], key);
    return range ? { range } : {};
  };
  const impossible = (what: string, path: Path): void =>
    report({ rule: contradictoryControls, messageId: 'impossible', data: { what }, file, ...at(path) });
  for (const name of ['seccomp', 'appArmor'] as const) {
    const control = c[name];
    if (control?.required && control.allowedProfiles?.length === 0)
      impossible(`controls.${name} requires a profile but allows none`, [name, 'allowedProfiles']);
  }
  if (c.procMount?.allowed.length === 0)
    impossible('controls.procMount allows no procMount, not even Default', ['procMount', 'allowed']);
  c.hostPorts?.allowed.forEach((r, i) => {
    if (r.min > r.max) impossible(`host port range ${r.min}-${r.max} is empty`, ['hostPorts', 'allowed', i]);
  });
  if (c.volumes && !c.volumes.allowed.includes('hostPath') && (c.hostPaths?.allowed.length ?? 0) > 0)
    report({
      rule: contradictoryControls,
      messageId: 'conflict',
      data: {
        what: 'controls.hostPaths allows host paths but controls.volumes does not allow hostPath volumes',
      },
      file,
      ...at(['hostPaths'], true),
    });

  const level = policy.level;
  if (level !== 'baseline' && level !== 'restricted') return;
  const minor = policy.version.minor;
  const forbids = (what: string, path: Path): void =>
    report({
      rule: contradictoryControls,
      messageId: 'levelForbids',
      data: { what, level },
      file,
      ...at(path),
    });
  if ((c.hostPorts?.allowed.length ?? 0) > 0)
    forbids('controls.hostPorts allows host ports', ['hostPorts', 'allowed']);
  if ((c.hostPaths?.allowed.length ?? 0) > 0)
    forbids('controls.hostPaths allows host paths', ['hostPaths', 'allowed']);
  c.volumes?.allowed.forEach((v, i) => {
    if (v === 'hostPath' || (level === 'restricted' && !ALLOWED_VOLUME_TYPES.includes(v)))
      forbids(`controls.volumes allows ${v} volumes`, ['volumes', 'allowed', i]);
  });
  c.capabilities?.allowed?.forEach((cap, i) => {
    const ok =
      level === 'restricted' && minor >= 22 ? cap === 'NET_BIND_SERVICE' : DEFAULT_CAPABILITIES.has(cap);
    if (!ok) forbids(`controls.capabilities allows adding ${cap}`, ['capabilities', 'allowed', i]);
  });
  for (const name of ['seccomp', 'appArmor'] as const) {
    c[name]?.allowedProfiles?.forEach((p, i) => {
      if (p === 'Unconfined') forbids(`controls.${name} allows Unconfined`, [name, 'allowedProfiles', i]);
    });
  }
  const relaxed = level === 'baseline' && minor >= 35 && c.userNamespaces?.required === true;
  c.procMount?.allowed.forEach((p, i) => {
    if (p !== 'Default' && !relaxed) forbids(`controls.procMount allows ${p}`, ['procMount', 'allowed', i]);
  });
  const safe = safeSysctls(minor);
  c.sysctls?.allowed.forEach((s, i) => {
    if (!safe.includes(s)) forbids(`controls.sysctls allows ${s}`, ['sysctls', 'allowed', i]);
  });
  const types = minor >= 31 ? SELINUX_TYPES_1_31 : SELINUX_TYPES_1_0;
  c.seLinux?.allowedTypes.forEach((t, i) => {
    if (!types.has(t)) forbids(`controls.seLinux allows type ${t}`, ['seLinux', 'allowedTypes', i]);
  });
}
