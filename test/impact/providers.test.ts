import { marked } from 'marked';
import type { ClusterObject } from '../../src/impact/cluster.js';
import { describe, expect, it } from 'vitest';
import { appArmorSection, accessOf } from '../../src/impact/apparmor.js';
import { WorkloadsBuilder, workloadsOf } from '../../src/impact/cluster.js';
import { EventFeed } from '../../src/impact/events.js';
import { classifyCondition, falcoSection } from '../../src/impact/falco.js';
import type { ImpactReport } from '../../src/impact/model.js';
import { podSecuritySection } from '../../src/impact/pod-security.js';
import { seccompSection } from '../../src/impact/seccomp.js';
import { impactMarkdown } from '../../src/report/markdown.js';
import { analyse, deployment, node, onNode, pod } from './providers-helpers.js';

const items = (result: {
  items: { itemType: string; name: string; change: string; from?: string; to?: string }[];
}) =>
  result.items.map(
    (i) => `${i.itemType} ${i.name}: ${i.change}${i.from || i.to ? ` ${i.from ?? ''}->${i.to ?? ''}` : ''}`,
  );

describe('Falco: classification of a changed condition', () => {
  it.each([
    ['proc.name = a', 'proc.name = a or proc.name = b', 'widened'],
    ['proc.name = a', '(proc.name = a) and user.name = root', 'narrowed'],
    ['proc.name in (a, b)', 'proc.name in (a, b, c)', 'widened'],
    ['proc.name in (a, b, c)', 'proc.name in (a, c)', 'narrowed'],
    ['proc.name in (a, b)', 'proc.name in (a, c)', undefined],
    ['not proc.name in (a, b)', 'not proc.name in (a, b, c)', undefined],
    ['proc.name = a', 'proc.name = b', undefined],
  ] as const)('%s => %s: %s', (before, after, expected) => {
    expect(classifyCondition(before, after)).toBe(expected);
  });
});

const SHELLS = (items: string, priority: string, extra = '') => `- list: shells
  items: [${items}]
- rule: Shell
  desc: a shell
  condition: evt.type = execve and proc.name in (shells)${extra}
  output: shell (proc=%proc.name pod=%k8s.pod.name)
  priority: ${priority}
`;

describe('Falco: rules, macros and lists; alerts before and after', () => {
  const events = [
    { 'evt.type': 'execve', 'proc.name': 'bash' },
    { 'evt.type': 'execve', 'proc.name': 'dash', 'k8s.pod.name': '<img src=x onerror=alert(1)>' },
    { 'evt.type': 'execve', 'proc.name': 'dash' },
    { 'evt.type': 'openat', 'proc.name': 'bash' },
  ];
  it('classifies each change and counts the alerts of each rule on the events', async () => {
    const result = await analyse(
      falcoSection,
      { 'policies/falco/r.yaml': SHELLS('bash', 'WARNING') },
      {
        'policies/falco/r.yaml':
          SHELLS('bash, dash', 'ERROR') +
          '- rule: Never\n  desc: d\n  condition: evt.type = ptrace\n  output: o\n  priority: INFO\n',
      },
      { events },
    );
    expect(items(result)).toEqual([
      'rule Shell: priority-changed Warning->Error',
      'rule Shell: widened',
      'rule Never: added ->Informational',
      'list shells: modified',
    ]);
    expect(result.items.find((i) => i.itemType === 'list')).toMatchObject({
      file: 'policies/falco/r.yaml',
      detail: 'items added: dash',
    });
    const shell = result.impacts.find((i) => i.subject === 'Shell');
    expect(shell).toMatchObject({
      severity: 'warn',
      category: 'more alerts',
      reason: '1 alert(s) before, 3 after',
      count: 3,
    });
    expect(shell?.examples).toHaveLength(3);
    expect(result.impacts.find((i) => i.subject === 'Never')).toMatchObject({
      severity: 'info',
      category: 'never fires on the recorded events',
    });
  });
  it('classifies a condition it cannot compare by what it matches on the events', async () => {
    const result = await analyse(
      falcoSection,
      { 'policies/falco/r.yaml': SHELLS('bash', 'WARNING', ' and user.name = root') },
      { 'policies/falco/r.yaml': SHELLS('bash', 'WARNING', ' and user.name != nobody') },
      { events: [{ 'evt.type': 'execve', 'proc.name': 'bash', 'user.name': 'alice' }] },
    );
    expect(result.items).toMatchObject([
      {
        name: 'Shell',
        change: 'widened',
        detail: 'condition changed; on the recorded events it matches 1 more and 0 fewer',
      },
    ]);
  });
  it('says so when no events were given, and a removed rule is reported as such', async () => {
    const result = await analyse(
      falcoSection,
      { 'policies/falco/r.yaml': SHELLS('bash', 'WARNING') },
      { 'policies/falco/r.yaml': '- list: shells\n  items: [bash]\n' },
    );
    expect(items(result)).toEqual(['rule Shell: removed']);
    expect(result.impacts).toEqual([]);
    expect(result.notes[0]).toMatch(/No recorded events were given/);
  });
});

