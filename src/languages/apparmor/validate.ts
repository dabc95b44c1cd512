/**
 * What apparmor_parser checks in a rule after parsing it: names, access words, conditions and
 * values of capability, network, signal, ptrace, unix, dbus, mount, mqueue, io_uring, userns, all,
 * change_profile and rlimit rules, the qualifiers a rule takes, and profile flags.
 */
import { didYouMeanSuffix } from '../../core/did-you-mean.js';
import type { Condition, Flag, MediationRule, Profile, Rule, Word } from './ast.js';
import { checkPattern } from './aare.js';
import type { Reporter } from './reporter.js';
import { invalidFlags } from './rules/invalid-flags.js';
import { invalidOption } from './rules/invalid-option.js';
import { invalidPermissions } from './rules/invalid-permissions.js';
import { invalidQualifier } from './rules/invalid-qualifier.js';
import { unknownCapability } from './rules/unknown-capability.js';
import {
  CAPABILITIES,
  CONFLICTING_FLAGS,
  DBUS_PERMISSIONS,
  ERRNO_NAMES,
  IO_URING_PERMISSIONS,
  MODE_FLAGS,
  MOUNT_OPTIONS,
  MQUEUE_PERMISSIONS,
  NETWORK_DOMAINS,
  NETWORK_PERMISSIONS,
  NETWORK_PROTOCOLS,
  NETWORK_PROTOCOL_TYPES,
  NETWORK_TYPES,
  PLAIN_FLAGS,
  PROPAGATION_OPTIONS,
  PTRACE_PERMISSIONS,
  RLIMITS,
  SIGNALS,
  SIGNAL_PERMISSIONS,
  UNIX_PERMISSIONS,
  USERNS_PERMISSIONS,
} from './tables.js';

export { reporterFor } from './reporter.js';
export type { Reporter };

interface KindSpec {
  permissions?: ReadonlySet<string>;
  keys: readonly string[];
  peerKeys?: readonly string[];
  /** Keys whose value is a single word. */
  single?: readonly string[];
}

const SPECS: Partial<Record<MediationRule['kind'], KindSpec>> = {
  signal: { permissions: SIGNAL_PERMISSIONS, keys: ['set', 'peer'] },
  ptrace: { permissions: PTRACE_PERMISSIONS, keys: ['peer'], single: ['peer'] },
  unix: {
    permissions: UNIX_PERMISSIONS,
    keys: ['type', 'protocol', 'addr', 'attr', 'opt', 'peer'],
    peerKeys: ['addr', 'label'],
    single: ['type', 'protocol', 'addr'],
  },
  dbus: {
    permissions: DBUS_PERMISSIONS,
    keys: ['bus', 'path', 'interface', 'member', 'name', 'peer'],
    peerKeys: ['name', 'label'],
    single: ['bus', 'path', 'interface', 'member'],
  },
  mqueue: { permissions: MQUEUE_PERMISSIONS, keys: ['type', 'label'], single: ['type', 'label'] },
  io_uring: { permissions: IO_URING_PERMISSIONS, keys: ['label'], single: ['label'] },
  userns: { permissions: USERNS_PERMISSIONS, keys: [] },
  all: { permissions: new Set(), keys: [] },
  network: {
    permissions: NETWORK_PERMISSIONS,
    keys: ['ip', 'port', 'peer'],
    peerKeys: ['ip', 'port'],
    single: ['ip', 'port'],
  },
  mount: { keys: ['fstype', 'vfstype', 'options'] },
  remount: { keys: ['fstype', 'vfstype', 'options'] },
  umount: { keys: ['fstype', 'vfstype', 'options'] },
  pivot_root: { keys: ['oldroot'], single: ['oldroot'] },
  change_profile: { keys: [] },
};

/** Socket accesses that have no peer. */
const NO_PEER = new Set(['create', 'bind', 'listen', 'shutdown', 'getattr', 'setattr', 'getopt', 'setopt']);

