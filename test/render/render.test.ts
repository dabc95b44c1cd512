/* eslint-disable @typescript-eslint/no-explicit-any -- the tests dig into objects parsed from JSON */
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { renderCommand } from '../../src/cli/render.js';
import { defaultConfig, loadConfig } from '../../src/core/config.js';
import type { Config } from '../../src/core/config.js';
import type { PolicyKind } from '../../src/core/kinds.js';
import { definesProfile } from '../../src/render/apparmor.js';
import { readPolicyFiles, renderTarget } from '../../src/render/index.js';
import { CONTENT_HASH_LABEL, MANAGED_BY_LABEL, TARGET_LABEL, contentHash } from '../../src/render/labels.js';
import { toMonitor } from '../../src/render/seccomp.js';
import type { PolicyText } from '../../src/render/types.js';
import { FIXTURE, runCommand } from '../kube/helpers.js';

function files(entries: Partial<Record<PolicyKind, PolicyText[]>>): Map<PolicyKind, PolicyText[]> {
  return new Map<PolicyKind, PolicyText[]>([
    ['falco', entries.falco ?? []],
    ['apparmor', entries.apparmor ?? []],
    ['seccomp', entries.seccomp ?? []],
    ['pod-security', entries['pod-security'] ?? []],
  ]);
}

const text = (path: string, body: string): PolicyText => ({ path, display: path, text: body });
const profile = 'profile web {\n  network inet tcp,\n}\n';
const deny =
  '{"defaultAction":"SCMP_ACT_ERRNO","defaultErrnoRet":1,"syscalls":[{"names":["read"],"action":"SCMP_ACT_ALLOW"},{"names":["ptrace"],"action":"SCMP_ACT_KILL"}]}';

function config(mode: 'monitor' | 'block', extra: Partial<Config> = {}): Config {
  return {
    ...defaultConfig('/repo'),
    targets: [{ name: 'prod', mode, namespaces: ['shop', 'pay'] }],
    ...extra,
  };
}