const NGINX = (flags: string, extra = '') => `profile k8s-nginx flags=(${flags}) {
  /usr/sbin/nginx ix,
  /etc/nginx/** r,
${extra}}
`;
const confined = {
  name: 'nginx',
  image: 'nginx',
  securityContext: { appArmorProfile: { type: 'Localhost', localhostProfile: 'k8s-nginx' } },
};

describe('AppArmor: profiles, rules and the accesses denied in block mode', () => {
  const cluster = [
    deployment('shop', 'web', confined),
    pod('shop', 'web-6d9f8b7c5d-abcde', confined, { kind: 'ReplicaSet', name: 'web-6d9f8b7c5d' }),
  ];
  const events = [
    {
      'evt.type': 'execve',
      'proc.exepath': '/bin/sh',
      'k8s.ns.name': 'shop',
      'k8s.pod.name': 'web-6d9f8b7c5d-abcde',
    },
    {
      'evt.type': 'execve',
      'proc.exepath': '/bin/sh',
      'k8s.ns.name': 'shop',
      'k8s.pod.name': 'web-6d9f8b7c5d-zzzzz',
    },
    {
      'evt.type': 'openat',
      'fd.name': '/etc/nginx/nginx.conf',
      'evt.arg.flags': 'O_RDONLY',
      'k8s.ns.name': 'shop',
      'k8s.pod.name': 'web-6d9f8b7c5d-abcde',
    },
    {
      'evt.type': 'openat',
      'fd.name': '/etc/nginx/nginx.conf',
      'evt.arg.flags': 'O_RDWR',
      'k8s.ns.name': 'shop',
      'k8s.pod.name': 'web-6d9f8b7c5d-abcde',
    },
    { 'evt.type': 'execve', 'proc.exepath': '/bin/sh' },
    { 'evt.type': 'execve', 'proc.exepath': '/bin/sh', 'k8s.ns.name': 'shop', 'k8s.pod.name': 'other-0' },
  ];
  it('sees complain -> enforce as a mode change and denies what the profile does not allow', async () => {
    const result = await analyse(
      appArmorSection,
      { 'policies/apparmor/nginx': NGINX('complain') },
      { 'policies/apparmor/nginx': NGINX('attach_disconnected', '  deny /bin/** x,\n') },
      { events, cluster },
    );
    expect(items(result)).toEqual([
      'profile k8s-nginx: mode-changed monitor->block',
      'profile rule k8s-nginx: deny /bin/** x: narrowed',
    ]);
    // Both pods of the Deployment count once, through it; the unknown pod and the bare event are counted.
    expect(result.impacts).toEqual([
      {
        kind: 'apparmor',
        severity: 'block',
        category: 'accesses denied',
        target: 'production',
        namespace: 'shop',
        subject: 'Deployment/web',
        reason:
          'profile k8s-nginx in block mode denies 3 recorded access(es) (3 not denied before, 2 distinct)',
        count: 3,
        examples: ['exec /bin/sh (2×)', 'rw /etc/nginx/nginx.conf (1×)'],
        policy: 'k8s-nginx',
        breaks: ['exec /bin/sh (2×)', 'rw /etc/nginx/nginx.conf'],
        fix: 'keep k8s-nginx in monitor, or allow these accesses in it',
      },
    ]);
    expect(result.notes.join('\n')).toContain(
      'Accesses not attributed to a profile (counted, not guessed): 1 carry no k8s.ns.name and k8s.pod.name (or no cluster state was given); 1 name a pod that no workload of the cluster state accounts for.',
    );
  });
  it('denies socket, io_uring and user namespace accesses the profile does not allow', async () => {
    const at = { 'k8s.ns.name': 'shop', 'k8s.pod.name': 'web-6d9f8b7c5d-abcde' };
    const recorded = [
      { 'evt.type': 'unshare', 'evt.arg.flags': 'CLONE_NEWUSER', ...at },
      { 'evt.type': 'io_uring_setup', 'evt.arg.flags': 'IORING_SETUP_SQPOLL', ...at },
      { 'evt.type': 'connect', 'fd.typechar': 'u', 'fd.name': 'a->b /run/docker.sock', ...at },
      { 'evt.type': 'connect', 'fd.typechar': 'u', 'fd.name': 'a->b /run/nginx.sock', ...at },
      { 'evt.type': 'bind', 'fd.typechar': 'u', 'fd.name': '@nginx-stats', ...at },
    ];
    const extra =
      '  /run/nginx.sock rw,\n  unix (bind) type=stream addr=@nginx-*,\n  io_uring override_creds,\n';
    const result = await analyse(
      appArmorSection,
      { 'policies/apparmor/nginx': NGINX('complain', extra) },
      { 'policies/apparmor/nginx': NGINX('enforce', extra) },
      { events: recorded, cluster },
    );
    expect(result.impacts.map((i) => [i.subject, [...(i.examples ?? [])].sort()])).toEqual([
      [
        'Deployment/web',
        ['io_uring sqpoll (1×)', 'unix connect /run/docker.sock (1×)', 'userns create (1×)'],
      ],
    ]);
    expect(result.notes.join('\n')).toContain(
      '5 access(es) (file opens and execs, unix sockets, io_uring, user namespaces) among 5 recorded event(s)',
    );
  });
  it('finds the workloads that name a removed or renamed profile, and profiles nobody uses', async () => {
    const result = await analyse(
      appArmorSection,
      {
        'policies/apparmor/nginx': NGINX('complain'),
        'policies/apparmor/old': 'profile old-one {\n  /tmp/** rw,\n}\n',
      },
      {
        'policies/apparmor/nginx': NGINX('complain').replace('k8s-nginx', 'nginx-v2'),
        'policies/apparmor/old': 'profile old-one {\n  /tmp/** rw,\n}\n',
      },
      { cluster },
    );
    expect(items(result)).toEqual(['profile k8s-nginx: removed', 'profile nginx-v2: added ->monitor']);
    expect(result.impacts.map((i) => [i.severity, i.subject, i.reason])).toEqual([
      [
        'block',
        'Deployment/web',
        'container nginx uses the AppArmor profile localhost/k8s-nginx, which this change renames to nginx-v2',
      ],
      ['info', 'nginx-v2', 'no container of the cluster state names this profile'],
      ['info', 'old-one', 'no container of the cluster state names this profile'],
    ]);
  });
  it.each([
    [{ 'evt.type': 'execve', 'proc.exepath': '/bin/ls' }, { exec: '/bin/ls' }],
    [
      { 'evt.type': 'openat', 'fd.name': '/etc/x', 'evt.arg.flags': 'O_RDONLY' },
      { path: '/etc/x', permissions: 'r' },
    ],
    [
      { 'evt.type': 'openat', 'fd.name': '/etc/x', 'evt.arg.flags': 'O_WRONLY|O_CREAT' },
      { path: '/etc/x', permissions: 'w' },
    ],
    [
      { 'evt.type': 'openat', 'fd.name': '/etc/x', 'evt.arg.flags': 'O_RDWR' },
      { path: '/etc/x', permissions: 'rw' },
    ],
    [{ 'evt.type': 'openat', 'fd.name': 'pipe:[12]' }, undefined],
    [{ 'evt.type': 'connect' }, undefined],
    [
      {
        'evt.type': 'connect',
        'fd.typechar': 'u',
        'fd.name': 'ffff9a1b->ffff9a1c /run/containerd/containerd.sock',
      },
      { unix: { access: 'connect', addr: 'none', peer: { addr: '/run/containerd/containerd.sock' } } },
    ],
    // Connecting to an abstract address is decided by the peer's label, which events do not carry.
    [{ 'evt.type': 'connect', 'fd.typechar': 'u', 'fd.name': 'ffff9a1b->ffff9a1c @dbus-x' }, undefined],
    [
      { 'evt.type': 'bind', 'fd.type': 'unix', 'fd.name': '@agent' },
      { unix: { access: 'bind', addr: '@agent' } },
    ],
    [
      { 'evt.type': 'listen', 'fd.typechar': 'u', 'fd.name': '' },
      { unix: { access: 'listen', addr: 'none' } },
    ],
    [{ 'evt.type': 'connect', 'fd.typechar': '4', 'fd.name': '10.0.0.1:5->10.0.0.2:80' }, undefined],
    [
      { 'evt.type': 'io_uring_setup', 'evt.arg.flags': 'IORING_SETUP_SQPOLL' },
      { io_uring: { access: 'sqpoll' } },
    ],
    [{ 'evt.type': 'io_uring_setup', 'evt.arg.flags': 'IORING_SETUP_CQSIZE' }, undefined],
    [
      { 'evt.type': 'unshare', 'evt.arg.flags': 'CLONE_NEWUSER|CLONE_NEWNS' },
      { userns: { access: 'create' } },
    ],
    [{ 'evt.type': 'clone3', 'evt.arg.flags': 'CLONE_VM|CLONE_NEWUSER' }, { userns: { access: 'create' } }],
    [{ 'evt.type': 'clone', 'evt.arg.flags': 'CLONE_VM' }, undefined],
  ])('the access of %j is %j', (fields, access) => {
    expect(accessOf(fields)).toEqual(access);
  });
});

