/**
 * `apparmor:` cases: whether a profile of the repository allows an access.
 * `{profile: NAME, access: ACCESS, expect: allow|deny|audit}`, ACCESS one of `{path, permissions}`,
 * `{exec: PATH}`, `{capability: NAME}`, `{network: {domain, type, protocol}}` (a part left out
 * stands for every value; tcp, udp and icmp choose the type), `{signal: {...}}`,
 * `{ptrace: {...}}`, `{mount: {...}}`, and the classes decided per permission, whose `access` is
 * one permission word or a list: `{unix: {access, type, addr, peer: {addr, label}}}`,
 * `{dbus: {access, bus, name, label, path, interface, member}}`, `{mqueue: {access, name, type,
 * label}}`, `{io_uring: {access, label}}`, `{userns: {access}}` (docs/apparmor-access.md).
 *
 * Each AppArmor file of the repository is loaded once per run, on its own with its includes (as
 * the loader DaemonSet runs apparmor_parser on it). The profile is decided as written: its own
 * flags count (complain allows and logs), the mode a target loads it in does not. An access that
 * is allowed and logged (an `audit` rule, complain mode) is allowed: `expect: allow` holds for it;
 * `expect: audit` asks for the log too.
 */
import { dirname } from 'node:path';
import { didYouMeanSuffix } from '../../core/did-you-mean.js';
import { discover } from '../../core/discovery.js';
import { readTextFile } from '../../core/read.js';
import { SourceFile } from '../../core/source.js';
import type { YamlMap, YamlNode } from '../../core/yaml.js';
import { pairOf } from '../../core/yaml.js';
import { loadProfileFile } from '../../languages/apparmor/index.js';
import { evaluateAccess } from '../../languages/apparmor/index.js';
import type { Access, AccessDecision, ProfileSet } from '../../languages/apparmor/index.js';
import { uncheckedInclude } from '../../languages/apparmor/index.js';
import {
  ACCESS_PERMISSIONS,
  CAPABILITIES,
  NETWORK_DOMAINS,
  NETWORK_PROTOCOL_TYPES,
  NETWORK_TYPES,
  UNIX_TYPES,
} from '../../languages/apparmor/index.js';
import { checkKeys, checkString, describeNode, span, stringAt } from '../shape.js';
import type { CaseKind, CaseOutcome, Problem, RunContext } from '../types.js';
import { at, loadErrors } from '../../core/load-errors.js';

const WHERE = 'an apparmor case';
const EXPECTATIONS = ['allow', 'deny', 'audit'];
const ACCESS_SHAPE =
  'an access is {path: PATH, permissions: PERMS}, {exec: PATH}, {capability: NAME}, {network: {domain: D, type: T}}, {signal: {...}}, {ptrace: {...}}, {mount: {...}}, {unix: {...}}, {dbus: {...}}, {mqueue: {...}}, {io_uring: {...}} or {userns: {...}}';

/** The keys of each access, and of the mapping under `network`, `signal`, `ptrace` and `mount`. */
const ACCESS_KEYS: Readonly<Record<string, { allowed: string[]; required: string[] }>> = {
  path: { allowed: ['path', 'permissions', 'owner'], required: ['path', 'permissions'] },
  exec: { allowed: ['exec', 'owner'], required: ['exec'] },
  capability: { allowed: ['capability'], required: ['capability'] },
  network: { allowed: ['domain', 'type', 'protocol', 'access'], required: [] },
  signal: { allowed: ['signal', 'peer', 'access'], required: [] },
  ptrace: { allowed: ['peer', 'access'], required: [] },
  mount: { allowed: ['operation', 'source', 'target', 'fstype', 'options'], required: ['target'] },
  unix: { allowed: ['access', 'type', 'addr', 'peer'], required: ['access'] },
  dbus: { allowed: ['access', 'bus', 'name', 'label', 'path', 'interface', 'member'], required: ['access'] },
  mqueue: { allowed: ['access', 'name', 'type', 'label'], required: ['access'] },
  io_uring: { allowed: ['access', 'label'], required: ['access'] },
  userns: { allowed: ['access'], required: [] },
};
const NESTED = ['network', 'signal', 'ptrace', 'mount', 'unix', 'dbus', 'mqueue', 'io_uring', 'userns'];
/** Keys whose value is not a string: checked on their own. */
const NOT_STRINGS = new Set(['options', 'access', 'peer']);

