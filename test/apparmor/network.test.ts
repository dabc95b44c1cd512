/**
 * Network accesses against network rules, as apparmor.d(5) documents them and apparmor_parser's
 * mapping table (network.cc `network_mappings`) builds them: AppArmor mediates a socket by its
 * domain and type; in a rule, `tcp` stands for stream sockets, `udp` for dgram ones and `icmp` for
 * raw ones (of inet and inet6; icmp of inet only). An access names a socket by domain, type and
 * protocol; a part left out stands for every value, so it is allowed only when all are.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadProfileSet } from '../../src/languages/apparmor/analyze.js';
import { evaluateAccess } from '../../src/languages/apparmor/evaluate.js';
import type { Access } from '../../src/languages/apparmor/evaluate.js';
import { runChs } from '../helpers/cli.js';
import { apparmorParserAccepts, hasApparmorParser, noApparmorParser, parserFindings, skipping } from './helpers.js';

type Net = Extract<Access, { network: unknown }>['network'];

/** One profile per rule set; its name says what it holds. */
const PROFILES: Record<string, string[]> = {
  all: ['network,'],
  inet: ['network inet,'],
  'inet-stream': ['network inet stream,'],
  'inet-tcp': ['network inet tcp,'],
  'inet-udp': ['network inet udp,'],
  'inet-icmp': ['network inet icmp,'],
  'inet6-tcp': ['network inet6 tcp,'],
  tcp: ['network tcp,'],
  stream: ['network stream,'],
  unix: ['network unix,'],
  'inet-but-raw': ['network inet,', 'deny network inet raw,'],
  'all-but-tcp': ['network,', 'deny network tcp,'],
  'create-only': ['network create inet stream,'],
};

/** Network permissions (`create`) are AppArmor 4 syntax: the installed apparmor_parser 3 refuses them. */
const ABI4 = new Set(['create-only']);
const profilesText = (names: string[]): string =>
  names
    .map((name) => `profile ${name} {\n${(PROFILES[name] ?? []).map((r) => `  ${r}\n`).join('')}}\n`)
    .join('');
const text = profilesText(Object.keys(PROFILES));
const { set, findings } = loadProfileSet([{ path: 'network', text }], {
  roots: [],
  bases: [],
  cwd: process.cwd(),
});

const inet = (type?: string, protocol?: string): Net => ({
  domain: 'inet',
  ...(type ? { type } : {}),
  ...(protocol ? { protocol } : {}),
});

/** [profile, access, expected decision, deciding rule (undefined: none)]. */
const CASES: [string, Net, 'allow' | 'deny', string | undefined][] = [
  // network inet tcp: inet stream sockets, whichever way the access names them.
  ['inet-tcp', inet('stream'), 'allow', 'network inet tcp,'],
  ['inet-tcp', inet(undefined, 'tcp'), 'allow', 'network inet tcp,'],
  ['inet-tcp', inet('stream', 'tcp'), 'allow', 'network inet tcp,'],
  ['inet-tcp', inet(), 'deny', undefined],
  ['inet-tcp', inet('dgram'), 'deny', undefined],
  ['inet-tcp', inet(undefined, 'udp'), 'deny', undefined],
  ['inet-tcp', { domain: 'inet6', type: 'stream' }, 'deny', undefined],
  // network inet stream: the same sockets, named by type.
  ['inet-stream', inet(undefined, 'tcp'), 'allow', 'network inet stream,'],
  ['inet-stream', inet('stream'), 'allow', 'network inet stream,'],
  ['inet-stream', inet('stream', 'sctp'), 'allow', 'network inet stream,'],
  ['inet-stream', inet(), 'deny', undefined],
  // udp is dgram, icmp is raw.
  ['inet-udp', inet('dgram'), 'allow', 'network inet udp,'],
  ['inet-udp', inet(undefined, 'udp'), 'allow', 'network inet udp,'],
  ['inet-udp', inet('stream'), 'deny', undefined],
  ['inet-icmp', inet('raw'), 'allow', 'network inet icmp,'],
  ['inet-icmp', inet(undefined, 'icmp'), 'allow', 'network inet icmp,'],
  ['inet-icmp', inet('dgram'), 'deny', undefined],
  ['inet6-tcp', { domain: 'inet6', protocol: 'tcp' }, 'allow', 'network inet6 tcp,'],
  ['inet6-tcp', inet('stream'), 'deny', undefined],
  // network tcp: stream sockets of inet and inet6, nothing else.
  ['tcp', inet('stream'), 'allow', 'network tcp,'],
  ['tcp', { domain: 'inet6', type: 'stream' }, 'allow', 'network tcp,'],
  ['tcp', { domain: 'unix', type: 'stream' }, 'deny', undefined],
  ['tcp', inet('dgram'), 'deny', undefined],
  // network stream: stream sockets of every domain.
  ['stream', { domain: 'unix', type: 'stream' }, 'allow', 'network stream,'],
  ['stream', { type: 'stream' }, 'allow', 'network stream,'],
  ['stream', inet(undefined, 'tcp'), 'allow', 'network stream,'],
  ['stream', inet('dgram'), 'deny', undefined],
  // network inet: every type of inet (domain only, domain and type, domain and protocol).
  ['inet', inet(), 'allow', 'network inet,'],
  ['inet', inet('seqpacket'), 'allow', 'network inet,'],
  ['inet', inet(undefined, 'udp'), 'allow', 'network inet,'],
  ['inet', { domain: 'inet6', type: 'stream' }, 'deny', undefined],
  ['inet', { type: 'stream' }, 'deny', undefined],
  // network: everything, even what the access leaves open.
  ['all', {}, 'allow', 'network,'],
  ['all', { type: 'dgram' }, 'allow', 'network,'],
  ['all', { domain: 'netlink', type: 'raw' }, 'allow', 'network,'],
  // local is unix.
  ['unix', { domain: 'local', type: 'stream' }, 'allow', 'network unix,'],
  // deny rules win, for every socket the access stands for.
  ['inet-but-raw', inet('stream'), 'allow', 'network inet,'],
  ['inet-but-raw', inet('raw'), 'deny', 'deny network inet raw,'],
  ['inet-but-raw', inet(undefined, 'icmp'), 'deny', 'deny network inet raw,'],
  ['inet-but-raw', inet(), 'deny', 'deny network inet raw,'],
  ['all-but-tcp', inet('stream'), 'deny', 'deny network tcp,'],
  ['all-but-tcp', { domain: 'inet6', protocol: 'tcp' }, 'deny', 'deny network tcp,'],
  ['all-but-tcp', inet('dgram'), 'allow', 'network,'],
  ['all-but-tcp', { domain: 'unix', type: 'stream' }, 'allow', 'network,'],
  // Permissions: a rule that grants create only covers accesses that say so.
  ['create-only', { ...inet('stream'), access: 'create' }, 'allow', 'network create inet stream,'],
  ['create-only', { ...inet('stream'), access: 'connect' }, 'deny', undefined],
];

