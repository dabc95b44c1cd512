/**
 * `chs render` and `chs deploy` refuse policies that fail lint (issue 16, item 3): exit 1 with the
 * errors listed and nothing written or applied, unless `--allow-lint-errors`.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { renderCommand } from '../../src/cli/render.js';
import { deploy, runCommand, workspace } from '../kube/helpers.js';
import type { Workspace } from '../kube/helpers.js';

// Both load as JSON and render today: only lint sees that the action does not exist and that the
// macro is nowhere defined.
const UNKNOWN_ACTION = `{
  "defaultAction": "SCMP_ACT_ALLOW",
  "syscalls": [{ "names": ["ptrace"], "action": "SCMP_ACT_DENY" }]
}
`;
const UNDEFINED_MACRO = `- rule: Shell in a container
  desc: a shell started in a container
  condition: spawned_proces and proc.name = bash
  output: shell in a container (command=%proc.cmdline)
  priority: WARNING
`;

const LISTED = [
  'policies/falco/typo.yaml:3:14: error: ',
  'policies/seccomp/deny-ptrace.json:3:49: error: unknown action "SCMP_ACT_DENY"',
];

let ws: Workspace;
beforeEach(async () => {
  ws = await workspace();
  writeFileSync(join(ws.repo, 'policies/seccomp/deny-ptrace.json'), UNKNOWN_ACTION);
  writeFileSync(join(ws.repo, 'policies/falco/typo.yaml'), UNDEFINED_MACRO);
});
afterEach(async () => {
  await ws.dispose();
});

function expectListed(stderr: string): void {
  const lines = stderr.split('\n');
  for (const start of LISTED) expect(lines.some((line) => line.startsWith(start)), start).toBe(true);
}

describe('chs render with lint errors', () => {
  it('refuses, lists the errors and writes nothing', async () => {
    const run = await runCommand(ws.repo, (ctx) => renderCommand(ctx, {}));
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expectListed(run.stderr);
    expect(run.stderr).toMatch(
      /^chs: nothing rendered: 2 lint errors in the policy files; fix them \(chs lint shows each with its fix\), or pass --allow-lint-errors to render them as they are$/m,
    );
    expect(existsSync(join(ws.repo, 'rendered'))).toBe(false);
  });

  it('renders them with --allow-lint-errors, saying so', async () => {
    const run = await runCommand(ws.repo, (ctx) => renderCommand(ctx, { allowLintErrors: true }));
    expect(run.code).toBe(0);
    expectListed(run.stderr);
    expect(run.stderr).toContain('chs: note: 2 lint errors, rendered anyway (--allow-lint-errors)\n');
    expect(readFileSync(join(ws.repo, 'rendered/production/manifests.yaml'), 'utf8')).toContain('SCMP_ACT_DENY');
  });
});

describe('chs deploy with lint errors', () => {
  it('refuses before the approval gate and applies nothing', async () => {
    const run = await deploy(ws);
    expect(run.code).toBe(1);
    expectListed(run.stderr);
    expect(run.stderr).toMatch(/^chs: nothing deployed: 2 lint errors in the policy files; .* --allow-lint-errors to deploy them as they are$/m);
    expect(ws.server.all('v1', 'ConfigMap')).toEqual([]);
  });

  it('deploys them with --allow-lint-errors', async () => {
    const run = await deploy(ws, { allowLintErrors: true });
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('chs: note: 2 lint errors, deployed anyway (--allow-lint-errors)\n');
    expect(ws.server.all('v1', 'ConfigMap').length).toBeGreaterThan(0);
  });
});

// An AppArmor profile apparmor_parser refuses and a pod security policy the API server refuses
// go through the same gate: render and deploy refuse them as they refuse the two above.
describe('chs render and deploy with AppArmor and pod security files that do not load', () => {
  beforeEach(() => {
    rmSync(join(ws.repo, 'policies/seccomp/deny-ptrace.json'));
    rmSync(join(ws.repo, 'policies/falco/typo.yaml'));
    mkdirSync(join(ws.repo, 'policies/apparmor'), { recursive: true });
    mkdirSync(join(ws.repo, 'policies/pod-security'), { recursive: true });
    writeFileSync(join(ws.repo, 'policies/apparmor/broken'), 'profile broken {\n  /srv/** rz,\n}\n');
    writeFileSync(
      join(ws.repo, 'policies/pod-security/dup.yaml'),
      'apiVersion: container-host-security/v1\nkind: PodSecurity\nmetadata:\n  name: dup\nspec:\n  level: baseline\n  level: restricted\n  namespaces: [shop]\n',
    );
  });
  const listed = [
    'policies/apparmor/broken:2:11: error: invalid permission "z" in "rz" [apparmor/invalid-permissions]',
    'policies/pod-security/dup.yaml:7:3: error: duplicate key "level": the later value wins [pod-security/invalid-policy]',
  ];

  it('render refuses them, listed, and writes nothing', async () => {
    const run = await runCommand(ws.repo, (ctx) => renderCommand(ctx, {}));
    expect(run.code).toBe(1);
    for (const line of listed) expect(run.stderr.split('\n'), line).toContain(line);
    expect(run.stderr).toMatch(/^chs: nothing rendered: 2 lint errors in the policy files;/m);
    expect(existsSync(join(ws.repo, 'rendered'))).toBe(false);
  });

  it('deploy refuses them and applies nothing', async () => {
    const run = await deploy(ws);
    expect(run.code).toBe(1);
    for (const line of listed) expect(run.stderr.split('\n'), line).toContain(line);
    expect(ws.server.all('v1', 'ConfigMap')).toEqual([]);
  });
});
