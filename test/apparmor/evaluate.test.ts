/**
 * evaluateAccess: allow, deny or audit, and the rule that decided, with AppArmor's precedence.
 * The profiles are also loaded by apparmor_parser (the oracle).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadProfileSet } from '../../src/languages/apparmor/analyze.js';
import { evaluateAccess } from '../../src/languages/apparmor/evaluate.js';
import type { Access } from '../../src/languages/apparmor/evaluate.js';
import { WHY, apparmorParserAccepts, corpus, hasApparmorParser, hasCorpus, skipping } from './helpers.js';
import { APPARMOR_SYSTEM } from '../helpers/apparmor-system.js';

const nginx = `include <tunables/global>
profile k8s-nginx flags=(attach_disconnected) {
  include <abstractions/base>
  network inet tcp,
  deny network raw,
  capability net_bind_service,
  capability setuid,
  /etc/nginx/** r,
  deny /etc/nginx/secret/** r,
  audit /var/log/nginx/* w,
  owner /var/cache/nginx/** rw,
  /usr/sbin/nginx ix,
  /usr/bin/helper Cx -> helper,
  priority=10 /srv/override r,
  deny /srv/** r,
  signal (receive) peer=unconfined,
  ptrace (read) peer=k8s-nginx,
  mount fstype=tmpfs -> /run/,
  profile helper {
    /usr/bin/helper r,
  }
}
profile lenient flags=(complain) {
  /etc/hostname r,
  deny /etc/shadow r,
}
`;

const { set, findings } = loadProfileSet([{ path: 'nginx', text: nginx }], {
  roots: [APPARMOR_SYSTEM],
  bases: [process.cwd()],
  cwd: process.cwd(),
});

const cases: [string, string, Access, 'allow' | 'deny' | 'audit', string | undefined][] = [
  [
    'reads its configuration',
    'k8s-nginx',
    { path: '/etc/nginx/nginx.conf', permissions: 'r' },
    'allow',
    '/etc/nginx/** r,',
  ],
  [
    'cannot write its configuration',
    'k8s-nginx',
    { path: '/etc/nginx/nginx.conf', permissions: 'w' },
    'deny',
    undefined,
  ],
  [
    'deny wins over a broader allow',
    'k8s-nginx',
    { path: '/etc/nginx/secret/key.pem', permissions: 'r' },
    'deny',
    'deny /etc/nginx/secret/** r,',
  ],
  [
    'audit allows and logs',
    'k8s-nginx',
    { path: '/var/log/nginx/access.log', permissions: 'w' },
    'audit',
    'audit /var/log/nginx/* w,',
  ],
  [
    'owner rules apply to the owner',
    'k8s-nginx',
    { path: '/var/cache/nginx/a', permissions: 'rw' },
    'allow',
    'owner /var/cache/nginx/** rw,',
  ],
  [
    'owner rules do not apply to others',
    'k8s-nginx',
    { path: '/var/cache/nginx/a', permissions: 'r', owner: false },
    'deny',
    undefined,
  ],
  [
    'a higher priority allow beats a deny',
    'k8s-nginx',
    { path: '/srv/override', permissions: 'r' },
    'allow',
    'priority=10 /srv/override r,',
  ],
  [
    'at equal priority the deny wins',
    'k8s-nginx',
    { path: '/srv/other', permissions: 'r' },
    'deny',
    'deny /srv/** r,',
  ],
  ['exec inherits', 'k8s-nginx', { exec: '/usr/sbin/nginx' }, 'allow', '/usr/sbin/nginx ix,'],
  ['exec of a shell is denied', 'k8s-nginx', { exec: '/bin/sh' }, 'deny', undefined],
  [
    'capability granted',
    'k8s-nginx',
    { capability: 'net_bind_service' },
    'allow',
    'capability net_bind_service,',
  ],
  ['capability not granted', 'k8s-nginx', { capability: 'sys_admin' }, 'deny', undefined],
  [
    'tcp sockets',
    'k8s-nginx',
    { network: { domain: 'inet', type: 'stream', protocol: 'tcp' } },
    'allow',
    'network inet tcp,',
  ],
  [
    'raw sockets denied',
    'k8s-nginx',
    { network: { domain: 'inet', type: 'raw' } },
    'deny',
    'deny network raw,',
  ],
  [
    'signals from the host',
    'k8s-nginx',
    { signal: { access: 'receive', signal: 'term', peer: 'unconfined' } },
    'allow',
    'signal (receive) peer=unconfined,',
  ],
  [
    'signals to the host',
    'k8s-nginx',
    { signal: { access: 'send', signal: 'term', peer: 'unconfined' } },
    'deny',
    undefined,
  ],
  [
    'ptrace read of itself',
    'k8s-nginx',
    { ptrace: { access: 'read', peer: 'k8s-nginx' } },
    'allow',
    undefined,
  ],
  ['ptrace trace', 'k8s-nginx', { ptrace: { access: 'trace', peer: 'k8s-nginx' } }, 'deny', undefined],
  [
    'tmpfs on /run',
    'k8s-nginx',
    { mount: { fstype: 'tmpfs', target: '/run/' } },
    'allow',
    'mount fstype=tmpfs -> /run/,',
  ],
  [
    'other mounts',
    'k8s-nginx',
    { mount: { fstype: 'ext4', source: '/dev/sda1', target: '/mnt/' } },
    'deny',
    undefined,
  ],
  [
    'abstractions/base is included',
    'k8s-nginx',
    { path: '/etc/ld.so.cache', permissions: 'r' },
    'allow',
    undefined,
  ],
  [
    'child profiles by parent//child',
    'k8s-nginx//helper',
    { path: '/usr/bin/helper', permissions: 'r' },
    'allow',
    '/usr/bin/helper r,',
  ],
  [
    'complain mode logs what enforce would deny',
    'lenient',
    { path: '/etc/passwd', permissions: 'r' },
    'audit',
    undefined,
  ],
  [
    'complain mode still enforces deny rules',
    'lenient',
    { path: '/etc/shadow', permissions: 'r' },
    'deny',
    'deny /etc/shadow r,',
  ],
];

describe('evaluateAccess', () => {
  it('loads the profiles cleanly', () => expect(findings).toEqual([]));

  it.each(cases)('%s', (_name, profile, access, decision, ruleText) => {
    const result = evaluateAccess(set, profile, access);
    expect(result.decision).toBe(decision);
    if (ruleText !== undefined) expect(result.rule?.text).toBe(ruleText);
    if (decision === 'deny' && ruleText === undefined) expect(result.rule).toBeUndefined();
  });

  it('reports the exec transition and its target', () => {
    expect(evaluateAccess(set, 'k8s-nginx', { exec: '/usr/bin/helper' }).transition).toEqual({
      mode: 'Cx',
      target: 'helper',
    });
  });

  it('decides as enforce mode when asked (the block-mode preview)', () => {
    expect(
      evaluateAccess(set, 'lenient', { path: '/etc/passwd', permissions: 'r' }, { enforce: true }).decision,
    ).toBe('deny');
  });

  it('gives the deciding rule its place', () => {
    const result = evaluateAccess(set, 'k8s-nginx', { capability: 'setuid' });
    expect(result.rule?.file).toBe('nginx');
    expect(nginx.slice(result.rule?.range.start, result.rule?.range.end)).toBe('capability setuid,');
  });

  it('decides even when a priority is not a number (found by the fuzzer)', () => {
    const broken = loadProfileSet([{ path: 'p', text: 'profile a {\n  priority=x network,\n}\n' }], {
      roots: [],
      bases: [],
      cwd: process.cwd(),
    });
    expect(broken.findings.map((f) => f.rule.meta.id)).toEqual(['apparmor/syntax-error']);
    expect(evaluateAccess(broken.set, 'a', { network: { domain: 'inet' } }).decision).toBe('allow');
  });

  it('refuses unknown profiles and permissions clearly', () => {
    expect(() => evaluateAccess(set, 'nope', { capability: 'chown' })).toThrow(
      /no AppArmor profile named "nope" \(defined: k8s-nginx/,
    );
    expect(() => evaluateAccess(set, 'k8s-nginx', { path: '/x', permissions: 'q' })).toThrow(
      /unknown file permission "q"/,
    );
  });

  it.skipIf(!hasApparmorParser)(
    'apparmor_parser loads the profiles (priority= aside, which 3.0 lacks)',
    () => {
      expect(apparmorParserAccepts(nginx.replace('priority=10 ', ''))).toBe(true);
    },
  );
});

if (!hasCorpus) skipping('evaluateAccess against docker-default', WHY.noCorpus);

describe.skipIf(!hasCorpus)('evaluateAccess against docker-default', () => {
  const path = join(corpus, 'examples', 'docker-default.profile');
  const docker = hasCorpus
    ? loadProfileSet([{ path, text: readFileSync(path, 'utf8') }], {
        roots: [APPARMOR_SYSTEM],
        bases: [process.cwd()],
        cwd: process.cwd(),
      }).set
    : set;
  const table: [Access, 'allow' | 'deny', string | undefined][] = [
    [{ path: '/etc/passwd', permissions: 'r' }, 'allow', 'file,'],
    [{ path: '/proc/sysrq-trigger', permissions: 'w' }, 'deny', 'deny @{PROC}/sysrq-trigger rwklx,'],
    [{ path: '/proc/1/status', permissions: 'r' }, 'allow', '@{PROC}/@{pid}/{maps,auxv,status} r,'],
    [{ path: '/proc/sys/kernel/shmmax', permissions: 'w' }, 'allow', 'file,'],
    [{ path: '/proc/sys/net/ipv4/ip_forward', permissions: 'w' }, 'deny', 'deny @{PROC}/sys/[^k]** w,'],
    [
      { path: '/sys/kernel/security/apparmor/profiles', permissions: 'r' },
      'deny',
      'deny /sys/kernel/security/** rwklx,',
    ],
    [{ path: '/sys/fs/cgroup/cpu.max', permissions: 'w' }, 'allow', 'file,'],
    [{ exec: '/bin/sh' }, 'allow', 'file,'],
    [{ capability: 'sys_admin' }, 'allow', 'capability,'],
    [{ network: { domain: 'alg', type: 'seqpacket' } }, 'deny', 'deny network alg,'],
    [{ mount: { source: '/dev/sda1', target: '/mnt/' } }, 'deny', 'deny mount,'],
  ];
  it.each(table)('%j', (access, decision, ruleText) => {
    const result = evaluateAccess(docker, 'docker-default', access);
    expect(result.decision).toBe(decision);
    expect(result.rule?.text).toBe(ruleText);
  });
});