/** Qualifiers first: owner only on file rules, none on rlimit. */
function validateQualifiers(rule: Rule, report: Reporter): void {
  if (rule.kind === 'file' || rule.kind === 'link') return;
  const q = rule.qualifiers;
  if (q.owner) report(invalidQualifier, 'notFor', q.owner, { word: 'owner', kind: rule.kind });
  if (q.other) report(invalidQualifier, 'notFor', q.other, { word: 'other', kind: rule.kind });
  if (rule.kind === 'rlimit') {
    for (const key of ['audit', 'allow', 'deny'] as const) {
      const range = q[key];
      if (range) report(invalidQualifier, 'notFor', range, { word: key, kind: 'rlimit' });
    }
  }
}

export function validateRule(rule: Rule, report: Reporter): void {
  validateQualifiers(rule, report);
  if (rule.kind === 'file') {
    if (rule.path) checkPath(rule.path, report);
    if (rule.target) checkPattern(rule.target, report);
    return;
  }
  if (rule.kind === 'link') {
    checkPath(rule.path, report);
    checkPath(rule.target, report);
    return;
  }
  switch (rule.kind) {
    case 'capability':
      return validateCapability(rule, report);
    case 'network':
      return validateNetwork(rule, report);
    case 'rlimit':
      return validateRlimit(rule, report);
    default:
      return validateGeneric(rule, report);
  }
}

function checkPath(word: Word, report: Reporter): void {
  checkPattern(word, report, true);
}

function validateCapability(rule: MediationRule, report: Reporter): void {
  if (rule.parenthesized || rule.conditions.length > 0 || rule.target) {
    report(invalidOption, 'invalid', rule.keyword, { detail: 'capability rules take capability names only' });
    return;
  }
  for (const name of [...rule.permissions, ...rule.words]) {
    if (!CAPABILITIES.has(name.text)) {
      report(unknownCapability, 'unknown', name, {
        name: name.text,
        hint: didYouMeanSuffix(name.text.toLowerCase().replace(/^cap_/, ''), [...CAPABILITIES]),
      });
    }
  }
}

function validateNetwork(rule: MediationRule, report: Reporter): void {
  const words = rule.parenthesized ? rule.words : [...rule.permissions, ...rule.words];
  let stage = rule.parenthesized ? 1 : 0; // 0 permissions, 1 domain, 2 type/protocol, 3 done
  let domain: string | undefined;
  const access: string[] = rule.parenthesized ? rule.permissions.map((p) => p.text) : [];
  for (const word of words) {
    const text = word.text;
    if (stage === 0 && NETWORK_PERMISSIONS.has(text)) {
      access.push(text);
      continue;
    }
    if (stage <= 1 && NETWORK_DOMAINS.has(text)) {
      stage = 2;
      domain = text;
      continue;
    }
    if (stage <= 2 && (NETWORK_TYPES.has(text) || NETWORK_PROTOCOLS.has(text))) {
      stage = 3;
      const mapped = NETWORK_PROTOCOL_TYPES[text];
      if (mapped && domain !== undefined && !mapped.domains.includes(domain)) {
        report(invalidOption, 'invalid', word, {
          detail: `"${domain} ${text}" is no network entry apparmor_parser knows (${text} is mapped for ${mapped.domains.join(' and ')} only)`,
        });
        return;
      }
      continue;
    }
    report(invalidOption, 'badValue', word, {
      what: 'network family, type or protocol',
      value: text,
      hint: didYouMeanSuffix(text, [...NETWORK_DOMAINS, ...NETWORK_TYPES, ...NETWORK_PROTOCOLS]),
    });
    return;
  }
  if (rule.parenthesized) checkPermissions(rule, NETWORK_PERMISSIONS, report);
  checkConditions(rule, SPECS.network as KindSpec, report);
  if (rule.conditions.some((c) => c.key === 'peer') && access.some((a) => NO_PEER.has(a))) {
    report(invalidOption, 'invalid', rule.keyword, {
      detail: 'peer= does not apply to create, bind, listen, shutdown, getattr, setattr, getopt or setopt',
    });
  }
  for (const condition of allConditions(rule.conditions)) {
    for (const value of condition.values) {
      if (condition.key === 'ip' && !isIpAddress(value.text)) {
        report(invalidOption, 'badValue', value, { what: 'IP address', value: value.text, hint: '' });
      }
      if (condition.key === 'port' && !isPortRange(value.text)) {
        report(invalidOption, 'badValue', value, { what: 'port', value: value.text, hint: '' });
      }
    }
  }
  if (rule.target)
    report(invalidOption, 'invalid', rule.target, { detail: 'network rules take no "->" target' });
}