const PROFILE = (allowed: string[], extra: object[] = [], mode?: string) =>
  JSON.stringify({
    defaultAction: 'SCMP_ACT_ERRNO',
    ...(mode ? { 'x-chs': { mode } } : {}),
    syscalls: [{ names: allowed, action: 'SCMP_ACT_ALLOW' }, ...extra],
  });
const ESSENTIAL = [
  'read',
  'write',
  'exit',
  'exit_group',
  'rt_sigreturn',
  'arch_prctl',
  'execve',
  'futex',
  'brk',
  'mmap',
];
const api = {
  name: 'api',
  image: 'api',
  securityContext: {
    seccompProfile: { type: 'Localhost', localhostProfile: 'container-host-security/api.json' },
  },
};
const apiProfile = PROFILE([...ESSENTIAL, 'uname']);

describe('seccomp: syscall groups and the calls refused in block mode', () => {
  it('groups calls by their change and counts the refused calls per workload', async () => {
    const result = await analyse(
      seccompSection,
      { 'policies/seccomp/api.json': PROFILE([...ESSENTIAL, 'ptrace', 'personality', 'uname']) },
      {
        'policies/seccomp/api.json': PROFILE(
          [...ESSENTIAL, 'uname', 'getpid'],
          [{ names: ['ptrace'], action: 'SCMP_ACT_KILL_PROCESS' }],
        ),
      },
      {
        cluster: [pod('shop', 'api-0', api), pod('dev', 'api-dev', api)],
        events: [
          { 'evt.type': 'personality', 'k8s.ns.name': 'shop', 'k8s.pod.name': 'api-0' },
          { 'evt.type': 'personality', 'k8s.ns.name': 'shop', 'k8s.pod.name': 'api-0' },
          { 'evt.type': 'ptrace', 'k8s.ns.name': 'shop', 'k8s.pod.name': 'api-0' },
          { 'evt.type': 'read', 'k8s.ns.name': 'shop', 'k8s.pod.name': 'api-0' },
          // In staging the profile only logs (monitor): nothing is refused there.
          { 'evt.type': 'personality', 'k8s.ns.name': 'dev', 'k8s.pod.name': 'api-dev' },
        ],
      },
    );
    expect(items(result)).toEqual([
      'syscall group ptrace: narrowed SCMP_ACT_ALLOW->SCMP_ACT_KILL_PROCESS',
      'syscall group personality: narrowed SCMP_ACT_ALLOW->SCMP_ACT_ERRNO',
      'syscall group getpid: widened SCMP_ACT_ERRNO->SCMP_ACT_ALLOW',
    ]);
    expect(result.impacts).toEqual([
      {
        kind: 'seccomp',
        severity: 'block',
        category: 'system calls refused',
        target: 'production',
        namespace: 'shop',
        subject: 'Pod/api-0',
        reason:
          'profile policies/seccomp/api.json in block mode refuses 3 recorded system call(s) (3 not refused before)',
        count: 3,
        examples: ['personality → SCMP_ACT_ERRNO (2×)', 'ptrace → SCMP_ACT_KILL_PROCESS (1×)'],
        policy: 'policies/seccomp/api.json',
        breaks: ['personality → SCMP_ACT_ERRNO (2×)', 'ptrace → SCMP_ACT_KILL_PROCESS'],
        fix: 'allow personality, ptrace in policies/seccomp/api.json again',
      },
    ]);
  });
  it("decides each call on its pod's node's architecture, and says when only one architecture refuses it", async () => {
    const cluster = [
      node('n-amd', 'amd64'),
      node('n-arm', 'arm64'),
      onNode(pod('shop', 'api-0', api), 'n-amd'),
      onNode(pod('shop', 'api-1', api), 'n-arm'),
    ];
    const result = await analyse(
      seccompSection,
      {},
      { 'policies/seccomp/api.json': apiProfile },
      {
        cluster,
        events: [
          // open(2) exists on x86_64, not on aarch64 (where libc calls openat).
          { 'evt.type': 'open', 'k8s.ns.name': 'shop', 'k8s.pod.name': 'api-0' },
          { 'evt.type': 'open', 'k8s.ns.name': 'shop', 'k8s.pod.name': 'api-1' },
          { 'evt.type': 'ptrace', 'k8s.ns.name': 'shop', 'k8s.pod.name': 'api-1' },
        ],
      },
    );
    expect(result.impacts.map((i) => [i.subject, i.examples])).toEqual([
      ['Pod/api-0', ['open → SCMP_ACT_ERRNO (on amd64 only; not refused on arm64) (1×)']],
      ['Pod/api-1', ['ptrace → SCMP_ACT_ERRNO (1×)']],
    ]);
  });

  it.each([
    // The loader's path: the profile applies.
    [undefined, 'container-host-security/api.json', 1],
    // The repository path is the trap: no node has that file, the profile is not what runs.
    [undefined, 'policies/seccomp/api.json', 0],
    ['security-profiles-operator', 'operator/api.json', 1],
    ['security-profiles-operator', 'container-host-security/api.json', 0],
  ])(
    'with delivery %s, a pod naming %s runs under the profile: %i refusal(s)',
    async (delivery, path, count) => {
      const config = `version: 1\ntargets:\n  - name: production\n    namespaces: [shop]\n    mode: block\n${delivery ? `    delivery: ${delivery}\n` : ''}`;
      const container = {
        ...api,
        securityContext: { seccompProfile: { type: 'Localhost', localhostProfile: path } },
      };
      const result = await analyse(
        seccompSection,
        { 'chs.yaml': config },
        { 'chs.yaml': config, 'policies/seccomp/api.json': apiProfile },
        {
          cluster: [pod('shop', 'api-0', container)],
          events: [{ 'evt.type': 'ptrace', 'k8s.ns.name': 'shop', 'k8s.pod.name': 'api-0' }],
        },
      );
      expect(result.impacts.filter((i) => i.category === 'system calls refused').length).toBe(count);
      expect(result.impacts.some((i) => i.category === 'no workload uses it')).toBe(count === 0);
    },
  );

  it('a renamed profile: pods are told the path the target installs the new file at', async () => {
    const result = await analyse(
      seccompSection,
      { 'policies/seccomp/api.json': apiProfile },
      { 'policies/seccomp/team/api-v2.json': apiProfile },
      { cluster: [pod('shop', 'api-0', api)] },
    );
    const broken = result.impacts.find((i) => i.category === 'would fail to start');
    expect(broken?.fix).toBe('point container api at localhost/container-host-security/team__api-v2.json');
    expect(broken?.breaks).toEqual([
      'container api does not start (localhost/container-host-security/api.json missing)',
    ]);
  });

  it('reports a mode change and the default action', async () => {
    const result = await analyse(
      seccompSection,
      { 'policies/seccomp/api.json': PROFILE(ESSENTIAL, [], 'monitor') },
      { 'policies/seccomp/api.json': PROFILE(ESSENTIAL, []).replace('SCMP_ACT_ERRNO', 'SCMP_ACT_LOG') },
    );
    expect(items(result)).toEqual([
      'profile policies/seccomp/api.json: mode-changed monitor->block',
      'defaultAction policies/seccomp/api.json defaultAction: widened SCMP_ACT_ERRNO->SCMP_ACT_LOG',
    ]);
  });
});