describe('network accesses', () => {
  it('loads the profiles without findings', () => {
    expect(findings).toEqual([]);
  });

  it.each(CASES)('%s: %j is %s', (profile, network, expected, rule) => {
    const decision = evaluateAccess(set, profile, { network });
    expect(decision.decision).toBe(expected);
    expect(decision.rule?.text).toBe(rule);
  });

  it('refuses accesses whose protocol contradicts the type, or names no type', () => {
    expect(() => evaluateAccess(set, 'inet', { network: inet('dgram', 'tcp') })).toThrow(
      /tcp sockets are of type stream, not dgram/,
    );
    expect(() => evaluateAccess(set, 'inet', { network: inet(undefined, 'sctp') })).toThrow(
      /protocol "sctp" names no type/,
    );
  });

  it('reports protocols that are mapped for other domains only, as apparmor_parser does', () => {
    for (const rule of ['network inet6 icmp,', 'network unix tcp,']) {
      const shown = parserFindings(`profile p {\n  ${rule}\n}\n`);
      expect(shown.map((f) => [f.ruleId, f.line])).toEqual([['apparmor/invalid-option', 2]]);
    }
    expect(parserFindings('profile p {\n  network inet6 udp,\n  network icmp,\n}\n')).toEqual([]);
  });

  it.skipIf(!hasApparmorParser)('agrees with apparmor_parser on which of these load', () => {
    expect(apparmorParserAccepts(profilesText(Object.keys(PROFILES).filter((n) => !ABI4.has(n))), [])).toBe(
      true,
    );
    expect(apparmorParserAccepts('profile p {\n  network inet6 icmp,\n}\n', [])).toBe(false);
    expect(apparmorParserAccepts('profile p {\n  network unix tcp,\n}\n', [])).toBe(false);
    expect(apparmorParserAccepts('profile p {\n  network inet6 udp,\n  network icmp,\n}\n', [])).toBe(true);
  });
  if (noApparmorParser) skipping('the apparmor_parser check of the network profiles', noApparmorParser);
});

describe('network accesses in chs test cases', () => {
  it('are refused when the type is unknown or contradicts the protocol', async () => {
    const root = mkdtempSync(join(tmpdir(), 'chs-network-'));
    try {
      mkdirSync(join(root, 'policies', 'apparmor'), { recursive: true });
      mkdirSync(join(root, 'policies', 'tests'), { recursive: true });
      writeFileSync(join(root, 'policies', 'apparmor', 'web'), 'profile web {\n  network inet tcp,\n}\n');
      writeFileSync(
        join(root, 'policies', 'tests', 'net.yaml'),
        [
          'tests:',
          '  - {name: a, apparmor: {profile: web, access: {network: {domain: inet, type: strem}}, expect: allow}}',
          '  - {name: b, apparmor: {profile: web, access: {network: {domain: inet, type: dgram, protocol: tcp}}, expect: deny}}',
          '  - {name: c, apparmor: {profile: web, access: {network: {domain: inet, protocol: sctp}}, expect: deny}}',
          '  - {name: d, apparmor: {profile: web, access: {network: {domain: inet, protocol: tcp}}, expect: allow}}',
          '',
        ].join('\n'),
      );
      const result = await runChs(['test'], { cwd: root });
      expect(result.stdout).toContain('unknown socket type "strem"; did you mean "stream"?');
      expect(result.stdout).toContain('tcp sockets are of type stream, not dgram');
      expect(result.stdout).toContain(
        'protocol "sctp" names no type (tcp, udp and icmp do): give "type" too',
      );
      expect(result.stdout).toContain('4 test cases: 1 passed, 3 failed');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