function allConditions(conditions: readonly Condition[]): Condition[] {
  return conditions.flatMap((c) => [c, ...(c.nested ?? [])]);
}

function isIpAddress(text: string): boolean {
  if (text === 'none') return true;
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (v4) return v4.slice(1).every((part) => Number(part) <= 255);
  if (!/^[0-9a-fA-F:]+$/.test(text) || !text.includes(':')) return false;
  const halves = text.split('::');
  if (halves.length > 2) return false;
  const groups = halves.flatMap((half) => (half === '' ? [] : half.split(':')));
  if (groups.some((g) => g.length === 0 || g.length > 4)) return false;
  return halves.length === 2 ? groups.length < 8 : groups.length === 8;
}

function isPortRange(text: string): boolean {
  const m = /^(\d+)(?:-(\d+))?$/.exec(text);
  if (!m) return false;
  const low = Number(m[1]);
  const high = m[2] === undefined ? low : Number(m[2]);
  return low <= 65535 && high <= 65535 && low <= high;
}

const SIZE = /^(\d+)(K|KB|M|MB|G|GB)?$/;
const TIME =
  /^(\d+)\s*(us|microsecond|microseconds|ms|millisecond|milliseconds|s|sec|second|seconds|min|minute|minutes|h|hour|hours|d|day|days|week|weeks)?$/;

function validateRlimit(rule: MediationRule, report: Reporter): void {
  const name = rule.permissions[0];
  const value = rule.words[0];
  if (!name || !value) return;
  const kind = RLIMITS.get(name.text);
  if (!kind) {
    report(invalidOption, 'badValue', name, {
      what: 'rlimit',
      value: name.text,
      hint: didYouMeanSuffix(name.text, [...RLIMITS.keys()]),
    });
    return;
  }
  const text = value.text;
  if (text === 'infinity' && kind !== 'nice') return;
  let ok: boolean;
  switch (kind) {
    case 'size':
      ok = SIZE.test(text);
      break;
    case 'number':
      ok = /^\d+$/.test(text);
      break;
    case 'nice':
      ok = /^[+-]?\d+$/.test(text) && Number(text) >= -20 && Number(text) <= 19;
      break;
    case 'time':
    case 'rttime': {
      const m = TIME.exec(text);
      ok = m !== null;
      if (m && kind === 'time' && /^(us|micro|ms|milli)/.test(m[2] ?? '')) ok = false;
      break;
    }
  }
  if (!ok)
    report(invalidOption, 'badValue', value, {
      what: `value for rlimit ${name.text}`,
      value: text,
      hint: '',
    });
}

function checkPermissions(rule: MediationRule, allowed: ReadonlySet<string>, report: Reporter): boolean {
  for (const word of rule.permissions) {
    if (!allowed.has(word.text)) {
      report(invalidPermissions, 'notFor', word, {
        perm: word.text,
        kind: rule.kind,
        hint: didYouMeanSuffix(word.text, [...allowed]),
      });
      return false;
    }
  }
  return true;
}