const POLICY = (name: string, spec: string) =>
  `apiVersion: container-host-security/v1\nkind: PodSecurity\nmetadata:\n  name: ${name}\nspec:\n${spec}`;
const rootContainer = { name: 'app', image: 'app' };

describe('pod security: controls and the workloads rejected or warned about', () => {
  const cluster = [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } },
    deployment('shop', 'web', rootContainer),
    pod('shop', 'web-6d9f8b7c5d-abcde', rootContainer, { kind: 'ReplicaSet', name: 'web-6d9f8b7c5d' }),
    pod('shop', 'web-6d9f8b7c5d-fghij', rootContainer, { kind: 'ReplicaSet', name: 'web-6d9f8b7c5d' }),
    pod('dev', 'tool', rootContainer),
    pod('shop', '[x](http://evil)', {
      ...rootContainer,
      securityContext: { runAsNonRoot: true, allowPrivilegeEscalation: false },
    }),
  ];
  it('monitor -> block rejects the violating workloads of block targets, once per controller', async () => {
    const result = await analyse(
      podSecuritySection,
      {
        'policies/pod-security/p.yaml': POLICY(
          'no-root',
          '  mode: monitor\n  controls:\n    runAsNonRoot: true\n',
        ),
      },
      { 'policies/pod-security/p.yaml': POLICY('no-root', '  controls:\n    runAsNonRoot: true\n') },
      { cluster },
    );
    expect(items(result)).toEqual(['policy no-root: mode-changed monitor->block']);
    expect(result.impacts.map((i) => [i.severity, i.category, i.namespace, i.subject])).toEqual([
      ['block', 'rejected by admission', 'shop', 'Deployment/web'],
    ]);
    expect(result.impacts[0]?.reason).toContain(
      "ValidatingAdmissionPolicy 'chs-no-root' with binding 'chs-no-root' denied request: runAsNonRoot != true",
    );
    expect(result.notes).toContain(
      "1 workload(s) already violated the base's policies the same way (not counted above): dev/Pod/tool.",
    );
  });
  it("a stricter level warns (monitor) with PSA's own message, and a new control narrows", async () => {
    const result = await analyse(
      podSecuritySection,
      { 'policies/pod-security/p.yaml': POLICY('levels', '  mode: monitor\n  level: baseline\n') },
      {
        'policies/pod-security/p.yaml': POLICY(
          'levels',
          '  mode: monitor\n  level: restricted\n  controls:\n    readOnlyRootFilesystem: true\n',
        ),
      },
      { cluster },
    );
    expect(items(result)).toEqual([
      'control levels: level: narrowed baseline->restricted',
      'control levels: readOnlyRootFilesystem: narrowed',
    ]);
    // By namespace, then owner, whatever order the cluster state listed them in.
    expect(result.impacts.map((i) => [i.severity, i.namespace, i.subject])).toEqual([
      ['warn', 'dev', 'Pod/tool'],
      ['warn', 'shop', 'Deployment/web'],
      ['warn', 'shop', 'Pod/[x](http://evil)'],
    ]);
    expect(result.impacts[0]?.reason).toMatch(
      /^pods "tool" is forbidden: violates PodSecurity "restricted:latest|v1\.\d+": allowPrivilegeEscalation != false/,
    );
  });
});

