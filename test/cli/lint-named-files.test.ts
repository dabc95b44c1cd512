/**
 * A file named inside a repository is linted in the repository's context (issue 16, item 5):
 * the profiles other files define, the macros other Falco files define, chs.yaml's settings;
 * only the named files' findings are reported.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runChs } from '../helpers/cli.js';

const FILES: Record<string, string> = {
  '.git/HEAD': '',
  'chs.yaml': 'rules:\n  falco/unused-macro: error\n',
  'policies/seccomp/api.json': '{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["read", "write"], "action": "SCMP_ACT_ALLOW"}]}\n',
  'policies/apparmor/k8s-nginx': 'profile k8s-nginx {\n  /etc/nginx/** r,\n}\n',
  // Two profile names with a typo each: errors only in the repository's context.
  'policies/pod-security/api.yaml': `apiVersion: container-host-security/v1
kind: PodSecurity
metadata:
  name: api-profiles
spec:
  namespaces: [shop]
  controls:
    appArmor:
      required: true
      allowedProfiles: [localhost/k8s-ngnix]
    seccomp:
      required: true
      allowedProfiles: [localhost/policies/seccomp/apii.json]
`,
  // Macros in one file, the rule that uses them in another (Falco's load order: sorted by path).
  'policies/falco/a-macros.yaml': `- macro: shell_procs
  condition: proc.name in (bash, sh)
- macro: never_used
  condition: proc.name = nothing
`,
  'policies/falco/b-rules.yaml': `- rule: Shell in a container
  desc: a shell started in a container
  condition: evt.type = execve and shell_procs
  output: shell (command=%proc.cmdline)
  priority: WARNING
`,
};

function repository(): string {
  const root = mkdtempSync(join(tmpdir(), 'chs-named-'));
  for (const [path, content] of Object.entries(FILES)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

interface Json {
  diagnostics: { file: string; line: number; column: number; ruleId: string }[];
}

const findings = (stdout: string): string[] =>
  (JSON.parse(stdout) as Json).diagnostics.map((d) => `${d.file}:${d.line}:${d.column} ${d.ruleId}`);

describe('chs lint FILE inside a repository', () => {
  it("reports the pod security policy's unknown profiles, as the whole repository's lint does", async () => {
    const root = repository();
    const whole = await runChs(['lint', '--format', 'json'], { cwd: root });
    const expected = [
      'policies/pod-security/api.yaml:10:25 pod-security/unknown-apparmor-profile',
      'policies/pod-security/api.yaml:13:25 pod-security/unknown-seccomp-profile',
    ];
    expect(findings(whole.stdout).filter((f) => f.startsWith('policies/pod-security/'))).toEqual(expected);
    const one = await runChs(['lint', '--format', 'json', 'policies/pod-security/api.yaml'], { cwd: root });
    expect(one.code).toBe(1);
    expect(findings(one.stdout)).toEqual(expected);
  });

  it('knows the macros of the Falco files it was not given, and reports only for the file named', async () => {
    const root = repository();
    const one = await runChs(['lint', '--format', 'json', 'policies/falco/b-rules.yaml'], { cwd: root });
    expect(findings(one.stdout)).toEqual([]);
    expect(one.code).toBe(0);
    // chs.yaml's severity applies: the unused macro is an error of a-macros.yaml, reported there only.
    const other = await runChs(['lint', '--format', 'json', 'policies/falco/a-macros.yaml'], { cwd: root });
    expect(findings(other.stdout)).toEqual(['policies/falco/a-macros.yaml:3:10 falco/unused-macro']);
  });

  it('names the files as given, from a subfolder too, and counts only them', async () => {
    const root = repository();
    const run = await runChs(['lint', 'api.yaml'], { cwd: join(root, 'policies/pod-security') });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^api\.yaml$/m);
    expect(run.stdout).toContain('✖ 2 problems (2 errors, 0 warnings) in 1 file');
  });
});