function checkConditions(rule: MediationRule, spec: KindSpec, report: Reporter): void {
  const seen = new Set<string>();
  for (const condition of rule.conditions) {
    const key = condition.key === 'vfstype' ? 'fstype' : condition.key;
    if (!spec.keys.includes(condition.key)) {
      report(invalidOption, 'unknownKey', condition.keyRange, {
        kind: rule.kind,
        key: condition.key,
        hint: didYouMeanSuffix(condition.key, [...spec.keys]),
      });
      continue;
    }
    if (seen.has(key) && key !== 'set' && key !== 'options') {
      report(invalidOption, 'invalid', condition.keyRange, { detail: `${condition.key}= is given twice` });
    }
    seen.add(key);
    if (
      condition.membership &&
      !(rule.kind === 'mount' || rule.kind === 'remount' || rule.kind === 'umount')
    ) {
      report(invalidOption, 'invalid', condition.keyRange, {
        detail: `${rule.kind} rules do not take "${condition.key} in (...)"`,
      });
    }
    if (spec.single?.includes(condition.key) && condition.values.length !== 1 && !condition.nested) {
      report(invalidOption, 'invalid', condition, { detail: `${condition.key}= takes a single value` });
    }
    if (condition.key === 'peer') {
      if (!condition.nested) {
        if (!spec.peerKeys) continue;
        report(invalidOption, 'invalid', condition, { detail: 'peer= takes (key=value ...) conditions' });
        continue;
      }
      for (const nested of condition.nested) {
        if (!(spec.peerKeys ?? []).includes(nested.key)) {
          report(invalidOption, 'unknownKey', nested.keyRange, {
            kind: `${rule.kind} peer`,
            key: nested.key,
            hint: didYouMeanSuffix(nested.key, [...(spec.peerKeys ?? [])]),
          });
        }
      }
    } else if (condition.nested) {
      report(invalidOption, 'invalid', condition, {
        detail: `${condition.key}= does not take nested conditions`,
      });
    }
    for (const value of condition.values) checkPattern(value, report);
    for (const nested of condition.nested ?? [])
      for (const value of nested.values) checkPattern(value, report);
  }
}