function validateAccess(access: YamlMap): Problem[] {
  const shape = Object.keys(ACCESS_KEYS).find((key) => pairOf(access, key));
  if (!shape) return [{ message: ACCESS_SHAPE, range: span(access) }];
  const problems: Problem[] = [];
  const where = `the ${shape} access of an apparmor case`;
  if (NESTED.includes(shape)) {
    problems.push(...checkKeys(access, where, [shape]));
    const inner = pairOf(access, shape)?.value as YamlNode;
    if (inner.kind !== 'map')
      return [
        ...problems,
        { message: `"${shape}" must be a mapping, not ${describeNode(inner)}`, range: span(inner) },
      ];
    const keys = ACCESS_KEYS[shape] as { allowed: string[]; required: string[] };
    problems.push(...checkKeys(inner, where, keys.allowed, keys.required));
    for (const pair of inner.pairs)
      if (!NOT_STRINGS.has(pair.key) || (pair.key === 'access' && !(shape in ACCESS_PERMISSIONS)))
        problems.push(...checkString(inner, pair.key, where));
    if (shape in ACCESS_PERMISSIONS) problems.push(...validatePermissions(inner, shape, where));
    if (shape === 'unix') problems.push(...validateUnix(inner, where));
    if (shape === 'mqueue') problems.push(...validateMqueue(inner));
    const domain = stringAt(inner, 'domain');
    if (shape === 'network' && typeof domain === 'string' && !NETWORK_DOMAINS.has(domain))
      problems.push({
        message: `unknown network domain "${domain}"${didYouMeanSuffix(domain, NETWORK_DOMAINS)}`,
        range: span(pairOf(inner, 'domain')?.value as YamlNode),
      });
    if (shape === 'network') problems.push(...validateSocket(inner));
    return problems;
  }
  const keys = ACCESS_KEYS[shape] as { allowed: string[]; required: string[] };
  problems.push(...checkKeys(access, where, keys.allowed, keys.required));
  for (const key of keys.allowed.filter((k) => k !== 'owner'))
    problems.push(...checkString(access, key, where));
  const owner = pairOf(access, 'owner')?.value;
  if (owner && typeof owner.value !== 'boolean')
    problems.push({
      message: `"owner" must be true or false, not ${describeNode(owner)}`,
      range: span(owner),
    });
  const permissions = stringAt(access, 'permissions');
  if (typeof permissions === 'string' && !/^[rwalkmx]+$/.test(permissions))
    problems.push({
      message: `"permissions" are letters among r, w, a, l, k, m, x, not "${permissions}"`,
      range: span(pairOf(access, 'permissions')?.value as YamlNode),
    });
  const capability = stringAt(access, 'capability');
  if (typeof capability === 'string' && !CAPABILITIES.has(capability))
    problems.push({
      message: `unknown capability "${capability}"${didYouMeanSuffix(
        capability.toLowerCase().replace(/^cap_/, ''),
        CAPABILITIES,
      )} (AppArmor writes them in lower case, without CAP_)`,
      range: span(pairOf(access, 'capability')?.value as YamlNode),
    });
  return problems;
}

/** `access` of a class decided per permission: a permission word of the class, or a list of them. */
function validatePermissions(inner: YamlMap, shape: string, where: string): Problem[] {
  const node = pairOf(inner, 'access')?.value;
  if (!node) return [];
  const words = ACCESS_PERMISSIONS[shape] ?? [];
  const items = node.kind === 'seq' ? node.items : [node];
  if (node.kind === 'map' || items.length === 0)
    return [
      {
        message: `"access" in ${where} is a permission or a list of them (${words.join(', ')}), not ${describeNode(node)}`,
        range: span(node),
      },
    ];
  const problems: Problem[] = [];
  for (const item of items) {
    const word = item.kind === 'scalar' && typeof item.value === 'string' ? item.value : undefined;
    if (word !== undefined && words.includes(word)) continue;
    problems.push({
      message:
        word === undefined
          ? `a ${shape} permission is a word (${words.join(', ')}), not ${describeNode(item)}`
          : `unknown ${shape} permission "${word}"${didYouMeanSuffix(word, words)} (${words.join(', ')})`,
      range: span(item),
    });
  }
  return problems;
}

/** A unix access's socket type, addresses (`@abstract`, `none`, `auto`, `/path`) and peer. */
function validateUnix(unix: YamlMap, where: string): Problem[] {
  const problems: Problem[] = [];
  const type = stringAt(unix, 'type');
  if (typeof type === 'string' && !(UNIX_TYPES as readonly string[]).includes(type))
    problems.push({
      message: `unknown unix socket type "${type}"${didYouMeanSuffix(type, UNIX_TYPES)} (${UNIX_TYPES.join(', ')})`,
      range: span(pairOf(unix, 'type')?.value as YamlNode),
    });
  const address = (map: YamlMap): void => {
    const addr = stringAt(map, 'addr');
    if (typeof addr === 'string' && !/^(@|\/)/.test(addr) && addr !== 'none' && addr !== 'auto')
      problems.push({
        message: `a unix address is @NAME (abstract), /PATH (bound to a file), none (unbound) or auto (autobind), not "${addr}"`,
        range: span(pairOf(map, 'addr')?.value as YamlNode),
      });
  };
  address(unix);
  const peer = pairOf(unix, 'peer')?.value;
  if (peer && peer.kind !== 'map')
    problems.push({
      message: `"peer" must be a mapping ({addr, label}), not ${describeNode(peer)}`,
      range: span(peer),
    });
  if (peer?.kind === 'map') {
    const peerWhere = `the peer of ${where}`;
    problems.push(...checkKeys(peer, peerWhere, ['addr', 'label']));
    for (const pair of peer.pairs) problems.push(...checkString(peer, pair.key, peerWhere));
    address(peer);
  }
  return problems;
}

