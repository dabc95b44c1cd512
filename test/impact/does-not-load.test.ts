/**
 * The preview evaluates nowhere a policy that does not load (issue 16, item 4): a seccomp profile
 * with an action that does not exist is no "ERRNO → DENY widened", a Falco rule that stops
 * compiling is not "removed", and a new one that does not compile is not missing; an AppArmor
 * profile apparmor_parser refuses and a pod security policy the API server refuses are neither
 * widened, narrowed nor removed, and decide no recorded access and no workload.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appArmorSection } from '../../src/impact/apparmor.js';
import { falcoItemChanges, falcoSection, loadFalcoSide } from '../../src/impact/falco.js';
import { podSecuritySection } from '../../src/impact/pod-security.js';
import { loadSeccompSide, seccompItemChanges, seccompSection } from '../../src/impact/seccomp.js';
import { loadTree } from '../../src/impact/tree.js';
import { analyse, deployment } from './providers-helpers.js';

function side(files: Record<string, string>): ReturnType<typeof loadTree> {
  const root = mkdtempSync(join(tmpdir(), 'chs-noload-'));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return loadTree(root);
}

const profile = (action: string): string =>
  `{\n  "defaultAction": "SCMP_ACT_ALLOW",\n  "syscalls": [{"names": ["ptrace"], "action": "${action}"}]\n}\n`;

const rule = (name: string, condition: string): string => `- rule: ${name}
  desc: ${name}
  condition: ${condition}
  output: "%proc.name"
  priority: WARNING
`;

describe('the preview and a seccomp profile that does not load', () => {
  it('shows it as not loading with its first error, and decides nothing with it', () => {
    const base = side({ 'policies/seccomp/api.json': profile('SCMP_ACT_ERRNO') });
    const head = side({ 'policies/seccomp/api.json': profile('SCMP_ACT_DENY') });
    const items = seccompItemChanges(loadSeccompSide(base), loadSeccompSide(head));
    expect(items).toEqual([
      {
        kind: 'seccomp',
        file: 'policies/seccomp/api.json',
        itemType: 'profile',
        name: 'policies/seccomp/api.json',
        change: 'does-not-load',
        detail:
          'does not load: policies/seccomp/api.json:3:48: unknown action "SCMP_ACT_DENY"; did you mean "SCMP_ACT_ERRNO"? (the call fails with EPERM, or errnoRet; SCMP_ACT_KILL_PROCESS kills the process) (seccomp/unknown-action)',
      },
    ]);
    expect(loadSeccompSide(head).profiles.size).toBe(0);
  });
});

describe('the preview and a Falco rule that does not compile', () => {
  it('a rule that stops compiling does not load; it is not removed', () => {
    const base = side({ 'policies/falco/a.yaml': rule('Shell', 'evt.type = execve and proc.name = bash') });
    const head = side({ 'policies/falco/a.yaml': rule('Shell', 'evt.type = execve and proc.nmae = bash') });
    const items = falcoItemChanges(loadFalcoSide(base), loadFalcoSide(head));
    expect(items.map((i) => [i.name, i.change, i.file])).toEqual([
      ['Shell', 'does-not-load', 'policies/falco/a.yaml'],
    ]);
    expect(items[0]?.detail).toMatch(
      /^does not load: policies\/falco\/a\.yaml:3:\d+: .*proc\.nmae.* \(falco\/unknown-field\)$/,
    );
  });

  it('a new rule that does not compile is shown, not missing', () => {
    const base = side({ 'policies/falco/a.yaml': rule('Shell', 'evt.type = execve and proc.name = bash') });
    const head = side({
      'policies/falco/a.yaml': `${rule('Shell', 'evt.type = execve and proc.name = bash')}${rule('Curl', 'evt.type = execve and not_a_macro')}`,
    });
    const items = falcoItemChanges(loadFalcoSide(base), loadFalcoSide(head));
    expect(items.map((i) => [i.name, i.change])).toEqual([['Curl', 'does-not-load']]);
    expect(items[0]?.detail).toContain('(falco/undefined-macro)');
  });
});

// Every language's section, whole (events and cluster state given): a head policy that does not
// load is one `does-not-load` item with its first errors at file:line:column, and no verdict
// (widened, narrowed, removed, a workload rejected or an access denied) is computed from it.
const NGINX = (flags: string, rules: string) =>
  `profile k8s-nginx flags=(${flags}) {\n  /usr/sbin/nginx ix,\n${rules}}\n`;
const POLICY = (spec: string) =>
  `apiVersion: container-host-security/v1\nkind: PodSecurity\nmetadata:\n  name: no-root\nspec:\n${spec}`;
const SHOP = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } };
const NGINX_POD = {
  name: 'nginx',
  image: 'nginx',
  securityContext: { appArmorProfile: { type: 'Localhost', localhostProfile: 'k8s-nginx' } },
};
const API_POD = {
  name: 'api',
  image: 'api',
  securityContext: {
    seccompProfile: { type: 'Localhost', localhostProfile: 'container-host-security/api.json' },
  },
};
const CLUSTER = [SHOP, deployment('shop', 'web', NGINX_POD), deployment('shop', 'api', API_POD)];
const EVENTS = [
  {
    'evt.type': 'execve',
    'proc.exepath': '/bin/sh',
    'proc.name': 'sh',
    'k8s.ns.name': 'shop',
    'k8s.pod.name': 'web',
  },
  { 'evt.type': 'ptrace', 'k8s.ns.name': 'shop', 'k8s.pod.name': 'api' },
];

/** A row of the table below: the nginx profile, in complain mode on the base, enforcing on the head. */
function apparmorRow(what: string, rules: string, error: RegExp, config?: string) {
  return {
    language: `apparmor, ${what}`,
    section: appArmorSection,
    base: { 'policies/apparmor/nginx': NGINX('complain', '  /etc/nginx/** r,\n') },
    head: {
      ...(config ? { 'chs.yaml': config } : {}),
      'policies/apparmor/nginx': NGINX('enforce', rules),
    },
    name: 'k8s-nginx',
    file: 'policies/apparmor/nginx',
    error,
  };
}