function validateGeneric(rule: MediationRule, report: Reporter): void {
  const spec = SPECS[rule.kind];
  if (!spec) return;
  const isMount =
    rule.kind === 'mount' || rule.kind === 'remount' || rule.kind === 'umount' || rule.kind === 'pivot_root';
  if (isMount || rule.kind === 'change_profile') {
    // Bare words of these rules are paths, not access words.
    rule.words.unshift(...rule.permissions.splice(0));
  }
  if (spec.permissions && !checkPermissions(rule, spec.permissions, report)) return;
  if (!rule.parenthesized && rule.permissions.length > 1) {
    report(invalidOption, 'invalid', rule.permissions[1] as Word, {
      detail: `several ${rule.kind} permissions must be written in parentheses: (${rule.permissions.map((p) => p.text).join(', ')})`,
    });
    return;
  }
  checkConditions(rule, spec, report);
  if (
    !isMount &&
    rule.kind !== 'change_profile' &&
    rule.kind !== 'mqueue' &&
    rule.kind !== 'unix' &&
    rule.words.length > 0
  ) {
    const word = rule.words[0] as Word;
    report(invalidOption, 'invalid', word, { detail: `unexpected "${word.text}" in a ${rule.kind} rule` });
    return;
  }
  switch (rule.kind) {
    case 'signal':
      for (const condition of rule.conditions) {
        if (condition.key !== 'set') continue;
        for (const value of condition.values) {
          if (!isSignal(value.text)) {
            report(invalidOption, 'badValue', value, {
              what: 'signal',
              value: value.text,
              hint: didYouMeanSuffix(value.text, [...SIGNALS]),
            });
          }
        }
      }
      break;
    case 'unix':
      for (const value of rule.conditions.find((c) => c.key === 'type')?.values ?? []) {
        if (!NETWORK_TYPES.has(value.text)) {
          report(invalidOption, 'badValue', value, {
            what: 'socket type',
            value: value.text,
            hint: didYouMeanSuffix(value.text, [...NETWORK_TYPES]),
          });
        }
      }
      if (
        rule.conditions.some((c) => c.key === 'peer') &&
        rule.permissions.some((p) => NO_PEER.has(p.text))
      ) {
        report(invalidOption, 'invalid', rule.keyword, {
          detail:
            'peer= does not apply to create, bind, listen, shutdown, getattr, setattr, getopt or setopt',
        });
      }
      break;
    case 'mqueue': {
      const type = rule.conditions.find((c) => c.key === 'type')?.values[0]?.text;
      if (type !== undefined && type !== 'posix' && type !== 'sysv') {
        report(invalidOption, 'badValue', rule.conditions.find((c) => c.key === 'type') as Condition, {
          what: 'mqueue type',
          value: type,
          hint: '',
        });
      }
      for (const word of rule.words) {
        const sysv = /^\d+$/.test(word.text);
        const posix = word.text.startsWith('/') || word.text.startsWith('@{');
        if ((!sysv && !posix) || (type === 'sysv' && !sysv) || (type === 'posix' && !posix)) {
          report(invalidOption, 'badValue', word, {
            what: 'message queue name',
            value: word.text,
            hint: ' (posix names start with /, sysv keys are numbers)',
          });
        }
      }
      if (rule.words.length > 1)
        report(invalidOption, 'invalid', rule.words[1] as Word, { detail: 'mqueue rules name one queue' });
      break;
    }
    case 'mount':
    case 'remount':
    case 'umount':
      validateMount(rule, report);
      break;
    case 'pivot_root':
      if (rule.words.length > 1)
        report(invalidOption, 'invalid', rule.words[1] as Word, { detail: 'pivot_root takes one new root' });
      for (const word of rule.words) checkPath(word, report);
      break;
    case 'change_profile': {
      const words = [...rule.words];
      if (words[0] && (words[0].text === 'safe' || words[0].text === 'unsafe')) {
        const mode = words.shift() as Word;
        if (words.length === 0)
          report(invalidOption, 'invalid', mode, {
            detail: `"${mode.text}" needs an exec path: change_profile ${mode.text} /path -> profile`,
          });
      }
      if (words.length > 1)
        report(invalidOption, 'invalid', words[1] as Word, {
          detail: 'change_profile takes one exec path before "->"',
        });
      for (const word of words) checkPath(word, report);
      if (rule.target) checkPattern(rule.target, report);
      break;
    }
    default:
      if (rule.words.length > 0) {
        const word = rule.words[0] as Word;
        report(invalidOption, 'invalid', word, {
          detail: `unexpected "${word.text}" in a ${rule.kind} rule`,
        });
      }
      if (rule.target)
        report(invalidOption, 'invalid', rule.target, { detail: `${rule.kind} rules take no "->" target` });
  }
}

const OPPOSITE_MOUNT_OPTIONS = new Map<string, string[]>();
for (const [a, b] of [
  ['ro', 'rw'],
  ['r', 'rw'],
  ['read-only', 'rw'],
  ['ro', 'w'],
  ['suid', 'nosuid'],
  ['dev', 'nodev'],
  ['exec', 'noexec'],
  ['sync', 'async'],
  ['mand', 'nomand'],
  ['symfollow', 'nosymfollow'],
  ['atime', 'noatime'],
  ['diratime', 'nodiratime'],
  ['acl', 'noacl'],
  ['relatime', 'norelatime'],
  ['iversion', 'noiversion'],
  ['strictatime', 'nostrictatime'],
  ['lazytime', 'nolazytime'],
  ['user', 'nouser'],
] as const) {
  OPPOSITE_MOUNT_OPTIONS.set(a, [...(OPPOSITE_MOUNT_OPTIONS.get(a) ?? []), b]);
  OPPOSITE_MOUNT_OPTIONS.set(b, [...(OPPOSITE_MOUNT_OPTIONS.get(b) ?? []), a]);
}

function isSignal(text: string): boolean {
  if (SIGNALS.has(text)) return true;
  const m = /^rtmin\+(\d+)$/.exec(text);
  return m !== null && Number(m[1]) <= 32;
}