/** An mqueue access's type, and its name agreeing with it (`/name` POSIX, a number System V). */
function validateMqueue(mqueue: YamlMap): Problem[] {
  const type = stringAt(mqueue, 'type');
  const name = stringAt(mqueue, 'name');
  const rangeOf = (key: string): Problem['range'] => span(pairOf(mqueue, key)?.value as YamlNode);
  if (typeof type === 'string' && type !== 'posix' && type !== 'sysv')
    return [{ message: `an mqueue type is posix or sysv, not "${type}"`, range: rangeOf('type') }];
  if (typeof name !== 'string') return [];
  const implied = name.startsWith('/') ? 'posix' : /^\d+$/.test(name) ? 'sysv' : undefined;
  if (implied === undefined)
    return [
      {
        message: `a message queue is named /NAME (POSIX) or by a number (System V), not "${name}"`,
        range: rangeOf('name'),
      },
    ];
  if (typeof type === 'string' && type !== implied)
    return [{ message: `"${name}" names a ${implied} queue, not a ${type} one`, range: rangeOf('name') }];
  return [];
}

/** A network access's type and protocol: known, and not contradicting each other. */
function validateSocket(network: YamlMap): Problem[] {
  const problems: Problem[] = [];
  const type = stringAt(network, 'type');
  const protocol = stringAt(network, 'protocol');
  const rangeOf = (key: string): Problem['range'] => span(pairOf(network, key)?.value as YamlNode);
  if (typeof type === 'string' && !NETWORK_TYPES.has(type))
    problems.push({
      message: `unknown socket type "${type}"${didYouMeanSuffix(type, NETWORK_TYPES)} (${[...NETWORK_TYPES].join(', ')})`,
      range: rangeOf('type'),
    });
  const mapped = typeof protocol === 'string' ? NETWORK_PROTOCOL_TYPES[protocol] : undefined;
  if (typeof type === 'string' && mapped && mapped.type !== type)
    problems.push({
      message: `${protocol} sockets are of type ${mapped.type}, not ${type}`,
      range: rangeOf('protocol'),
    });
  if (typeof protocol === 'string' && !mapped && type === undefined)
    problems.push({
      message: `AppArmor mediates sockets by domain and type; protocol "${protocol}" names no type (tcp, udp and icmp do): give "type" too`,
      range: rangeOf('protocol'),
    });
  return problems;
}

function validate(body: YamlMap): Problem[] {
  const problems = checkKeys(body, WHERE, ['profile', 'access', 'expect'], ['profile', 'access', 'expect']);
  problems.push(...checkString(body, 'profile', WHERE));
  const access = pairOf(body, 'access')?.value;
  if (access && access.kind !== 'map')
    problems.push({
      message: `"access" must be a mapping, not ${describeNode(access)}`,
      range: span(access),
    });
  if (access?.kind === 'map') problems.push(...validateAccess(access));
  const expect = stringAt(body, 'expect');
  const expectNode = pairOf(body, 'expect')?.value;
  if (expectNode && (typeof expect !== 'string' || !EXPECTATIONS.includes(expect)))
    problems.push({
      message: `"expect" of an apparmor case is allow, deny or audit, not ${describeNode(expectNode)}`,
      range: span(expectNode),
    });
  return problems;
}

interface LoadedFile {
  path: string;
  set: ProfileSet;
  /** Load errors (`file:line:column: message (rule)`); a profile of this file is not evaluated. */
  errors: string[];
  /** Shipped includes that no include root provides here (`<abstractions/base>`): their rules are unknown. */
  unchecked: string[];
}