describe('the cluster: workloads deduplicated by controller', () => {
  it.each([
    [
      'a Deployment and its ReplicaSet pods',
      [
        deployment('a', 'web', rootContainer),
        pod('a', 'web-5d8f7-x1y2z', rootContainer, { kind: 'ReplicaSet', name: 'web-5d8f7' }),
      ],
      ['a Deployment/web'],
    ],
    [
      'a StatefulSet and its pods',
      [
        { ...deployment('a', 'db', rootContainer), kind: 'StatefulSet' },
        pod('a', 'db-0', rootContainer, { kind: 'StatefulSet', name: 'db' }),
      ],
      ['a StatefulSet/db'],
    ],
    [
      'pods whose owner is not in the state stand for it',
      [
        pod('a', 'x-1', rootContainer, { kind: 'ReplicaSet', name: 'x' }),
        pod('a', 'x-2', rootContainer, { kind: 'ReplicaSet', name: 'x' }),
      ],
      ['a ReplicaSet/x'],
    ],
    [
      'bare pods count one by one',
      [pod('a', 'p', rootContainer), pod('b', 'p', rootContainer)],
      ['a Pod/p', 'b Pod/p'],
    ],
  ] as const)('%s', (_name, objects, expected) => {
    const workloads = workloadsOf({ source: 's', objects });
    expect(workloads.list.map((w) => `${w.namespace} ${w.owner}`)).toEqual(expected);
  });
  it('finds the controller of a running pod that is not in the state by its name', () => {
    const workloads = workloadsOf({
      source: 's',
      objects: [
        deployment('a', 'web', rootContainer),
        { ...deployment('a', 'db', rootContainer), kind: 'StatefulSet' },
      ],
    });
    expect(workloads.podOwner('a', 'web-7c9d8f6b5-k2j4h')?.owner).toBe('Deployment/web');
    expect(workloads.podOwner('a', 'db-3')?.owner).toBe('StatefulSet/db');
    expect(workloads.podOwner('a', 'webby-0')).toBeUndefined();
    expect(workloads.podOwner('b', 'web-7c9d8f6b5-k2j4h')).toBeUndefined();
  });

  it.each([
    ['the first listed of two Deployments that could have made it', ['a', 'a-b'], 'Deployment/a'],
    ['the first listed, in the other order', ['a-b', 'a'], 'Deployment/a-b'],
  ])('finds the controller of an owner by its name: %s', (_name, names, owner) => {
    const workloads = workloadsOf({
      source: 's',
      objects: [
        ...names.map((name) => deployment('n', name, rootContainer)),
        pod('n', 'a-b-c9f7d-x1y2z', rootContainer, { kind: 'ReplicaSet', name: 'a-b-c9f7d' }),
      ],
    });
    expect(workloads.list.map((w) => w.owner).sort()).toEqual(['Deployment/a', 'Deployment/a-b']);
    expect(workloads.podOwner('n', 'a-b-c9f7d-x1y2z')?.owner).toBe(owner);
    // A pod not in the state, by its name alone.
    expect(workloads.podOwner('n', 'a-b-k2j4h')?.owner).toBe(owner);
  });

  it('finds the CronJob of a Job, the DaemonSet of a pod, the Deployment of each of many ReplicaSets', () => {
    const objects: ClusterObject[] = [
      { ...deployment('n', 'nightly', rootContainer), kind: 'CronJob' },
      { ...deployment('n', 'agent', rootContainer), kind: 'DaemonSet' },
      pod('n', 'nightly-28930-abcde', rootContainer, { kind: 'Job', name: 'nightly-28930' }),
      pod('n', 'nightly-x-abcde', rootContainer, { kind: 'Job', name: 'nightly-x' }),
    ];
    for (let d = 0; d < 300; d++) {
      objects.push(deployment('n', `web-${d}`, rootContainer));
      for (let p = 0; p < 3; p++)
        objects.push(
          pod('n', `web-${d}-5d8f7-a${p}b${d}`, rootContainer, {
            kind: 'ReplicaSet',
            name: `web-${d}-5d8f7`,
          }),
        );
    }
    const workloads = workloadsOf({ source: 's', objects });
    expect(workloads.list.length).toBe(303);
    expect(workloads.list.filter((w) => w.kind === 'Job').map((w) => w.owner)).toEqual(['Job/nightly-x']);
    expect(workloads.podOwner('n', 'nightly-28930-abcde')?.owner).toBe('CronJob/nightly');
    expect(workloads.podOwner('n', 'agent-k2j4h')?.owner).toBe('DaemonSet/agent');
    for (let d = 0; d < 300; d += 37)
      expect(workloads.podOwner('n', `web-${d}-5d8f7-a1b${d}`)?.owner).toBe(`Deployment/web-${d}`);
  });

  it('builds the same workloads whatever the order, one object at a time, keeping only what they need', () => {
    const running = (name: string, node: string): ClusterObject => ({
      ...pod('a', name, rootContainer, { kind: 'ReplicaSet', name: 'x' }),
      spec: { nodeName: node, containers: [{ name: 'app', securityContext: rootContainer }] },
      status: { phase: 'Running', podIP: '10.0.0.1' },
    });
    const objects: ClusterObject[] = [
      pod('a', 'web-5d8f7-x1y2z', rootContainer, { kind: 'ReplicaSet', name: 'web-5d8f7' }),
      running('x-1', 'n1'),
      running('x-2', 'n2'),
      { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n2', labels: { 'kubernetes.io/arch': 'arm64' } } },
      deployment('a', 'web', rootContainer),
    ];
    const builder = new WorkloadsBuilder();
    for (const object of objects) builder.add(object);
    const streamed = builder.finish();
    const reversed = workloadsOf({ source: 's', objects: [...objects].reverse() });
    for (const workloads of [streamed, reversed]) {
      expect(workloads.list.map((w) => `${w.namespace} ${w.owner}`)).toEqual([
        'a Deployment/web',
        'a ReplicaSet/x',
      ]);
      expect(workloads.podOwner('a', 'web-5d8f7-x1y2z')?.owner).toBe('Deployment/web');
      expect(workloads.podOwner('a', 'x-2')?.owner).toBe('ReplicaSet/x');
      expect(workloads.podArch('a', 'x-2')).toBe('arm64');
    }
    // The pod standing for its absent owner is the first one read, without its status.
    const standing = streamed.list[1]?.object;
    expect(standing?.metadata).toMatchObject({ name: 'x-1' });
    expect(standing).not.toHaveProperty('status');
    expect(standing?.spec).toEqual(objects[1]?.spec);
  });
});

describe('the event feed', () => {
  it('streams the events once for every subscriber and refuses a late subscriber', async () => {
    const feed = new EventFeed([]);
    const seen: number[] = [];
    const done = feed.subscribe(() => seen.push(1));
    await feed.run();
    await expect(done).resolves.toMatchObject({ events: 0 });
    expect(() => feed.subscribe(() => undefined)).toThrow(/before the events are streamed/);
  });
});

describe('names from the repository and the cluster read as text in the note', () => {
  it('renders hostile rule, workload and namespace names without HTML or links', async () => {
    const rule = '<img src=x onerror=alert(1)> [x](http://evil) @all #1';
    const falco = await analyse(
      falcoSection,
      {},
      {
        'policies/falco/r.yaml': `- rule: "${rule}"\n  desc: d\n  condition: evt.type = execve\n  output: "o %k8s.pod.name"\n  priority: ERROR\n`,
      },
      { events: [{ 'evt.type': 'execve', 'k8s.pod.name': '<script>alert(1)</script>' }] },
    );
    const report: ImpactReport = {
      version: 1,
      base: { dir: 'base' },
      verdict: { level: 'warning', headline: `Adds alerts to ${rule}` },
      files: [
        {
          path: 'policies/falco/<b>.yaml',
          kind: 'falco',
          change: 'added',
          additions: 1,
          deletions: 0,
          diff: '+x',
        },
      ],
      sections: [
        falco,
        {
          kind: 'pod-security',
          title: 'Pod security policies',
          items: [],
          impacts: [
            {
              kind: 'pod-security',
              severity: 'block',
              category: 'rejected by admission',
              namespace: '<i>ns</i>',
              subject: 'Pod/[x](http://evil)',
              reason: 'pods "<img src=x onerror=alert(1)>" is forbidden',
            },
          ],
          notes: [],
        },
      ],
      notAnalysed: [],
      lint: { introduced: [], fixed: [], head: { errors: 0, warnings: 0 }, base: { errors: 0, warnings: 0 } },
      inputs: { events: ['events.jsonl'] },
    };
    const html = marked.parse(impactMarkdown(report), { async: false });
    expect(html).not.toMatch(/<(img|script|a|b|i)\b/);
    expect(html).toContain('<code>&lt;img src=x onerror=alert(1)&gt; [x](http://evil) @all #1</code>');
    expect(html).toContain('<code>Pod/[x](http://evil)</code>');
    expect(html).toContain('<code>&lt;i&gt;ns&lt;/i&gt;</code>');
    expect(html).toContain('pods &quot;&lt;img src=x onerror=alert(1)&gt;&quot; is forbidden');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });
});
