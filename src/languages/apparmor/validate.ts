/**
 * What apparmor_parser checks in a rule after parsing it: names, access words, conditions and
 * values of capability, network, signal, ptrace, unix, dbus, mount, mqueue, io_uring, userns, all,
 * change_profile and rlimit rules, the qualifiers a rule takes, and profile flags.
 */
import { didYouMeanSuffix } from '../../core/did-you-mean.js';
import type { Condition, FileRule, MediationRule, Rule, Word } from './ast.js';
import { checkPattern } from './aare.js';
import { validateMount } from './validate-mount.js';
import { NO_PEER, isListedAccess, validateNetwork } from './validate-network.js';
import type { Reporter } from './reporter.js';
import { invalidOption } from './rules/invalid-option.js';
import { invalidPermissions } from './rules/invalid-permissions.js';
import { invalidQualifier } from './rules/invalid-qualifier.js';
import { unknownCapability } from './rules/unknown-capability.js';
import {
  CAPABILITIES,
  DBUS_PERMISSIONS,
  IO_URING_PERMISSIONS,
  isSignal,
  MQUEUE_PERMISSIONS,
  NETWORK_PERMISSIONS,
  NETWORK_TYPES,
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
  /** Keys the rule does not take although a user may expect it to: why, as the message's end. */
  refused?: Readonly<Record<string, string>>;
}

const UNIX_NOT_YET = ' (apparmor_parser does not support it on unix rules yet: leave it out)';

const DBUS_KEYS = ['bus', 'path', 'interface', 'member', 'name', 'label'];

