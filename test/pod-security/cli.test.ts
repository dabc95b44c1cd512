/** `chs pod-security check`: text and JSON output, exit codes, the repository's policies, bad input. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dump } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { podSecurityCheckCommand } from '../../src/cli/pod-security.js';
import type { CommandContext } from '../../src/cli/run.js';
import { loadConfig } from '../../src/core/config.js';
import { UserError } from '../../src/core/errors.js';
import { readPolicyFiles, renderTarget } from '../../src/render/index.js';
import { tempTrees } from '../helpers/tree.js';

const repo = tempTrees('chs-psa-cli-');

async function run(
  cwd: string,
  files: string[],
  flags: Record<string, string> = {},
): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const ctx = {
    cwd,
    root: cwd,
    stdout: { write: (s: string) => ((out += s), true) },
    stderr: { write: (s: string) => ((err += s), true) },
  } as unknown as CommandContext;
  const code = await podSecurityCheckCommand(ctx, files, flags);
  return { code, out, err };
}

const pods = [
  'apiVersion: v1',
  'kind: List',
  'items:',
  '  - apiVersion: v1',
  '    kind: Namespace',
  '    metadata: {name: shop, labels: {team: web}}',
  '  - apiVersion: v1',
  '    kind: Pod',
  '    metadata: {name: good, namespace: shop}',
  '    spec:',
  '      securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}',
  '      containers:',
  '        - name: app',
  '          securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}',
  '  - apiVersion: apps/v1',
  '    kind: Deployment',
  '    metadata: {name: root, namespace: shop}',
  '    spec: {template: {spec: {containers: [{name: app, securityContext: {runAsUser: 0}}]}}}',
  '---',
  'apiVersion: v1',
  'kind: Service',
  'metadata: {name: ignored}',
  '',
].join('\n');

describe('chs pod-security check', () => {
  it('prints each object with its verdict and exits 1 when one is not allowed', async () => {
    const cwd = repo({ 'pods.yaml': pods });
    const { code, out } = await run(cwd, ['pods.yaml'], { level: 'restricted', version: 'v1.30' });
    expect(code).toBe(1);
    expect(out.split('\n')).toEqual([
      'pods.yaml:7: Pod shop/good: allowed',
      expect.stringMatching(
        /^pods\.yaml:15: Deployment shop\/root: would violate PodSecurity "restricted:v1\.30": allowPrivilegeEscalation != false .*runAsUser=0 \(container "app" must not set runAsUser=0\)/,
      ) as unknown as string,
      '2 objects checked, 1 not allowed',
      '',
    ]);
    expect((await run(cwd, ['pods.yaml'], { level: 'baseline' })).code).toBe(0);
  });

  it('prints the contract JSON', async () => {
    const cwd = repo({ 'pods.yaml': pods });
    const { out } = await run(cwd, ['pods.yaml'], { level: 'restricted', format: 'json' });
    const json = JSON.parse(out) as { results: Record<string, unknown>[] };
    expect(json.results).toHaveLength(2);
    expect(json.results[0]).toEqual({
      file: 'pods.yaml',
      line: 7, // the List's second item starts there
      kind: 'Pod',
      namespace: 'shop',
      name: 'good',
      allowed: true,
      message: '',
      violations: [],
    });
    expect(Object.keys(json.results[1] ?? {})).toEqual([
      'file',
      'line',
      'kind',
      'namespace',
      'name',
      'allowed',
      'message',
      'violations',
    ]);
    expect(json.results[1]?.violations).toContainEqual({
      check: 'runAsUser',
      reason: 'runAsUser=0',
      detail: 'container "app" must not set runAsUser=0',
    });
  });

  it("uses the repository's policies without --level, with namespace labels from the files", async () => {
    const cwd = repo({
      'pods.yaml': pods,
      'policies/pod-security/web.yaml':
        'apiVersion: container-host-security/v1\nkind: PodSecurity\nmetadata: {name: web}\nspec:\n  namespaceSelector: {matchLabels: {team: web}}\n  controls: {runAsNonRoot: true}\n',
    });
    const { code, out } = await run(cwd, ['pods.yaml']);
    expect(code).toBe(1);
    expect(out).toContain(
      `Deployment shop/root: deployments.apps "root" is forbidden: ValidatingAdmissionPolicy 'chs-web' with binding 'chs-web' denied request: runAsNonRoot != true`,
    );
  });

  it('takes the labels of a Namespace that comes in a later file, in the order of the objects', async () => {
    const list = (items: unknown[]): string => JSON.stringify({ apiVersion: 'v1', kind: 'List', items });
    const pod = (name: string, namespace: string, runAsNonRoot: boolean): unknown => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace },
      spec: { securityContext: { runAsNonRoot }, containers: [{ name: 'app', image: 'x' }] },
    });
    const cwd = repo({
      'pods.json': list([pod('a', 'web', false), pod('b', 'web', true), pod('c', 'other', false)]),
      'namespaces.json': list([
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'web', labels: { team: 'web' } } },
      ]),
      'policies/pod-security/web.yaml':
        'apiVersion: container-host-security/v1\nkind: PodSecurity\nmetadata: {name: web}\nspec:\n  namespaceSelector: {matchLabels: {team: web}}\n  controls: {runAsNonRoot: true}\n',
    });
    const { code, out } = await run(cwd, ['pods.json', 'namespaces.json']);
    expect(code).toBe(1);
    expect(out.split('\n')).toEqual([
      `pods.json:1: Pod web/a: pods "a" is forbidden: ValidatingAdmissionPolicy 'chs-web' with binding 'chs-web' denied request: runAsNonRoot != true (container "app" must set securityContext.runAsNonRoot=true, or the pod must)`,
      'pods.json:1: Pod web/b: allowed',
      'pods.json:1: Pod other/c: allowed',
      '3 objects checked, 1 not allowed',
      '',
    ]);
  });

  it('refuses to guess without policies or a level', async () => {
    const cwd = repo({ 'pods.yaml': pods });
    await expect(run(cwd, ['pods.yaml'])).rejects.toThrow(UserError);
    await expect(run(cwd, ['pods.yaml'], { level: 'strict' })).rejects.toThrow(/--level takes/);
    await expect(run(cwd, ['pods.yaml'], { level: 'baseline', version: '1.30' })).rejects.toThrow(
      /--version takes v1.N or latest/,
    );
    const broken = repo({
      'pods.yaml': pods,
      'policies/pod-security/x.yaml':
        'apiVersion: container-host-security/v1\nkind: PodSecurity\nmetadata: {name: x}\nspec: {levle: baseline}\n',
    });
    await expect(run(broken, ['pods.yaml'])).rejects.toThrow(
      'policies/pod-security/x.yaml:4:8: unknown key "levle" in "spec"; did you mean "level"? (pod-security/invalid-policy); run chs lint for every problem',
    );
  });

  it('counts as errors what chs.yaml makes errors, as chs lint does', async () => {
    const psp = [
      'apiVersion: policy/v1beta1',
      'kind: PodSecurityPolicy',
      'metadata: {name: old}',
      'spec:',
      '  privileged: false',
      '  runAsUser: {rule: MustRunAsNonRoot}',
      '  fsGroup: {rule: MustRunAs, ranges: [{min: 1, max: 2}]}',
      '',
    ].join('\n');
    const files = { 'pods.yaml': pods, 'policies/pod-security/old.yaml': psp };
    // legacy-field is a warning of its own: the translated policy is used.
    expect((await run(repo({ ...files, 'chs.yaml': 'version: 1\n' }), ['pods.yaml'])).code).toBe(1);
    const strict = 'version: 1\nrules:\n  pod-security/legacy-field: error\n';
    await expect(run(repo({ ...files, 'chs.yaml': strict }), ['pods.yaml'])).rejects.toThrow(
      /^policies\/pod-security\/old\.yaml:7:3: .*\(pod-security\/legacy-field\); run chs lint for every problem$/,
    );
    const scoped = [
      'version: 1',
      'overrides:',
      '  - files: ["policies/pod-security/old.yaml"]',
      '    rules: {pod-security/legacy-field: error}',
      '',
    ].join('\n');
    await expect(run(repo({ ...files, 'chs.yaml': scoped }), ['pods.yaml'])).rejects.toThrow(/legacy-field/);
  });

  it('reports unreadable and invalid files with file and line, and exits 2', async () => {
    const cwd = repo({ 'bad.yaml': 'kind: Pod\nspec: [\n', 'pods.yaml': pods });
    const { code, err, out } = await run(cwd, ['bad.yaml', 'missing.yaml', 'pods.yaml'], {
      level: 'baseline',
    });
    expect(code).toBe(2);
    expect(err).toMatch(/^chs: bad\.yaml:3:1: invalid YAML: /m);
    expect(err).toMatch(/^chs: missing\.yaml: /m);
    expect(out).toContain('2 objects checked, 0 not allowed');
  });

  it('reads a kubectl JSON List larger than a policy file may be, with the line of every item', async () => {
    const pod = (i: number): unknown => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: `p${i}`, namespace: 'shop', annotations: { note: 'x'.repeat(2000) } },
      spec: { containers: [{ name: 'app', securityContext: { privileged: i % 2 === 1 } }] },
    });
    const list = { apiVersion: 'v1', kind: 'List', items: Array.from({ length: 5000 }, (_, i) => pod(i)) };
    const text = JSON.stringify(list, null, 4);
    expect(text.length).toBeGreaterThan(9 * 1024 * 1024);
    const cwd = repo({ 'pods.json': text });
    const { code, out, err } = await run(cwd, ['pods.json'], { level: 'baseline' });
    expect(err).toBe('');
    expect(code).toBe(1);
    const lines = out.split('\n');
    const itemLine = (i: number): number => text.split('\n').findIndex((l) => l.includes(`"p${i}"`)) - 4 + 1;
    expect(lines[0]).toBe(`pods.json:${itemLine(0)}: Pod shop/p0: allowed`);
    expect(lines[4999]).toMatch(
      new RegExp(`^pods\\.json:${itemLine(4999)}: Pod shop/p4999: pods "p4999" is forbidden`),
    );
    expect(lines[5000]).toBe('5000 objects checked, 2500 not allowed');
  });

  const privileged = (name: string): string =>
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace: 'shop' },
      spec: { containers: [{ name: 'app', securityContext: { privileged: true } }] },
    });
  it.each([
    [
      'a missing comma in an item',
      '{\n  "kind": "List",\n  "items": [\n    {"a": 1 "b": 2}\n  ]\n}\n',
      "pods.json:4:13: invalid JSON: expected ',' or '}', not '\"'",
    ],
    [
      'a List cut short after a good item, which is not reported either',
      `{"kind": "List", "items": [\n${privileged('p1')},\n{"kind": "Pod", "metadata": {"na`,
      'pods.json:3:33: invalid JSON: unexpected end of the input: the JSON is cut short',
    ],
    [
      'a broken envelope after the items',
      `{"items": [${privileged('p1')}], "kind": "List",\n "metadata": {]}`,
      "pods.json:2:15: invalid JSON: expected a key in double quotes, not ']'",
    ],
    [
      'items in an object that is not a List',
      `{"kind": "Pod",\n "items": [${privileged('p1')}]}`,
      'pods.json:1: an object with an "items" array whose kind is "Pod", not a List',
    ],
  ])('gives the line and column of a JSON mistake: %s', async (_name, text, message) => {
    const cwd = repo({ 'pods.json': text });
    const { code, out, err } = await run(cwd, ['pods.json'], { level: 'baseline' });
    expect(code).toBe(2);
    expect(err).toContain(`chs: ${message}`);
    expect(err.split('\n').filter(Boolean)).toHaveLength(1);
    expect(out).toBe('0 objects checked, 0 not allowed\n');
  });

  it('reads a PodList as the API server prints it, and a single JSON object with its line', async () => {
    const cwd = repo({
      'list.json': `{"apiVersion": "v1", "kind": "PodList", "items": [${privileged('p1')}, ${privileged('p2')}]}`,
      'one.json': `\n\n${privileged('p3')}\n`,
      // "items" spelt with an escape: not streamed, read whole, still a List.
      'escaped.json': `{"kind": "List", "ite\\u006ds": [${privileged('p4')}]}`,
    });
    const { code, out } = await run(cwd, ['list.json', 'one.json', 'escaped.json'], { level: 'baseline' });
    expect(code).toBe(1);
    expect(out).toMatch(/^list\.json:1: Pod shop\/p1: pods "p1" is forbidden/m);
    expect(out).toMatch(/^list\.json:1: Pod shop\/p2: /m);
    expect(out).toMatch(/^one\.json:3: Pod shop\/p3: /m);
    expect(out).toMatch(/^escaped\.json:1: Pod shop\/p4: /m);
    expect(out).toMatch(/4 objects checked, 4 not allowed/);
  });
});

describe("chs pod-security check on chs's own rendered manifests", () => {
  it('admits the profile loader in its own namespace, and would reject it anywhere else', async () => {
    const examples = fileURLToPath(new URL('../../examples', import.meta.url));
    const { config } = loadConfig(examples, examples);
    const production = config.targets.find((t) => t.name === 'production');
    if (!production) throw new Error('the examples have no production target');
    const { objects } = renderTarget(config, production, readPolicyFiles(config, examples).files);
    const loader = objects.filter((o) => o.kind === 'DaemonSet');
    expect(loader.map((o) => `${o.metadata.namespace}/${o.metadata.name}`)).toEqual([
      'container-host-security/chs-profile-loader',
    ]);
    const dir = repo({});
    const manifests = join(dir, 'manifests.yaml');
    writeFileSync(manifests, dump({ apiVersion: 'v1', kind: 'List', items: loader }));
    const own = await run(examples, [manifests]);
    expect([own.code, own.out]).toEqual([
      0,
      `${manifests}:4: DaemonSet container-host-security/chs-profile-loader: allowed\n1 object checked, 0 not allowed\n`,
    ]);
    const moved = loader.map((o) => ({ ...o, metadata: { ...o.metadata, namespace: 'shop' } }));
    writeFileSync(manifests, dump({ apiVersion: 'v1', kind: 'List', items: moved }));
    const elsewhere = await run(examples, [manifests]);
    expect(elsewhere.code).toBe(1);
    expect(elsewhere.out).toMatch(
      /^\S+:4: DaemonSet shop\/chs-profile-loader: .*is forbidden: ValidatingAdmissionPolicy 'chs-no-root'/,
    );
  });
});
