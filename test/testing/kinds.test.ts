/**
 * `chs test` with apparmor, seccomp and podSecurity cases, evaluated against a repository written
 * here: passing cases, failing ones with their message (expected, actual, the deciding rule and
 * its file:line), bad shapes, unknown names with "did you mean", and policy files that do not load.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/core/config.js';
import { createRunContext } from '../../src/testing/context.js';
import { runTests } from '../../src/testing/run.js';
import type { RunContext, TestResult } from '../../src/testing/types.js';

const dir = mkdtempSync(join(tmpdir(), 'chs-test-kinds-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const APPARMOR = `# the web front end
profile web flags=(attach_disconnected) {
  /etc/web/** r,
  audit /var/log/web/* w,
  deny /etc/web/secret* r,
  /usr/bin/curl ix,
  capability net_bind_service,
  network inet tcp,
  signal (receive) peer=unconfined,

  profile child {
    /tmp/** rw,
  }
}

profile logger flags=(complain) {
  /var/log/** r,
}
`;

const SECCOMP = `{
  "defaultAction": "SCMP_ACT_ERRNO",
  "syscalls": [
    { "names": ["read", "write", "execve"], "action": "SCMP_ACT_ALLOW" },
    { "names": ["ptrace"], "action": "SCMP_ACT_KILL_PROCESS" },
    { "names": ["clone3"], "action": "SCMP_ACT_ERRNO", "errnoRet": 38 },
    {
      "names": ["socket"],
      "action": "SCMP_ACT_ALLOW",
      "args": [{ "index": 0, "value": 2, "op": "SCMP_CMP_EQ" }]
    }
  ]
}
`;

const NO_ROOT = `apiVersion: container-host-security/v1
kind: PodSecurity
metadata:
  name: no-root
spec:
  namespaces: [shop]
  controls:
    runAsNonRoot: true
    privileged: false
`;

const POD = (extra = '') =>
  `{apiVersion: v1, kind: Pod, metadata: {name: p${extra}}, spec: {containers: [{name: c, image: i}]}}`;
const SAFE_POD = `{apiVersion: v1, kind: Pod, metadata: {name: safe}, spec: {securityContext: {runAsNonRoot: true}, containers: [{name: c, image: i}]}}`;

const BASE: Record<string, string> = {
  'policies/apparmor/web': APPARMOR,
  'policies/seccomp/web.json': SECCOMP,
  'policies/pod-security/no-root.yaml': NO_ROOT,
};

function repository(files: Record<string, string>): string {
  const root = mkdtempSync(join(dir, 'repo-'));
  for (const [path, text] of Object.entries({ ...BASE, ...files })) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

async function run(tests: string, files: Record<string, string> = {}, wrap?: (c: RunContext) => RunContext) {
  const root = repository({ 'policies/tests/cases.yaml': `tests:\n${tests}`, ...files });
  const config = defaultConfig(root);
  const context = createRunContext({ config, cwd: root });
  const { results } = await runTests({
    cwd: root,
    config,
    paths: [],
    context: wrap ? wrap(context) : context,
  });
  return results;
}

const outcome = (r: TestResult | undefined): [boolean, string] | undefined => r && [r.passed, r.message];

describe('apparmor cases', () => {
  it('pass when the profile decides as expected (audit counts as allow)', async () => {
    const results = await run(`
  - {name: reads config, apparmor: {profile: web, access: {path: /etc/web/site.conf, permissions: r}, expect: allow}}
  - {name: secret, apparmor: {profile: web, access: {path: /etc/web/secret.key, permissions: r}, expect: deny}}
  - {name: unlisted, apparmor: {profile: web, access: {path: /etc/passwd, permissions: r}, expect: deny}}
  - {name: logged write, apparmor: {profile: web, access: {path: /var/log/web/access.log, permissions: w}, expect: allow}}
  - {name: logged write audit, apparmor: {profile: web, access: {path: /var/log/web/access.log, permissions: w}, expect: audit}}
  - {name: curl, apparmor: {profile: web, access: {exec: /usr/bin/curl}, expect: allow}}
  - {name: shell, apparmor: {profile: web, access: {exec: /bin/sh}, expect: deny}}
  - {name: low port, apparmor: {profile: web, access: {capability: net_bind_service}, expect: allow}}
  - {name: no admin, apparmor: {profile: web, access: {capability: sys_admin}, expect: deny}}
  - {name: tcp, apparmor: {profile: web, access: {network: {domain: inet, protocol: tcp}}, expect: allow}}
  - {name: raw, apparmor: {profile: web, access: {network: {domain: inet, type: raw}}, expect: deny}}
  - {name: signal, apparmor: {profile: web, access: {signal: {access: receive, peer: unconfined}}, expect: allow}}
  - {name: child, apparmor: {profile: web//child, access: {path: /tmp/x, permissions: rw}, expect: allow}}
  - {name: child is separate, apparmor: {profile: web//child, access: {path: /etc/web/site.conf, permissions: r}, expect: deny}}
  - {name: complain, apparmor: {profile: logger, access: {path: /etc/shadow, permissions: r}, expect: allow}}
`);
    expect(results.map((r) => [r.name, r.passed, r.message])).toEqual(results.map((r) => [r.name, true, '']));
    expect(results).toHaveLength(15);
  });

  it('fail with expected, actual, why and the deciding rule at file:line:column', async () => {
    const results = await run(`
  - {name: a, apparmor: {profile: web, access: {path: /etc/web/secret.key, permissions: r}, expect: allow}}
  - {name: b, apparmor: {profile: web, access: {path: /etc/web/site.conf, permissions: w}, expect: allow}}
  - {name: c, apparmor: {profile: web, access: {exec: /usr/bin/curl}, expect: deny}}
  - {name: d, apparmor: {profile: web, access: {path: /etc/web/site.conf, permissions: r}, expect: audit}}
  - {name: e, apparmor: {profile: logger, access: {path: /etc/shadow, permissions: r}, expect: deny}}
`);
    expect(results.map(outcome)).toEqual([
      [
        false,
        'expected: allow\nactual:   deny\nwhy:      a deny rule matches r on /etc/web/secret.key\nrule:     policies/apparmor/web:5:3: deny /etc/web/secret* r,',
      ],
      [false, 'expected: allow\nactual:   deny\nwhy:      no rule allows w on /etc/web/site.conf'],
      [
        false,
        'expected: deny\nactual:   allow (ix)\nwhy:      a rule allows x on /usr/bin/curl\nrule:     policies/apparmor/web:6:3: /usr/bin/curl ix,',
      ],
      [
        false,
        'expected: audit\nactual:   allow\nwhy:      a rule allows r on /etc/web/site.conf\nrule:     policies/apparmor/web:3:3: /etc/web/** r,',
      ],
      [
        false,
        'expected: deny\nactual:   audit\nwhy:      no rule allows r on /etc/shadow; complain mode logs and allows it',
      ],
    ]);
  });

  it('reject bad shapes with their position', async () => {
    const results = await run(`
  - {name: a, apparmor: {profile: web, access: {path: /x}, expect: allow}}
  - {name: b, apparmor: {profile: web, access: {capability: CAP_CHOWN}, expect: maybe}}
  - {name: c, apparmor: {profile: web, access: {path: /x, permissions: rq}, expect: allow}}
  - {name: d, apparmor: {profile: web, access: {network: {domain: inet4, typ: stream}}, expect: deny}}
  - {name: e, apparmor: {profile: web, access: {socket: x}, expect: deny}}
`);
    expect(results.map((r) => r.message)).toEqual([
      'invalid test case:\npolicies/tests/cases.yaml:3:48: the path access of an apparmor case needs "permissions"',
      'invalid test case:\npolicies/tests/cases.yaml:4:61: unknown capability "CAP_CHOWN"; did you mean "chown"? (AppArmor writes them in lower case, without CAP_)\npolicies/tests/cases.yaml:4:81: "expect" of an apparmor case is allow, deny or audit, not the string "maybe"',
      'invalid test case:\npolicies/tests/cases.yaml:5:72: "permissions" are letters among r, w, a, l, k, m, x, not "rq"',
      'invalid test case:\npolicies/tests/cases.yaml:6:74: unknown key "typ" in the network access of an apparmor case; did you mean "type"? (allowed: domain, type, protocol, access)\npolicies/tests/cases.yaml:6:67: unknown network domain "inet4"; did you mean "inet"?',
      'invalid test case:\npolicies/tests/cases.yaml:7:48: an access is {path: PATH, permissions: PERMS}, {exec: PATH}, {capability: NAME}, {network: {domain: D, type: T}}, {signal: {...}}, {ptrace: {...}}, {mount: {...}}, {unix: {...}}, {dbus: {...}}, {mqueue: {...}}, {io_uring: {...}} or {userns: {...}}',
    ]);
  });

  it('decide unix, dbus, mqueue, io_uring and userns accesses, one permission or a list', async () => {
    const AGENT = `profile agent {
  unix (connect, send, receive) type=stream peer=(label=dockerd),
  deny unix (bind) addr=@agent-*,
  dbus send bus=system path=/org/freedesktop/systemd1 member=StartUnit,
  mqueue (open, read) /jobs,
  io_uring sqpoll,
  /run/containerd.sock rw,
}
`;
    const results = await run(
      `
  - {name: a, apparmor: {profile: agent, access: {unix: {access: connect, type: stream, peer: {label: dockerd}}}, expect: allow}}
  - {name: b, apparmor: {profile: agent, access: {unix: {access: [send, receive], type: stream, addr: none, peer: {label: dockerd}}}, expect: allow}}
  - {name: c, apparmor: {profile: agent, access: {unix: {access: bind, type: stream, addr: "@agent-1"}}, expect: deny}}
  - {name: d, apparmor: {profile: agent, access: {unix: {access: connect, type: stream, peer: {addr: /run/containerd.sock}}}, expect: allow}}
  - {name: e, apparmor: {profile: agent, access: {dbus: {access: send, bus: system, path: /org/freedesktop/systemd1, interface: org.freedesktop.systemd1.Manager, member: StartUnit}}, expect: allow}}
  - {name: f, apparmor: {profile: agent, access: {dbus: {access: send, bus: system, path: /org/freedesktop/systemd1, member: StopUnit}}, expect: deny}}
  - {name: g, apparmor: {profile: agent, access: {mqueue: {access: [open, read], name: /jobs}}, expect: allow}}
  - {name: h, apparmor: {profile: agent, access: {mqueue: {access: delete, name: /jobs}}, expect: deny}}
  - {name: i, apparmor: {profile: agent, access: {io_uring: {access: sqpoll}}, expect: allow}}
  - {name: j, apparmor: {profile: agent, access: {userns: {}}, expect: deny}}
  - {name: k, apparmor: {profile: agent, access: {unix: {access: bind, type: stream, addr: "@agent-1"}}, expect: allow}}
`,
      { 'policies/apparmor/agent': AGENT },
    );
    expect(results.slice(0, 10).map((r) => [r.name, r.passed, r.message])).toEqual(
      results.slice(0, 10).map((r) => [r.name, true, '']),
    );
    expect(outcome(results[10])).toEqual([
      false,
      'expected: allow\nactual:   deny\nwhy:      a deny rule matches bind in unix bind type=stream addr=@agent-1\nrule:     policies/apparmor/agent:3:3: deny unix (bind) addr=@agent-*,',
    ]);
  });

  it('reject unix, dbus, mqueue, io_uring and userns accesses of a bad shape, with their position', async () => {
    const results = await run(`
  - {name: a, apparmor: {profile: web, access: {unix: {access: sned}}, expect: deny}}
  - {name: b, apparmor: {profile: web, access: {unix: {access: [send, 3], type: strem, addr: sock}}, expect: deny}}
  - {name: c, apparmor: {profile: web, access: {unix: {access: send, peer: {lable: x}}}, expect: deny}}
  - {name: d, apparmor: {profile: web, access: {dbus: {bus: system}}, expect: deny}}
  - {name: e, apparmor: {profile: web, access: {mqueue: {access: open, name: jobs}}, expect: deny}}
  - {name: f, apparmor: {profile: web, access: {mqueue: {access: open, name: /jobs, type: sysv}}, expect: deny}}
  - {name: g, apparmor: {profile: web, access: {io_uring: {access: {x: 1}}}, expect: deny}}
  - {name: h, apparmor: {profile: web, access: {userns: {access: use}}, expect: deny}}
`);
    expect(results.map((r) => r.message)).toEqual([
      'invalid test case:\npolicies/tests/cases.yaml:3:64: unknown unix permission "sned"; did you mean "send"? (send, receive, connect, bind, listen, accept, create, shutdown, getattr, setattr, getopt, setopt, read, write, r, w)',
      'invalid test case:\npolicies/tests/cases.yaml:4:71: a unix permission is a word (send, receive, connect, bind, listen, accept, create, shutdown, getattr, setattr, getopt, setopt, read, write, r, w), not number 3\npolicies/tests/cases.yaml:4:81: unknown unix socket type "strem"; did you mean "stream"? (stream, dgram, seqpacket)\npolicies/tests/cases.yaml:4:94: a unix address is @NAME (abstract), /PATH (bound to a file), none (unbound) or auto (autobind), not "sock"',
      'invalid test case:\npolicies/tests/cases.yaml:5:77: unknown key "lable" in the peer of the unix access of an apparmor case; did you mean "label"? (allowed: addr, label)',
      'invalid test case:\npolicies/tests/cases.yaml:6:55: the dbus access of an apparmor case needs "access"',
      'invalid test case:\npolicies/tests/cases.yaml:7:78: a message queue is named /NAME (POSIX) or by a number (System V), not "jobs"',
      'invalid test case:\npolicies/tests/cases.yaml:8:78: "/jobs" names a posix queue, not a sysv one',
      'invalid test case:\npolicies/tests/cases.yaml:9:68: "access" in the io_uring access of an apparmor case is a permission or a list of them (sqpoll, override_creds), not a mapping',
      'invalid test case:\npolicies/tests/cases.yaml:10:66: unknown userns permission "use" (create)',
    ]);
  });

  it('name unknown profiles with "did you mean", and profiles defined twice', async () => {
    const results = await run(
      `
  - {name: a, apparmor: {profile: wbe, access: {capability: chown}, expect: deny}}
  - {name: b, apparmor: {profile: logger, access: {capability: chown}, expect: deny}}
`,
      { 'policies/apparmor/logger-again': 'profile logger {\n  /x r,\n}\n' },
    );
    expect(results[0]?.message).toBe(
      'no AppArmor profile named "wbe" in the repository; did you mean "web"?\nprofiles: logger, web, web//child',
    );
    expect(results[1]?.message).toBe(
      'AppArmor profile "logger" is defined in policies/apparmor/logger-again and policies/apparmor/web: the loader loads both, and the last one replaces the other (apparmor/duplicate-profile)',
    );
  });

  it('fail the cases of a profile file that does not load, with file:line, and run the others', async () => {
    const results = await run(
      `
  - {name: a, apparmor: {profile: broken, access: {capability: chown}, expect: deny}}
  - {name: b, apparmor: {profile: web, access: {capability: chown}, expect: deny}}
`,
      {
        'policies/apparmor/broken':
          'profile broken {\n  include <abstractions/nowhere-to-be-found>\n  /x r,\n}\n',
      },
    );
    expect(results[0]?.passed).toBe(false);
    expect(results[0]?.message).toMatch(
      /^the AppArmor profile "broken" does not load \(policies\/apparmor\/broken\):\npolicies\/apparmor\/broken:2:11: .*nowhere-to-be-found.* \(apparmor\/missing-include\)$/,
    );
    expect(outcome(results[1])).toEqual([true, '']);
  });
});

describe('apparmor includes', () => {
  it('resolve <...> from --include-dir (relative to the working directory)', async () => {
    const root = repository({
      'vendor/apparmor/abstractions/web-logs': '/var/log/web/** w,\n',
      'policies/apparmor/logs': 'profile logs {\n  include <abstractions/web-logs>\n}\n',
      'policies/tests/cases.yaml':
        'tests:\n  - {name: a, apparmor: {profile: logs, access: {path: /var/log/web/x, permissions: w}, expect: allow}}\n',
    });
    const config = defaultConfig(root);
    const results = async (includeDirs: string[]) =>
      (
        await runTests({
          cwd: root,
          config,
          paths: [],
          context: createRunContext({ config, cwd: root, includeDirs }),
        })
      ).results;
    expect((await results(['vendor/apparmor'])).map(outcome)).toEqual([[true, '']]);
    const without = await results([]);
    expect(without[0]?.passed).toBe(false);
    expect(without[0]?.message).toMatch(
      /^the AppArmor profile "logs" does not load \(policies\/apparmor\/logs\):\npolicies\/apparmor\/logs:2:11: .*abstractions\/web-logs/,
    );
  });
});

describe('seccomp cases', () => {
  it('pass when the action (and errno, when given) is the expected one', async () => {
    const results = await run(`
  - {name: a, seccomp: {profile: policies/seccomp/web.json, syscall: read, expect: SCMP_ACT_ALLOW}}
  - {name: b, seccomp: {profile: policies/seccomp/web.json, syscall: ptrace, expect: SCMP_ACT_KILL_PROCESS}}
  - {name: c, seccomp: {profile: policies/seccomp/web.json, syscall: unshare, expect: SCMP_ACT_ERRNO}}
  - {name: d, seccomp: {profile: policies/seccomp/web.json, syscall: unshare, expect: SCMP_ACT_ERRNO(1)}}
  - {name: e, seccomp: {profile: policies/seccomp/web.json, syscall: clone3, expect: SCMP_ACT_ERRNO(38)}}
  - {name: f, seccomp: {profile: policies/seccomp/web.json, syscall: socket, args: [2, 1, 0], expect: SCMP_ACT_ALLOW}}
  - {name: g, seccomp: {profile: policies/seccomp/web.json, syscall: socket, args: ['0x11'], expect: SCMP_ACT_ERRNO}}
  - {name: h, seccomp: {profile: policies/seccomp/web.json, syscall: read, arch: arm64, expect: SCMP_ACT_ALLOW}}
  - {name: i, seccomp: {profile: container-host-security/web.json, syscall: ptrace, expect: SCMP_ACT_KILL_PROCESS}}
  - {name: j, seccomp: {profile: localhost/container-host-security/web.json, syscall: read, expect: SCMP_ACT_ALLOW}}
`);
    expect(results.map(outcome)).toEqual(results.map(() => [true, '']));
    expect(results).toHaveLength(10);
  });

  it('fail with expected, actual and the deciding rule or default action at file:line:column', async () => {
    const results = await run(`
  - {name: a, seccomp: {profile: policies/seccomp/web.json, syscall: ptrace, expect: SCMP_ACT_ALLOW}}
  - {name: b, seccomp: {profile: policies/seccomp/web.json, syscall: clone3, expect: SCMP_ACT_ERRNO(1)}}
  - {name: c, seccomp: {profile: policies/seccomp/web.json, syscall: socket, args: [17], expect: SCMP_ACT_ALLOW}}
  - {name: d, seccomp: {profile: policies/seccomp/web.json, syscall: open, arch: aarch64, expect: SCMP_ACT_ERRNO}}
`);
    expect(results.map(outcome)).toEqual([
      [
        false,
        'expected: SCMP_ACT_ALLOW\nactual:   SCMP_ACT_KILL_PROCESS\nwhy:      the rule for ptrace at policies/seccomp/web.json:5:17 decides on SCMP_ARCH_X86_64',
      ],
      [
        false,
        'expected: SCMP_ACT_ERRNO(1)\nactual:   SCMP_ACT_ERRNO(38)\nwhy:      the rule for clone3 at policies/seccomp/web.json:6:17 decides on SCMP_ARCH_X86_64',
      ],
      [
        false,
        'expected: SCMP_ACT_ALLOW\nactual:   SCMP_ACT_ERRNO(1)\nwhy:      no rule for socket applies on SCMP_ARCH_X86_64: the default action (policies/seccomp/web.json:2:20) decides',
      ],
      [false, 'cannot evaluate: "open" is no system call on SCMP_ARCH_AARCH64'],
    ]);
  });

  it('reject bad shapes with their position and "did you mean"', async () => {
    const results = await run(`
  - {name: a, seccomp: {profile: policies/seccomp/web.json, syscall: ptrase, arch: amd46, args: [-1, x], expect: SCMP_ACT_ERNO}}
  - {name: b, seccomp: {profile: policies/seccomp/web.json, syscall: read, expect: ERRNO, argz: []}}
`);
    expect(results.map((r) => r.message)).toEqual([
      [
        'invalid test case:',
        'policies/tests/cases.yaml:3:70: "ptrase" is no system call of any architecture; did you mean "ptrace"?',
        'policies/tests/cases.yaml:3:84: unknown architecture "amd46"; did you mean "amd64"? (SCMP_ARCH_*, x86_64, amd64, ...)',
        'policies/tests/cases.yaml:3:98: an argument is an unsigned integer (decimal, or "0x..." in quotes), not number -1',
        'policies/tests/cases.yaml:3:102: an argument is an unsigned integer (decimal, or "0x..." in quotes), not the string "x"',
        'policies/tests/cases.yaml:3:114: unknown action "SCMP_ACT_ERNO"; did you mean "SCMP_ACT_ERRNO"?',
      ].join('\n'),
      [
        'invalid test case:',
        'policies/tests/cases.yaml:4:91: unknown key "argz" in a seccomp case; did you mean "args"? (allowed: profile, syscall, arch, args, expect)',
        'policies/tests/cases.yaml:4:84: "expect" of a seccomp case is an action such as SCMP_ACT_ERRNO or SCMP_ACT_ERRNO(1), not the string "ERRNO"',
      ].join('\n'),
    ]);
  });

  it('evaluate nowhere a profile the runtime refuses: no action is made up for an unknown one', async () => {
    const results = await run(
      `
  - {name: a, seccomp: {profile: policies/seccomp/deny.json, syscall: ptrace, expect: SCMP_ACT_ERRNO}}
  - {name: b, seccomp: {profile: policies/seccomp/deny.json, syscall: read, expect: SCMP_ACT_ALLOW}}
`,
      {
        'policies/seccomp/deny.json':
          '{\n  "defaultAction": "SCMP_ACT_ALLOW",\n  "syscalls": [{"names": ["ptrace"], "action": "SCMP_ACT_DENY"}]\n}\n',
      },
    );
    const message =
      'the seccomp profile does not load (policies/seccomp/deny.json):\npolicies/seccomp/deny.json:3:48: unknown action "SCMP_ACT_DENY"; did you mean "SCMP_ACT_ERRNO"? (the call fails with EPERM, or errnoRet; SCMP_ACT_KILL_PROCESS kills the process) (seccomp/unknown-action)';
    expect(results.map(outcome)).toEqual([
      [false, message],
      [false, message],
    ]);
  });

  it('name unknown profiles with "did you mean", and profiles that do not load with file:line:column', async () => {
    const results = await run(
      `
  - {name: a, seccomp: {profile: policies/seccomp/wbe.json, syscall: read, expect: SCMP_ACT_ALLOW}}
  - {name: b, seccomp: {profile: policies/seccomp/broken.json, syscall: read, expect: SCMP_ACT_ALLOW}}
  - {name: c, seccomp: {profile: policies/seccomp/schema.json, syscall: read, expect: SCMP_ACT_ALLOW}}
  - {name: d, seccomp: {profile: ../outside.json, syscall: read, expect: SCMP_ACT_ALLOW}}
`,
      {
        'policies/seccomp/broken.json': '{\n  "defaultAction": "SCMP_ACT_ALLOW",\n}\n',
        'policies/seccomp/schema.json': '{\n  "defaultAktion": "SCMP_ACT_ALLOW"\n}\n',
      },
    );
    expect(results[0]?.message).toBe(
      'no seccomp profile "policies/seccomp/wbe.json" in the repository; did you mean "policies/seccomp/web.json"? (profiles: policies/seccomp/broken.json, policies/seccomp/schema.json, policies/seccomp/web.json)',
    );
    expect(results[1]?.message).toMatch(
      /^the seccomp profile does not load \(policies\/seccomp\/broken\.json\):\npolicies\/seccomp\/broken\.json:2:36: invalid JSON: a comma before '\}': remove the trailing comma \(seccomp\/invalid-json\)$/,
    );
    expect(results[2]?.message).toMatch(
      /^the seccomp profile does not load \(policies\/seccomp\/schema\.json\):\npolicies\/seccomp\/schema\.json:1:1: .*"defaultAction".* \(seccomp\/schema\)/,
    );
    expect(results[3]?.message).toMatch(/^seccomp profile "..\/outside.json" is outside the repository \(/);
    expect(results.every((r) => !r.passed)).toBe(true);
  });

  it('read and parse each profile once per run, however many cases name it', async () => {
    const builds = new Map<string, number>();
    const results = await run(
      `
  - {name: a, seccomp: {profile: policies/seccomp/web.json, syscall: read, expect: SCMP_ACT_ALLOW}}
  - {name: b, seccomp: {profile: policies/seccomp/web.json, syscall: write, expect: SCMP_ACT_ALLOW}}
  - {name: c, seccomp: {profile: policies/seccomp/web.json, syscall: ptrace, expect: SCMP_ACT_KILL_PROCESS}}
  - {name: d, apparmor: {profile: web, access: {capability: chown}, expect: deny}}
  - {name: e, apparmor: {profile: web//child, access: {capability: chown}, expect: deny}}
  - {name: f, podSecurity: {policy: no-root, object: ${POD()}, expect: {allowed: false}}}
  - {name: g, podSecurity: {policy: no-root, object: ${SAFE_POD}, expect: {allowed: true}}}
`,
      {},
      (context) => ({
        ...context,
        cached: (key, build) =>
          context.cached(key, () => {
            builds.set(key, (builds.get(key) ?? 0) + 1);
            return build();
          }),
      }),
    );
    expect(results.map((r) => r.passed)).toEqual([true, true, true, true, true, true, true]);
    expect([...builds.values()].every((n) => n === 1)).toBe(true);
    expect([...builds.keys()].filter((k) => k.startsWith('seccomp:/'))).toHaveLength(1);
    expect(builds.has('apparmor')).toBe(true);
    expect(builds.has('podSecurity')).toBe(true);
  });
});

describe('podSecurity cases', () => {
  it('pass for policies of the repository and for levels', async () => {
    const results = await run(`
  - {name: a, podSecurity: {policy: no-root, object: ${POD()}, expect: {allowed: false, messageContains: runAsNonRoot}}}
  - {name: b, podSecurity: {policy: no-root, object: ${SAFE_POD}, expect: {allowed: true}}}
  - {name: c, podSecurity: {policy: no-root, object: ${POD(', namespace: elsewhere')}, expect: {allowed: true}}}
  - {name: d, podSecurity: {policy: no-root, object: ${POD(', namespace: shop')}, expect: {allowed: false}}}
  - {name: e, podSecurity: {policy: baseline, object: ${POD()}, expect: {allowed: true}}}
  - {name: f, podSecurity: {policy: 'restricted:v1.30', object: ${POD()}, expect: {allowed: false, messageContains: 'violates PodSecurity "restricted:v1.30"'}}}
  - {name: g, podSecurity: {policy: restricted, object: ${POD()}, expect: {allowed: false, messageContains: '"restricted:latest"'}}}
`);
    expect(results.map(outcome)).toEqual(results.map(() => [true, '']));
    expect(results).toHaveLength(7);
  });

  it('fail with expected, actual and the deciding control at file:line:column', async () => {
    const results = await run(`
  - {name: a, podSecurity: {policy: no-root, object: ${POD()}, expect: {allowed: true}}}
  - {name: b, podSecurity: {policy: no-root, object: ${SAFE_POD}, expect: {allowed: false}}}
  - {name: c, podSecurity: {policy: no-root, object: ${POD(', namespace: elsewhere')}, expect: {allowed: false}}}
  - {name: d, podSecurity: {policy: restricted, object: ${POD()}, expect: {allowed: false, messageContains: hostPath}}}
  - {name: e, podSecurity: {policy: baseline, object: ${POD()}, expect: {allowed: false}}}
`);
    expect(results.map(outcome)).toEqual([
      [
        false,
        [
          'expected: allowed',
          `actual:   rejected: pods "p" is forbidden: ValidatingAdmissionPolicy 'chs-no-root' with binding 'chs-no-root' denied request: runAsNonRoot != true (container "c" must set securityContext.runAsNonRoot=true, or the pod must)`,
          'why:      no-root/runAsNonRoot (policies/pod-security/no-root.yaml:8:5): runAsNonRoot != true (container "c" must set securityContext.runAsNonRoot=true, or the pod must)',
        ].join('\n'),
      ],
      [
        false,
        'expected: rejected\nactual:   allowed\nwhy:      policy "no-root" (policies/pod-security/no-root.yaml:4:9) finds nothing to refuse',
      ],
      [
        false,
        'expected: rejected\nactual:   allowed\nwhy:      policy "no-root" (policies/pod-security/no-root.yaml:4:9) does not apply to namespace "elsewhere" (or exempts the object)',
      ],
      [
        false,
        expect.stringMatching(
          /^expected the message to contain: hostPath\nactual message: pods "p" is forbidden: violates PodSecurity "restricted:latest": allowPrivilegeEscalation != false/,
        ),
      ],
      [false, 'expected: rejected\nactual:   allowed\nwhy:      the object meets the baseline level'],
    ]);
  });

  it('reject bad shapes, and name unknown policies with "did you mean"', async () => {
    const results = await run(`
  - {name: a, podSecurity: {policy: restricted, object: {kind: ConfigMap, metadata: {name: x}}, expect: {allowed: true}}}
  - {name: b, podSecurity: {policy: no-rot, object: ${POD()}, expect: {allowed: true}}}
  - {name: c, podSecurity: {policy: 'restricted:1.30', object: ${POD()}, expect: {allowed: true}}}
  - {name: d, podSecurity: {policy: restricted, object: ${POD()}, expect: {allowed: nope, mesageContains: x}}}
`);
    expect(results.map((r) => r.message)).toEqual([
      'invalid test case:\npolicies/tests/cases.yaml:3:64: "object" must be a Pod or a workload (Pod, PodTemplate, ReplicationController, Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, CronJob), not kind "ConfigMap"',
      'no pod security policy named "no-rot" in the repository, and no level; did you mean "no-root"?\npolicies: no-root; levels: privileged, baseline, restricted (optionally :v1.N)',
      '"restricted:1.30": the version of a level is v1.N or latest (restricted:v1.30, restricted:latest)',
      expect.stringContaining(
        'unknown key "mesageContains" in the expectation of a podSecurity case; did you mean "messageContains"?',
      ),
    ]);
    expect(results[3]?.message).toContain('"allowed" must be true or false, not the string "nope"');
  });

  it('fail the cases of a policy file that does not load, with file:line', async () => {
    const results = await run(
      `
  - {name: a, podSecurity: {policy: strict, object: ${POD()}, expect: {allowed: false}}}
  - {name: b, podSecurity: {policy: no-root, object: ${POD()}, expect: {allowed: false}}}
`,
      {
        'policies/pod-security/strict.yaml':
          'apiVersion: container-host-security/v1\nkind: PodSecurity\nmetadata:\n  name: strict\nspec:\n  level: restricted\n  controls:\n    runAsNonRot: true\n',
      },
    );
    expect(results[0]?.passed).toBe(false);
    // The schema refuses the policy, but the case names it: it does not load, it is not missing.
    expect(results[0]?.message).toMatch(
      /^the pod security policies of policies\/pod-security\/strict\.yaml do not load:\npolicies\/pod-security\/strict\.yaml:8:5: .*runAsNonRot.*\(pod-security\/invalid-policy\)$/,
    );
    expect(outcome(results[1])).toEqual([true, '']);
  });
});

// A case against a policy that does not load fails with its load errors in every language, even
// where the part it asks about is fine: never with a verdict computed from the rest.
describe.each([
  {
    language: 'apparmor, a permission apparmor_parser refuses',
    files: { 'policies/apparmor/api': 'profile api {\n  /srv/** rz,\n  capability chown,\n}\n' },
    test: '{name: a, apparmor: {profile: api, access: {capability: chown}, expect: allow}}',
    message:
      'the AppArmor profile "api" does not load (policies/apparmor/api):\npolicies/apparmor/api:2:11: invalid permission "z" in "rz" (apparmor/invalid-permissions)',
  },
  {
    language: 'apparmor, a capability that does not exist',
    files: { 'policies/apparmor/api': 'profile api {\n  capability chwon,\n  /srv/** r,\n}\n' },
    test: '{name: a, apparmor: {profile: api, access: {path: /srv/x, permissions: r}, expect: allow}}',
    message:
      /^the AppArmor profile "api" does not load \(policies\/apparmor\/api\):\npolicies\/apparmor\/api:2:14: .*"chwon".* \(apparmor\/unknown-capability\)$/,
  },
  {
    // Found by lint's checks beyond the grammar, which apparmor_parser refuses all the same.
    language: 'apparmor, a missing child profile',
    files: { 'policies/apparmor/api': 'profile api {\n  /usr/bin/helper Cx,\n  capability chown,\n}\n' },
    test: '{name: a, apparmor: {profile: api, access: {capability: chown}, expect: allow}}',
    message:
      /^the AppArmor profile "api" does not load \(policies\/apparmor\/api\):\npolicies\/apparmor\/api:2:\d+: .* \(apparmor\/missing-child-profile\)$/,
  },
  {
    language: 'pod-security, a duplicate key (the policy still parses)',
    files: {
      'policies/pod-security/p.yaml':
        'apiVersion: container-host-security/v1\nkind: PodSecurity\nmetadata:\n  name: base-only\nspec:\n  level: baseline\n  level: privileged\n',
    },
    test: `{name: a, podSecurity: {policy: base-only, object: ${POD()}, expect: {allowed: true}}}`,
    message:
      /^the pod security policies of policies\/pod-security\/p\.yaml do not load:\npolicies\/pod-security\/p\.yaml:7:3: .*"level".* \(pod-security\/invalid-policy\)$/,
  },
])('chs test and a $language', ({ files, test, message }) => {
  it('fails the case with the load errors', async () => {
    const [result] = await run(`  - ${test}\n`, files);
    expect(result?.passed).toBe(false);
    if (typeof message === 'string') expect(result?.message).toBe(message);
    else expect(result?.message).toMatch(message);
  });
});

describe("podSecurity cases in chs's own namespace", () => {
  it('are admitted by every policy, even one that names the namespace (the loader runs there)', async () => {
    const policy =
      'apiVersion: container-host-security/v1\nkind: PodSecurity\nmetadata:\n  name: everywhere\nspec:\n  namespaces: [shop, container-host-security]\n  controls:\n    runAsNonRoot: true\n';
    const pod = (namespace: string) =>
      `{apiVersion: v1, kind: Pod, metadata: {name: p, namespace: ${namespace}}, spec: {containers: [{name: c, image: i}]}}`;
    const results = await run(
      `
  - {name: own, podSecurity: {policy: everywhere, object: ${pod('container-host-security')}, expect: {allowed: true}}}
  - {name: shop, podSecurity: {policy: everywhere, object: ${pod('shop')}, expect: {allowed: false}}}
  - {name: own refused, podSecurity: {policy: everywhere, object: ${pod('container-host-security')}, expect: {allowed: false}}}
`,
      { 'policies/pod-security/everywhere.yaml': policy },
    );
    expect(results.map((r) => r.passed)).toEqual([true, true, false]);
    expect(results[2]?.message).toMatch(
      /^expected: rejected\nactual: {3}allowed\nwhy: {6}policy "everywhere" \(policies\/pod-security\/everywhere\.yaml:\d+:\d+\) does not apply to namespace "container-host-security"/,
    );
  });
});