describe('renderTarget', () => {
  it('labels every object with our manager, the target and a hash of its content', () => {
    const result = renderTarget(
      config('monitor'),
      { name: 'prod' },
      files({
        apparmor: [text('policies/apparmor/web', profile)],
        falco: [text('policies/falco/a.yaml', '- rule: x\n')],
      }),
    );
    expect(result.problems).toEqual([]);
    expect(result.objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'Namespace/container-host-security',
      'ConfigMap/chs-apparmor-profiles',
      'ConfigMap/chs-profile-loader',
      'ConfigMap/chs-falco-rules',
      'DaemonSet/chs-profile-loader',
    ]);
    for (const object of result.objects) {
      const labels = object.metadata.labels ?? {};
      expect(labels[MANAGED_BY_LABEL]).toBe('container-host-security');
      expect(labels[TARGET_LABEL]).toBe('prod');
      const { [CONTENT_HASH_LABEL]: hash, ...rest } = labels;
      expect(hash).toMatch(/^[0-9a-f]{20}$/);
      expect(hash).toBe(contentHash({ ...object, metadata: { ...object.metadata, labels: rest } }));
    }
  });

  it('gives the same bytes for the same input, and different hashes for different content', () => {
    const input = files({
      seccomp: [text('policies/seccomp/a.json', deny)],
      falco: [text('policies/falco/a.yaml', '- rule: x\n')],
    });
    const a = renderTarget(config('block'), { name: 'prod' }, input);
    const b = renderTarget(config('block'), { name: 'prod' }, input);
    expect(a.files).toEqual(b.files);
    const c = renderTarget(
      config('block'),
      { name: 'prod' },
      files({
        ...{ seccomp: [text('policies/seccomp/a.json', deny.replace('ptrace', 'kexec_load'))] },
        falco: [text('policies/falco/a.yaml', '- rule: x\n')],
      }),
    );
    const hash = (r: typeof a, kind: string, name: string): string | undefined =>
      r.objects.find((o) => o.kind === kind && o.metadata.name === name)?.metadata.labels?.[
        CONTENT_HASH_LABEL
      ];
    expect(hash(c, 'ConfigMap', 'chs-falco-rules')).toBe(hash(a, 'ConfigMap', 'chs-falco-rules'));
    expect(hash(c, 'ConfigMap', 'chs-profile-loader')).toBe(hash(a, 'ConfigMap', 'chs-profile-loader'));
    expect(hash(c, 'ConfigMap', 'chs-seccomp-profiles')).not.toBe(
      hash(a, 'ConfigMap', 'chs-seccomp-profiles'),
    );
    expect(hash(c, 'DaemonSet', 'chs-profile-loader')).not.toBe(hash(a, 'DaemonSet', 'chs-profile-loader'));
  });

  it('loads AppArmor profiles in complain mode when monitoring and enforce mode when blocking', () => {
    const env = (mode: 'monitor' | 'block'): unknown => {
      const ds = renderTarget(
        config(mode),
        { name: 'prod', mode },
        files({ apparmor: [text('p/web', profile)] }),
      ).objects.find((o) => o.kind === 'DaemonSet') as Record<string, any>;
      return ds.spec.template.spec.containers[0].env;
    };
    expect(env('monitor')).toContainEqual({ name: 'CHS_APPARMOR_MODE', value: 'complain' });
    expect(env('block')).toContainEqual({ name: 'CHS_APPARMOR_MODE', value: 'enforce' });
  });

  it('turns blocking seccomp actions into SCMP_ACT_LOG in monitor mode and keeps the file as it is in block mode', () => {
    expect(toMonitor(JSON.parse(deny))).toEqual({
      defaultAction: 'SCMP_ACT_LOG',
      syscalls: [
        { names: ['read'], action: 'SCMP_ACT_ALLOW' },
        { names: ['ptrace'], action: 'SCMP_ACT_LOG' },
      ],
    });
    const data = (mode: 'monitor' | 'block'): Record<string, string> =>
      (
        renderTarget(
          config(mode),
          { name: 'prod', mode },
          files({ seccomp: [text('policies/seccomp/a.json', deny)] }),
        ).objects.find((o) => o.metadata.name === 'chs-seccomp-profiles') as unknown as {
          data: Record<string, string>;
        }
      ).data;
    expect(data('block')['a.json']).toBe(`${deny}\n`);
    expect(JSON.parse(data('monitor')['a.json'] as string).defaultAction).toBe('SCMP_ACT_LOG');
  });

  it('renders SeccompProfile objects in each of the target namespaces for an operator before v0.9.0', () => {
    const cfg = config('block');
    const docker =
      '{"defaultAction":"SCMP_ACT_ERRNO","archMap":[{"architecture":"SCMP_ARCH_X86_64","subArchitectures":["SCMP_ARCH_X86"]}],"syscalls":[{"names":["read"],"action":"SCMP_ACT_ALLOW","includes":{"caps":["CAP_SYS_ADMIN"]}}]}';
    const result = renderTarget(
      cfg,
      {
        name: 'prod',
        mode: 'block',
        namespaces: ['shop', 'pay'],
        delivery: 'security-profiles-operator',
        operatorVersion: '0.8.4',
      },
      files({ seccomp: [text('policies/seccomp/Web_Server.json', docker)] }),
    );
    expect(
      result.objects.map((o) => `${o.apiVersion} ${o.kind}/${o.metadata.namespace}/${o.metadata.name}`),
    ).toEqual([
      'security-profiles-operator.x-k8s.io/v1beta1 SeccompProfile/pay/web-server',
      'security-profiles-operator.x-k8s.io/v1beta1 SeccompProfile/shop/web-server',
    ]);
    expect((result.objects[0] as Record<string, any>).spec).toEqual({
      defaultAction: 'SCMP_ACT_ERRNO',
      architectures: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86'],
      syscalls: [{ names: ['read'], action: 'SCMP_ACT_ALLOW' }],
    });
    expect(result.notes[0]).toContain("1 syscall rule(s) have Docker's includes/excludes conditions");
  });

  it.each([
    [
      '0.9.0',
      'security-profiles-operator.x-k8s.io/v1beta1',
      'security-profiles-operator.x-k8s.io/v1alpha1',
      { complainMode: true },
    ],
    [
      '1.0.0',
      'security-profiles-operator.x-k8s.io/v1',
      'security-profiles-operator.x-k8s.io/v1',
      { mode: 'Complain' },
    ],
  ])(
    'operator %s: one cluster-scoped SeccompProfile per profile, AppArmorProfile objects for profiles the template carries',
    (operatorVersion, seccompApi, apparmorApi, mode) => {
      const carried = [
        'include <tunables/global>',
        'profile web flags=(attach_disconnected,mediate_deleted) {',
        '  include <abstractions/base>',
        '  /usr/sbin/nginx ixr,',
        '  /etc/nginx/** r,',
        '  deny /etc/nginx/** wlk,',
        '  network tcp,',
        '  capability net_bind_service,',
        ...[
          '@{PROC}/* w',
          '@{PROC}/{[^1-9],[^1-9][^0-9],[^1-9s][^0-9y][^0-9s],[^1-9][^0-9][^0-9][^0-9]*}/** w',
          '@{PROC}/sys/[^k]** w',
          '@{PROC}/sys/kernel/{?,??,[^s][^h][^m]**} w',
          '@{PROC}/sysrq-trigger rwklx',
          '@{PROC}/mem rwklx',
          '@{PROC}/kmem rwklx',
          '@{PROC}/kcore rwklx',
          '/sys/firmware/efi/efivars/** rwklx',
        ].map((rule) => `  deny ${rule},`),
        '}',
        '',
      ].join('\n');
      const result = renderTarget(
        config('monitor'),
        { name: 'prod', namespaces: ['shop'], delivery: 'security-profiles-operator', operatorVersion },
        files({
          seccomp: [text('policies/seccomp/team/api.json', deny)],
          apparmor: [text('policies/apparmor/web', carried), text('policies/apparmor/other', profile)],
        }),
      );
      expect(result.problems).toEqual([]);
      const byKind = (kind: string): Record<string, any>[] =>
        result.objects.filter((o) => o.kind === kind) as Record<string, any>[];
      expect(
        byKind('SeccompProfile').map((o) => [o.apiVersion, o.metadata.namespace, o.metadata.name]),
      ).toEqual([[seccompApi, undefined, 'team-api']]);
      expect(byKind('AppArmorProfile')).toHaveLength(1);
      const aa = byKind('AppArmorProfile')[0] as Record<string, any>;
      expect([aa.apiVersion, aa.metadata.namespace, aa.metadata.name]).toEqual([
        apparmorApi,
        undefined,
        'web',
      ]);
      expect(aa.spec).toEqual({
        abstract: {
          executable: { allowedExecutables: ['/usr/sbin/nginx'] },
          filesystem: { readOnlyPaths: ['/etc/nginx/**'] },
          network: { allowedProtocols: { allowTcp: true } },
          capability: { allowedCapabilities: ['net_bind_service'] },
        },
        ...mode,
      });
      // The profile the operator cannot carry stays with the loader, alone in its ConfigMap.
      const cm = result.objects.find((o) => o.metadata.name === 'chs-apparmor-profiles') as Record<
        string,
        any
      >;
      expect(Object.keys(cm.data)).toEqual(['other']);
      expect(result.objects.some((o) => o.metadata.name === 'chs-seccomp-profiles')).toBe(false);
      expect(result.notes).toContain(
        "1 AppArmor profile(s) stay with the loader on target prod: the operator's AppArmorProfile cannot carry them exactly (chs lint says why)",
      );
    },
  );

  it('reports bad input with file and line instead of rendering it', () => {
    const result = renderTarget(
      config('block'),
      { name: 'prod' },
      files({
        seccomp: [
          text('s/a.json', '{\n  "defaultAction": "SCMP_ACT_ERRNO",\n  oops\n}'),
          text('s/b.json', '[1, 2]'),
          text('s/x/c.json', '{"defaultAction":"SCMP_ACT_LOG"}'),
          text('s/x__c.json', '{"defaultAction":"SCMP_ACT_LOG"}'),
        ],
      }),
    );
    expect(result.problems.map((p) => `${p.file}:${p.line ?? '-'}`)).toEqual([
      's/a.json:3',
      's/b.json:1',
      's/x__c.json:-',
    ]);
    expect(result.problems[0]?.message).toBe(
      'not valid JSON: Expected double-quoted property name; run chs lint',
    );
    expect(result.problems[2]?.message).toBe(
      'renders to the same name "s__x__c.json" as s/x/c.json; rename one of them',
    );
  });

  it('orders Falco rules files by load order in ConfigMap keys, and writes Helm values', () => {
    const result = renderTarget(
      config('monitor'),
      { name: 'prod' },
      files({ falco: [text('f/z.yaml', '- rule: z\n'), text('f/a.yaml', '- rule: a')] }),
    );
    const cm = result.objects.find((o) => o.metadata.name === 'chs-falco-rules') as unknown as {
      metadata: { namespace: string };
      data: Record<string, string>;
    };
    expect(cm.metadata.namespace).toBe('falco');
    expect(Object.keys(cm.data)).toEqual(['00-z.yaml', '01-a.yaml']);
    expect(cm.data['01-a.yaml']).toBe('- rule: a\n');
    const values = result.files.find((f) => f.path === 'falco/values.yaml')?.content ?? '';
    expect(values).toContain('customRules:\n  00-z.yaml: |\n    - rule: z\n');
    expect(result.files.map((f) => f.path)).toEqual([
      'manifests.yaml',
      'falco/values.yaml',
      'falco/values-configmap.yaml',
    ]);
  });

  it('renders pod security policies: admission policy and binding by mode, labels only on namespaces not ours', () => {
    const policy = (name: string, spec: string): string =>
      `apiVersion: container-host-security/v1\nkind: PodSecurity\nmetadata:\n  name: ${name}\nspec:\n${spec}`;
    const input = files({
      'pod-security': [
        text(
          'p/level.yaml',
          policy('level', '  level: baseline\n  namespaces: [shop, container-host-security]\n'),
        ),
        text('p/root.yaml', policy('root', '  controls:\n    runAsNonRoot: true\n')),
      ],
      apparmor: [text('policies/apparmor/web', profile)],
    });
    const monitor = renderTarget(config('monitor'), { name: 'prod', namespaces: ['shop'] }, input);
    expect(monitor.problems).toEqual([]);
    expect(monitor.objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'Namespace/container-host-security',
      'Namespace/shop',
      'ConfigMap/chs-apparmor-profiles',
      'ConfigMap/chs-profile-loader',
      'DaemonSet/chs-profile-loader',
      'ValidatingAdmissionPolicy/chs-root',
      'ValidatingAdmissionPolicyBinding/chs-root',
    ]);
    const byName = (kind: string, name: string): any =>
      monitor.objects.find((o) => o.kind === kind && o.metadata.name === name);
    // A namespace that is not ours carries the PSA labels only; ours is exempt from every policy,
    // even one that names it: the profile loader runs privileged there.
    expect(byName('Namespace', 'shop').metadata.labels).toEqual({
      'pod-security.kubernetes.io/audit': 'baseline',
      'pod-security.kubernetes.io/audit-version': 'latest',
      'pod-security.kubernetes.io/warn': 'baseline',
      'pod-security.kubernetes.io/warn-version': 'latest',
    });
    const own = byName('Namespace', 'container-host-security').metadata.labels;
    expect(own[MANAGED_BY_LABEL]).toBe('container-host-security');
    expect(Object.keys(own).filter((k) => k.startsWith('pod-security.kubernetes.io/'))).toEqual([]);
    expect(byName('ValidatingAdmissionPolicyBinding', 'chs-root').spec.validationActions).toEqual([
      'Warn',
      'Audit',
    ]);
    expect(byName('ValidatingAdmissionPolicy', 'chs-root').metadata.labels[TARGET_LABEL]).toBe('prod');

    const block = renderTarget(config('block'), { name: 'prod', mode: 'block', namespaces: ['shop'] }, input);
    const binding: any = block.objects.find((o) => o.kind === 'ValidatingAdmissionPolicyBinding');
    expect(binding.spec.validationActions).toEqual(['Deny']);
    expect(block.objects.find((o) => o.metadata.name === 'shop')?.metadata.labels).toHaveProperty(
      'pod-security.kubernetes.io/enforce',
      'baseline',
    );

    const bad = renderTarget(
      config('monitor'),
      { name: 'prod' },
      files({
        'pod-security': [
          text('p/a.yaml', policy('a', '  level: strict\n')),
          text('p/b.yaml', policy('root', '  level: baseline\n')),
          text('p/c.yaml', policy('root', '  level: baseline\n')),
        ],
      }),
    );
    expect(bad.objects).toEqual([]);
    expect(bad.problems.map((p) => `${p.file}:${p.line ?? ''}`)).toEqual(['p/a.yaml:6', 'p/c.yaml:']);
    expect(bad.problems[1]?.message).toBe(
      'defines pod security policy "root" again (first in p/b.yaml); rename one of them',
    );
  });

  it('tells profile files from include files', () => {
    expect(definesProfile('profile a {\n}\n')).toBe(true);
    expect(definesProfile('#include <tunables/global>\n/usr/bin/foo flags=(complain) {\n}\n')).toBe(true);
    expect(definesProfile('  /usr/lib/** mr,\n  # profile x {\n')).toBe(false);
  });
});