const SPECS: Partial<Record<MediationRule['kind'], KindSpec>> = {
  signal: { permissions: SIGNAL_PERMISSIONS, keys: ['set', 'peer'] },
  ptrace: { permissions: PTRACE_PERMISSIONS, keys: ['peer'], single: ['peer'] },
  // AppArmor 4.1's af_unix.cc and af_rule.cc: protocol, attr and opt are parsed but refused.
  unix: {
    permissions: UNIX_PERMISSIONS,
    keys: ['type', 'addr', 'peer'],
    peerKeys: ['addr', 'label'],
    single: ['type', 'addr', 'label'],
    refused: {
      protocol: UNIX_NOT_YET,
      attr: UNIX_NOT_YET,
      opt: UNIX_NOT_YET,
      label: ' (the local label is the profile\'s own: write peer=(label=...) for the other end)',
    },
  },
  dbus: {
    permissions: DBUS_PERMISSIONS,
    keys: [...DBUS_KEYS, 'peer'],
    peerKeys: DBUS_KEYS,
    single: DBUS_KEYS,
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

/** Qualifiers first: owner only on file rules, none on rlimit. */
function validateQualifiers(rule: Rule, report: Reporter): void {
  if (rule.kind === 'file' || rule.kind === 'link') return;
  const q = rule.qualifiers;
  if (q.owner) report(invalidQualifier, 'notFor', q.owner, { word: 'owner', kind: rule.kind });
  if (q.other) report(invalidQualifier, 'notFor', q.other, { word: 'other', kind: rule.kind });
  if (rule.kind === 'rlimit') {
    for (const key of ['audit', 'allow', 'deny', 'prompt'] as const) {
      const range = q[key];
      if (range) report(invalidQualifier, 'notFor', range, { word: key, kind: 'rlimit' });
    }
  }
}

export function validateRule(rule: Rule, report: Reporter): void {
  validateQualifiers(rule, report);
  if (rule.kind === 'file') {
    validateFileRule(rule, report);
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

/** What file_rule_tail and frule check in parser_yacc.y once the permissions are read. */
function validateFileRule(rule: FileRule, report: Reporter): void {
  if (rule.safety && !rule.permissions.exec)
    report(invalidPermissions, 'unsafeWithoutExec', rule.safety, { safety: rule.safety.text });
  const p = rule.permissions;
  if (rule.permissionsFirst && rule.target && p.link && p.exec && rule.permissionsWord)
    report(invalidPermissions, 'linkAndExec', rule.permissionsWord);
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

/** AppArmor 4.1's time units, in microseconds (parser_misc.c, time_units). */
const TIME_UNITS: ReadonlyMap<string, number> = new Map([
  ...['us', 'microsecond', 'microseconds'].map((u) => [u, 1] as const),
  ...['ms', 'millisecond', 'milliseconds'].map((u) => [u, 1e3] as const),
  ...['s', 'sec', 'second', 'seconds'].map((u) => [u, 1e6] as const),
  ...['min', 'minute', 'minutes'].map((u) => [u, 60e6] as const),
  ...['h', 'hour', 'hours'].map((u) => [u, 3600e6] as const),
  ...['d', 'day', 'days'].map((u) => [u, 86400e6] as const),
  ...['week', 'weeks'].map((u) => [u, 604800e6] as const),
]);
const SIZE_UNITS: ReadonlySet<string> = new Set(['K', 'KB', 'M', 'MB', 'G', 'GB']);

const RLIMIT_VALUES: Record<'size' | 'number' | 'time' | 'nice' | 'rttime', string> = {
  size: 'bytes, or a number with K, KB, M, MB, G or GB',
  number: 'a count: digits, no unit',
  nice: 'a number from -20 to 19',
  time: 'seconds, or a number with a unit such as 30s, 5min or 2h, at least 1s',
  rttime: 'microseconds, or a number with a unit such as 500ms or 2s',
};

/**
 * As AppArmor 4.1's grammar reads `set rlimit NAME <= VALUE [UNIT],`: the value is digits (or
 * `infinity`, which every limit takes), the unit a word written after it with or without a space.
 */
function validateRlimit(rule: MediationRule, report: Reporter): void {
  const name = rule.permissions[0];
  const [value, unitWord] = rule.words;
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
  const bad = (detail = ''): void =>
    report(invalidOption, 'badValue', unitWord ? { start: value.start, end: unitWord.end } : value, {
      what: `value for rlimit ${name.text}`,
      value: unitWord ? `${value.text} ${unitWord.text}` : value.text,
      hint: detail || ` (${RLIMIT_VALUES[kind]})`,
    });
  if (value.text === 'infinity') return;
  const written = /^(-?\d+)([A-Za-z_]*)$/.exec(value.text);
  if (!written || (written[2] && unitWord)) return bad();
  const amount = Number(written[1]);
  const unit = written[2] || unitWord?.text;
  switch (kind) {
    case 'number':
      if (amount < 0 || unit) bad();
      return;
    case 'nice':
      if (unit || amount < -20 || amount > 19) bad();
      return;
    case 'size':
      if (amount < 0 || (unit !== undefined && !SIZE_UNITS.has(unit))) bad();
      return;
    case 'time':
    case 'rttime': {
      const micro = unit === undefined ? undefined : TIME_UNITS.get(unit);
      if (amount < 0 || (unit !== undefined && micro === undefined)) return bad();
      // A value with a unit is converted to the limit's own unit and must not round down to 0.
      const base = kind === 'time' ? 1e6 : 1;
      if (micro !== undefined && amount * micro < base)
        bad(kind === 'time' ? ' (the cpu limit is at least 1s)' : ' (at least 1us)');
      return;
    }
  }
}

/**
 * The access of a rule as its lexer state reads it: outside parentheses one keyword of the class
 * or `r`, `w`, `rw`, `wr`; inside, names or strings of r and w. userns takes no list (its lexer
 * state has no parenthesis), io_uring ignores what its list does not know.
 */
function checkPermissions(rule: MediationRule, allowed: ReadonlySet<string>, report: Reporter): boolean {
  if (rule.kind === 'mqueue' && !rule.parenthesized) {
    // A bare word that is no access is the queue name (`mqueue rw 1234,`).
    const names = rule.permissions.filter((w) => !allowed.has(w.text));
    rule.permissions = rule.permissions.filter((w) => allowed.has(w.text));
    rule.words.unshift(...names);
  }
  if (rule.parenthesized && rule.kind === 'userns') {
    report(invalidOption, 'invalid', rule.keyword, {
      detail: 'userns rules take "create" without parentheses: userns create,',
    });
    return false;
  }
  if (rule.parenthesized && rule.kind === 'io_uring') return true;
  for (const word of rule.permissions) {
    const known = rule.parenthesized ? isListedAccess(word.text, allowed) : allowed.has(word.text);
    if (!known) {
      report(invalidPermissions, 'notFor', word, {
        perm: word.text,
        kind: rule.kind,
        hint: didYouMeanSuffix(word.text, [...allowed]),
      });
      return false;
    }
  }
  if (!rule.parenthesized && rule.permissions.length > 1) {
    report(invalidOption, 'invalid', rule.permissions[1] as Word, {
      detail: `several ${rule.kind} permissions must be written in parentheses: (${rule.permissions.map((p) => p.text).join(', ')})`,
    });
    return false;
  }
  return true;
}

/**
 * What dbus.cc refuses: `label` outside `peer=(...)`, a condition given twice (peer included), a
 * rule that is both about messages (path, interface, member, a peer) and about a service (its own
 * name), and access that does not fit: bind is for services, send and receive for messages, and
 * eavesdrop takes a bus only.
 */
function validateDbus(rule: MediationRule, report: Reporter): void {
  const subject = rule.conditions.filter((c) => c.key !== 'peer');
  const peer = rule.conditions.filter((c) => c.key === 'peer').flatMap((c) => c.nested ?? []);
  const label = subject.find((c) => c.key === 'label');
  if (label) {
    report(invalidOption, 'invalid', label.keyRange, {
      detail: 'dbus label= belongs inside peer=(...): dbus peer=(label=...)',
    });
    return;
  }
  const seen = new Set<string>();
  for (const condition of [...subject, ...peer]) {
    if (seen.has(condition.key)) {
      report(invalidOption, 'invalid', condition.keyRange, {
        detail: `dbus ${condition.key}= can be given once (peer=(...) included)`,
      });
      return;
    }
    seen.add(condition.key);
  }
  const service = subject.some((c) => c.key === 'name');
  const message = [...subject, ...peer].some((c) => c.key !== 'bus' && c.key !== 'name') || peer.length > 0;
  if (service && message) {
    report(invalidOption, 'invalid', rule.keyword, {
      detail:
        'a dbus rule is about a service (name=) or about messages (path, interface, member, peer=(...)), not both: write two rules',
    });
    return;
  }
  const access = new Set(rule.permissions.flatMap((p) => dbusAccess(p.text)));
  if (message && access.has('bind'))
    report(invalidOption, 'invalid', rule.keyword, {
      detail: 'dbus bind is for a service name= rule, not for messages',
    });
  else if (service && (access.has('send') || access.has('receive')))
    report(invalidOption, 'invalid', rule.keyword, {
      detail: 'dbus send and receive are for messages, not for a service name= rule',
    });
  else if (access.has('eavesdrop') && seen.size > (seen.has('bus') ? 1 : 0))
    report(invalidOption, 'invalid', rule.keyword, { detail: 'dbus eavesdrop takes a bus= condition only' });
}

function dbusAccess(word: string): string[] {
  if (word === 'write') return ['send'];
  if (word === 'read') return ['receive'];
  if (/^[rwRW]+$/.test(word))
    return [...(/[wW]/.test(word) ? ['send'] : []), ...(/[rR]/.test(word) ? ['receive'] : [])];
  return [word];
}

function checkConditions(rule: MediationRule, spec: KindSpec, report: Reporter): void {
  const seen = new Set<string>();
  for (const condition of rule.conditions) {
    const key = condition.key === 'vfstype' ? 'fstype' : condition.key;
    if (!spec.keys.includes(condition.key)) {
      report(invalidOption, 'unknownKey', condition.keyRange, {
        kind: rule.kind,
        key: condition.key,
        hint: spec.refused?.[condition.key] ?? didYouMeanSuffix(condition.key, [...spec.keys]),
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
      if (!spec.peerKeys) {
        report(invalidOption, 'invalid', condition, {
          detail: `${rule.kind} rules take peer=LABEL, not a peer=(...) group`,
        });
        continue;
      }
      for (const nested of condition.nested) {
        if (spec.single?.includes(nested.key) && nested.values.length !== 1)
          report(invalidOption, 'invalid', nested, { detail: `${nested.key}= takes a single value` });
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
  if (rule.kind === 'mount' || rule.kind === 'remount' || rule.kind === 'umount')
    return validateMount(rule, report);
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
    case 'dbus':
      validateDbus(rule, report);
      break;
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
      for (const condition of [rule.conditions, ...rule.conditions.map((c) => c.nested ?? [])].flat()) {
        const address = condition.key === 'addr' ? condition.values[0] : undefined;
        if (address && !address.text.startsWith('@') && address.text !== 'none' && address.text !== 'auto')
          report(invalidOption, 'badValue', address, {
            what: 'unix socket address',
            value: address.text,
            hint: address.text.startsWith('/')
              ? ' (a socket with a path is a file: allow it with a file rule such as "/run/app.sock rw,"; addr= takes @abstract, none or auto)'
              : ' (addr= takes an abstract address starting with @, none or auto)',
          });
      }
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
        // The name is checked before variables are expanded: @{VAR} is no queue name.
        const posix = word.text.startsWith('/');
        if ((!sysv && !posix) || (type === 'sysv' && !sysv) || (type === 'posix' && !posix)) {
          report(invalidOption, 'badValue', word, {
            what: 'message queue name',
            value: word.text,
            hint: word.text.startsWith('@{')
              ? ' (apparmor_parser checks the name before expanding variables: write the name itself)'
              : ' (posix names start with /, sysv keys are numbers)',
          });
        }
      }
      if (rule.words.length > 1)
        report(invalidOption, 'invalid', rule.words[1] as Word, { detail: 'mqueue rules name one queue' });
      break;
    }
    case 'pivot_root':
      if (rule.words.length > 1)
        report(invalidOption, 'invalid', rule.words[1] as Word, { detail: 'pivot_root takes one new root' });
      // Mount points are patterns apparmor_parser does not require to be absolute.
      for (const word of rule.words) checkPattern(word, report);
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