describe.each([
  {
    language: 'seccomp',
    section: seccompSection,
    base: { 'policies/seccomp/api.json': profile('SCMP_ACT_LOG') },
    head: { 'policies/seccomp/api.json': profile('SCMP_ACT_DENY') },
    name: 'policies/seccomp/api.json',
    file: 'policies/seccomp/api.json',
    error:
      /^does not load: policies\/seccomp\/api\.json:3:48: unknown action "SCMP_ACT_DENY".* \(seccomp\/unknown-action\)$/,
  },
  {
    language: 'falco',
    section: falcoSection,
    base: { 'policies/falco/a.yaml': rule('Shell', 'evt.type = execve and proc.name = sh') },
    head: { 'policies/falco/a.yaml': rule('Shell', 'evt.type = execve and proc.nmae = sh') },
    name: 'Shell',
    file: 'policies/falco/a.yaml',
    error: /^does not load: policies\/falco\/a\.yaml:3:\d+: .*proc\.nmae.* \(falco\/unknown-field\)$/,
  },
  // An enforcing profile with a permission apparmor_parser does not know: not a mode change, no
  // rule widened or narrowed, no recorded access denied.
  apparmorRow(
    'a rule apparmor_parser refuses',
    '  /etc/nginx/** rz,\n  deny /bin/** x,\n',
    /^does not load: policies\/apparmor\/nginx:3:17: .*"z".* \(apparmor\/invalid-permissions\)$/,
  ),
  apparmorRow(
    'an include that is nowhere',
    '  include <local/nginx-extra>\n',
    /^does not load: policies\/apparmor\/nginx:3:11: .*local\/nginx-extra.* \(apparmor\/missing-include\)$/,
  ),
  // Found by lint's checks beyond the grammar: a Cx transition to a child that is not there, and
  // AppArmor 4 syntax where chs.yaml says the nodes run AppArmor 3.
  apparmorRow(
    'a missing child profile',
    '  /usr/bin/helper Cx,\n',
    /^does not load: policies\/apparmor\/nginx:3:\d+: .* \(apparmor\/missing-child-profile\)$/,
  ),
  apparmorRow(
    'AppArmor 4 syntax for AppArmor 3 nodes',
    '  /etc/nginx/** r,\n  userns,\n',
    /^does not load: policies\/apparmor\/nginx:4:3: .*needs AppArmor 4.* \(apparmor\/abi4-syntax\)$/,
    'version: 1\napparmor:\n  abi: 3\ntargets:\n  - name: production\n    namespaces: [shop]\n    mode: block\n',
  ),
  {
    // The policy still parses, but a duplicate key is refused by the API server: its level is
    // not "narrowed", and the root workload is not "rejected".
    language: 'pod-security, a duplicate key',
    section: podSecuritySection,
    base: { 'policies/pod-security/p.yaml': POLICY('  mode: monitor\n  level: baseline\n') },
    head: { 'policies/pod-security/p.yaml': POLICY('  level: baseline\n  level: restricted\n') },
    name: 'no-root',
    file: 'policies/pod-security/p.yaml',
    error:
      /^does not load: policies\/pod-security\/p\.yaml:7:3: .*"level".* \(pod-security\/invalid-policy\)$/,
  },
  {
    // The schema refuses the policy: it is not "removed".
    language: 'pod-security, a control that does not exist',
    section: podSecuritySection,
    base: { 'policies/pod-security/p.yaml': POLICY('  controls:\n    runAsNonRoot: true\n') },
    head: { 'policies/pod-security/p.yaml': POLICY('  controls:\n    runAsNonRot: true\n') },
    name: 'no-root',
    file: 'policies/pod-security/p.yaml',
    error:
      /^does not load: policies\/pod-security\/p\.yaml:7:5: .*runAsNonRot.* \(pod-security\/invalid-policy\)$/,
  },
  {
    language: 'pod-security, YAML that does not parse',
    section: podSecuritySection,
    base: { 'policies/pod-security/p.yaml': POLICY('  controls:\n    runAsNonRoot: true\n') },
    head: { 'policies/pod-security/p.yaml': POLICY('  controls:\n    runAsNonRoot: [true\n') },
    name: 'no-root',
    file: 'policies/pod-security/p.yaml',
    error: /^does not load: policies\/pod-security\/p\.yaml:\d+:\d+: .* \(pod-security\/invalid-policy\)$/,
  },
])(
  'the $language section and a head policy that does not load',
  ({ section, base, head, name, file, error }) => {
    it('shows it as not loading, with its first errors, and computes no verdict from it', async () => {
      const result = await analyse(section, base, head, { events: EVENTS, cluster: CLUSTER });
      expect(result.items.map((i) => [i.name, i.change, i.file])).toEqual([[name, 'does-not-load', file]]);
      expect(result.items[0]?.detail).toMatch(error);
      expect(result.impacts.filter((i) => i.severity !== 'info')).toEqual([]);
      // Nor is a workload the base's policy rejected said to be fixed by a policy that is gone.
      expect(result.notes.join('\n')).not.toMatch(/no longer violate/);
    });
  },
);