describe('chs render', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'chs-render-'));
    cpSync(FIXTURE, join(dir, 'repo'), { recursive: true });
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes one directory per target, the same bytes on every run, and replaces only its own output', async () => {
    const repo = join(dir, 'repo');
    const first = await runCommand(repo, (ctx) => renderCommand(ctx, {}));
    expect(first.code).toBe(0);
    expect(first.stdout).toBe(
      'rendered/production: 6 object(s) for target production (monitor mode): manifests.yaml, falco/values.yaml, falco/values-configmap.yaml\n',
    );
    const manifests = readFileSync(join(repo, 'rendered/production/manifests.yaml'), 'utf8');
    writeFileSync(join(repo, 'rendered/production/stale.yaml'), 'x');
    expect((await runCommand(repo, (ctx) => renderCommand(ctx, {}))).code).toBe(0);
    expect(readFileSync(join(repo, 'rendered/production/manifests.yaml'), 'utf8')).toBe(manifests);
    expect(readdirSync(join(repo, 'rendered/production')).sort()).toEqual([
      '.chs-rendered',
      'falco',
      'manifests.yaml',
    ]);
    writeFileSync(join(dir, 'mine.txt'), 'keep');
    cpSync(join(dir, 'mine.txt'), join(dir, 'elsewhere', 'production', 'mine.txt'));
    const noClobber = await runCommand(repo, (ctx) => renderCommand(ctx, { out: join(dir, 'elsewhere') }));
    expect(noClobber.code).toBe(2);
    expect(noClobber.stderr).toContain('exists and was not written by chs render');
  });

  it('names an unknown target with a suggestion (exit 2), and bad policy files exit 1', async () => {
    const repo = join(dir, 'repo');
    const unknown = await runCommand(repo, (ctx) => renderCommand(ctx, { target: 'prodution' }));
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe(
      'chs: no target "prodution" in chs.yaml; did you mean "production"? (targets: production)\n',
    );
    const byDefault = await runCommand(repo, (ctx) => renderCommand(ctx, { target: 'default' }));
    expect(byDefault.code).toBe(2);
    expect(byDefault.stderr).toBe(
      'chs: no target "default" in chs.yaml (targets: production): "default" is the one target of a chs.yaml without targets; name one of these with --target (in CI, the deploy template\'s `target` input)\n',
    );
    writeFileSync(join(repo, 'policies/seccomp/broken.json'), '{\n  "defaultAction": \n');
    const bad = await runCommand(repo, (ctx) => renderCommand(ctx, {}));
    expect(bad.code).toBe(1);
    expect(bad.stderr).toBe(
      'policies/seccomp/broken.json:3:1: error: invalid JSON: unexpected end of the input: the JSON is cut short [seccomp/invalid-json]\n' +
        'chs: nothing rendered: 1 lint error in the policy files; fix them (chs lint shows each with its fix), or pass --allow-lint-errors to render them as they are\n',
    );
    // Told to, it renders what it can: the render's own problems still stop it.
    const allowed = await runCommand(repo, (ctx) => renderCommand(ctx, { allowLintErrors: true }));
    expect(allowed.code).toBe(1);
    expect(allowed.stderr).toMatch(/^chs: note: 1 lint error, rendered anyway \(--allow-lint-errors\)$/m);
    expect(allowed.stderr).toMatch(/^policies\/seccomp\/broken\.json:\d+: not valid JSON/m);
  });

  it('reads chs.yaml render settings', () => {
    const repo = join(dir, 'repo');
    writeFileSync(
      join(repo, 'chs.yaml'),
      'render:\n  namespace: node-policies\n  loaderImage: registry.example.com/loader:1\n  kubeletDir: /var/lib/k0s/kubelet\n',
    );
    const { config: cfg, problems } = loadConfig(repo, repo);
    expect(problems).toEqual([]);
    const { files: read } = readPolicyFiles(cfg, repo);
    const result = renderTarget(cfg, cfg.targets[0] ?? { name: 'default' }, read);
    const ds = result.objects.find((o) => o.kind === 'DaemonSet') as Record<string, any>;
    expect(ds.metadata.namespace).toBe('node-policies');
    expect(ds.spec.template.spec.containers[0].image).toBe('registry.example.com/loader:1');
    expect(ds.spec.template.spec.containers[0].env).toContainEqual({
      name: 'CHS_SECCOMP_DIR',
      value: '/var/lib/k0s/kubelet/seccomp/container-host-security',
    });
    writeFileSync(join(repo, 'chs.yaml'), 'render:\n  seccompDelivery: nodes\n');
    expect(loadConfig(repo, repo).problems[0]?.message).toMatch(/seccompDelivery/);
  });
});