function validateMount(rule: MediationRule, report: Reporter): void {
  const options = rule.conditions.filter((c) => c.key === 'options');
  let propagation = false;
  for (const condition of options) {
    const seen = new Set<string>();
    for (const value of condition.values) {
      if (value.text.includes(',')) {
        report(invalidOption, 'invalid', value, {
          detail: `several mount options must be written in parentheses: options=(${value.text})`,
        });
        return;
      }
      for (const option of [value.text]) {
        if (option === '') continue;
        const opposite = OPPOSITE_MOUNT_OPTIONS.get(option)?.find((o) => seen.has(o));
        if (!condition.membership && opposite) {
          report(invalidOption, 'invalid', value, {
            detail: `mount options "${opposite}" and "${option}" contradict each other`,
          });
          return;
        }
        seen.add(option);
        if (!MOUNT_OPTIONS.has(option)) {
          report(invalidOption, 'badValue', value, {
            what: 'mount option',
            value: option,
            hint: didYouMeanSuffix(option, [...MOUNT_OPTIONS]),
          });
          return;
        }
        if (PROPAGATION_OPTIONS.has(option)) propagation = true;
      }
    }
  }
  if (rule.kind === 'mount') {
    if (rule.words.length > 1)
      report(invalidOption, 'invalid', rule.words[1] as Word, {
        detail: 'mount takes one source; write the mount point after "->"',
      });
    if (propagation && rule.words.length > 0 && rule.target) {
      report(invalidOption, 'invalid', rule.words[0] as Word, {
        detail: 'propagation options (make-shared, ...) take no source',
      });
    }
    for (const word of rule.words) checkPattern(word, report);
    if (rule.target) checkPath(rule.target, report);
  } else {
    if (rule.target)
      report(invalidOption, 'invalid', rule.target, { detail: `${rule.kind} takes no "->" target` });
    if (rule.words.length > 1)
      report(invalidOption, 'invalid', rule.words[1] as Word, {
        detail: `${rule.kind} takes one mount point`,
      });
    for (const word of rule.words) checkPath(word, report);
  }
}

// ------------------------------------------------------------------------------------ flags

export function validateFlags(profile: Profile, report: Reporter): void {
  if (profile.flagsRange && profile.flags.length === 0) {
    report(invalidFlags, 'empty', profile.flagsRange);
    return;
  }
  const seen = new Map<string, Flag>();
  for (const flag of profile.flags) {
    const name = flag.name;
    if (flag.value !== undefined) {
      checkFlagValue(flag, report);
      seen.set(name, flag);
      continue;
    }
    if (!PLAIN_FLAGS.has(name) && name !== 'debug') {
      report(invalidFlags, 'unknown', flag, { name, hint: didYouMeanSuffix(name, [...PLAIN_FLAGS]) });
      continue;
    }
    if (MODE_FLAGS.has(name)) {
      const other = [...seen.keys()].find((n) => MODE_FLAGS.has(n) && n !== name);
      if (other) report(invalidFlags, 'conflict', flag, { a: other, b: name });
    }
    for (const [a, b] of CONFLICTING_FLAGS) {
      const other = name === a ? b : name === b ? a : undefined;
      if (other && seen.has(other)) report(invalidFlags, 'conflict', flag, { a: other, b: name });
    }
    seen.set(name, flag);
  }
}

function checkFlagValue(flag: Flag, report: Reporter): void {
  const value = flag.value?.text ?? '';
  const bad = (detail: string): void => report(invalidFlags, 'value', flag, { name: flag.name, detail });
  switch (flag.name) {
    case 'kill.signal':
      if (!isSignal(value)) bad(`"${value}" is not a signal name`);
      return;
    case 'error':
      if (!ERRNO_NAMES.has(value)) bad(`"${value}" is not an errno name such as EPERM`);
      return;
    case 'attach_disconnected.path':
    case 'attach_disconnected.ipc':
      if (!value.startsWith('/')) bad(`"${value}" is not an absolute path`);
      return;
    default:
      report(invalidFlags, 'unknown', flag, { name: `${flag.name}=`, hint: '' });
  }
}