describe('the pod security section and a new file that does not load', () => {
  it('names a new policy the schema refuses by its name, and a file that does not parse by its path', async () => {
    const result = await analyse(
      podSecuritySection,
      {},
      {
        'policies/pod-security/p.yaml': POLICY('  controls:\n    runAsNonRot: true\n'),
        'policies/pod-security/q.yaml': 'apiVersion: [\n',
      },
      { cluster: CLUSTER },
    );
    expect(result.items.map((i) => [i.itemType, i.name, i.change, i.file])).toEqual([
      ['policy', 'no-root', 'does-not-load', 'policies/pod-security/p.yaml'],
      ['policy file', 'policies/pod-security/q.yaml', 'does-not-load', 'policies/pod-security/q.yaml'],
    ]);
    expect(result.items[1]?.detail).toMatch(
      /^does not load: policies\/pod-security\/q\.yaml:\d+:\d+: .*\(pod-security\/invalid-policy\)$/,
    );
    expect(result.impacts).toEqual([]);
  });
});

describe('the AppArmor section and include fragments', () => {
  const profileWith = {
    'policies/apparmor/nginx': NGINX('enforce', '  include "policies/apparmor/abstractions/web"\n'),
  };
  it('does not take a fragment (rules outside a profile) for a profile that does not load', async () => {
    const files = { ...profileWith, 'policies/apparmor/abstractions/web': '/srv/www/** r,\n' };
    const result = await analyse(appArmorSection, files, files);
    expect(result.items).toEqual([]);
  });

  it('shows the profile that includes a fragment that does not load, with the fragment error', async () => {
    const result = await analyse(
      appArmorSection,
      { ...profileWith, 'policies/apparmor/abstractions/web': '/srv/www/** r,\n' },
      { ...profileWith, 'policies/apparmor/abstractions/web': '/srv/www/** rq,\n' },
    );
    expect(result.items.map((i) => [i.name, i.change, i.file, i.detail])).toEqual([
      [
        'k8s-nginx',
        'does-not-load',
        'policies/apparmor/nginx',
        'does not load: policies/apparmor/abstractions/web:1:13: invalid permission "q" in "rq" (apparmor/invalid-permissions)',
      ],
    ]);
  });
});