function loadRepository(context: RunContext): LoadedFile[] {
  return context.cached('apparmor', () => {
    const { config, cwd } = context;
    const roots = context.scope.includeRoots;
    const loaded: LoadedFile[] = [];
    for (const entry of discover(config.root, cwd, context.layout, []).filter((f) => f.kind === 'apparmor')) {
      const read = readTextFile(entry.absolute, entry.display);
      if (!read.ok) continue; // not a profile that can be named; chs lint reports it
      const { set, findings } = loadProfileFile(
        { path: read.file.path, text: read.file.text },
        { roots, reach: context.scope.reach, bases: [cwd, dirname(entry.absolute)], cwd },
        config,
      );
      const files = new Map([...set.texts].map(([path, text]) => [path, new SourceFile(path, text)]));
      const unchecked = findings
        .filter((f) => f.rule.meta.id === uncheckedInclude.meta.id)
        .map((f) => String(f.data?.['path'] ?? ''));
      loaded.push({
        path: read.file.path,
        set,
        errors: loadErrors(findings, config, files, cwd),
        unchecked: [...new Set(unchecked)],
      });
    }
    return loaded;
  });
}

/** The access as the evaluator takes it: numbers written in YAML (a System V queue's key) as text. */
function accessOf(node: YamlMap): Access {
  return JSON.parse(
    JSON.stringify(node.value, (_, value: unknown) => (typeof value === 'number' ? String(value) : value)),
  ) as Access;
}

function isMissing(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith('no AppArmor profile named');
}

/** The file whose profiles answer to a name: by name, attachment, or attached program path. */
function findFile(files: readonly LoadedFile[], name: string): LoadedFile[] {
  const byName = files.filter((f) => f.set.model.profiles.some((p) => p.name === name && p.file === f.path));
  if (byName.length > 0) return byName;
  const byAttachment = files.filter((f) =>
    f.set.model.profiles.some((p) => !p.parent && p.node.attachment?.text === name),
  );
  if (byAttachment.length > 0) return byAttachment;
  if (!name.startsWith('/')) return [];
  return files.filter((f) => {
    try {
      evaluateAccess(f.set, name, { capability: 'chown' });
      return true;
    } catch (error) {
      if (isMissing(error)) return false;
      throw error;
    }
  });
}

function shown(decision: AccessDecision): string {
  const transition = decision.transition
    ? ` (${decision.transition.mode}${decision.transition.target ? ` -> ${decision.transition.target}` : ''})`
    : '';
  return `${decision.decision}${transition}`;
}

function ruleLine(decision: AccessDecision, set: ProfileSet): string | undefined {
  const rule = decision.rule;
  if (!rule) return undefined;
  const text = set.texts.get(rule.file);
  const where = text === undefined ? rule.file : at(new SourceFile(rule.file, text), rule.range.start);
  return `${where}: ${rule.text}`;
}

function holds(expected: string, decision: AccessDecision): boolean {
  if (expected === 'deny') return decision.decision === 'deny';
  if (expected === 'audit') return decision.decision === 'audit';
  return decision.decision !== 'deny';
}

function evaluate(body: YamlMap, context: RunContext): CaseOutcome {
  const name = stringAt(body, 'profile') as string;
  const expected = stringAt(body, 'expect') as string;
  const access = accessOf(pairOf(body, 'access')?.value as YamlMap);
  const files = loadRepository(context);
  const found = findFile(files, name);
  if (found.length === 0) {
    const names = [
      ...new Set(
        files.flatMap((f) => f.set.model.profiles.filter((p) => p.file === f.path).map((p) => p.name)),
      ),
    ];
    const broken = files.filter((f) => f.errors.length > 0 && f.set.model.profiles.length === 0);
    return {
      passed: false,
      message: [
        `no AppArmor profile named "${name}" in the repository${didYouMeanSuffix(name, names)}`,
        `profiles: ${names.length > 0 ? names.join(', ') : '(none)'}`,
        ...broken.flatMap((f) => [`${f.path} does not load:`, ...f.errors]),
      ].join('\n'),
    };
  }
  if (found.length > 1)
    return {
      passed: false,
      message: `AppArmor profile "${name}" is defined in ${found.map((f) => f.path).join(' and ')}: the loader loads both, and the last one replaces the other (apparmor/duplicate-profile)`,
    };
  const file = found[0] as LoadedFile;
  if (file.errors.length > 0)
    return {
      passed: false,
      message: `the AppArmor profile "${name}" does not load (${file.path}):\n${file.errors.join('\n')}`,
    };
  const decision = evaluateAccess(file.set, name, access);
  if (holds(expected, decision)) return { passed: true, message: '' };
  const rule = ruleLine(decision, file.set);
  return {
    passed: false,
    message: [
      `expected: ${expected}`,
      `actual:   ${shown(decision)}`,
      `why:      ${decision.reason}`,
      ...(rule ? [`rule:     ${rule}`] : []),
      ...(file.unchecked.length > 0
        ? [
            `note:     decided without ${file.unchecked.join(', ')}: no include root provides them here (the nodes' /etc/apparmor.d does); pass --include-dir with a copy of it`,
          ]
        : []),
    ].join('\n'),
  };
}

export const apparmorCase: CaseKind = { key: 'apparmor', validate, evaluate };
