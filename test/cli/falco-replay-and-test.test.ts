/** `chs falco replay` and `chs test` as commands: the example repository, exit codes, messages. */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { falcoReplayCommand } from '../../src/cli/falco-replay.js';
import type { CommandContext } from '../../src/cli/run.js';
import { testCommand } from '../../src/cli/test.js';
import { UserError } from '../../src/core/errors.js';

const examples = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'examples');
const RULES = [
  'falco-baseline/container-macros.yaml',
  'policies/falco/containers.yaml',
  'policies/falco/overrides.yaml',
];
const EVENTS = 'events/shop-2026-11-23.jsonl';

function context(cwd: string): { ctx: CommandContext; out: () => string; err: () => string } {
  let out = '';
  let err = '';
  const stream = (append: (s: string) => void): NodeJS.WriteStream =>
    ({ write: (s: string) => (append(s), true) }) as unknown as NodeJS.WriteStream;
  return {
    ctx: { cwd, root: cwd, stdout: stream((s) => (out += s)), stderr: stream((s) => (err += s)) },
    out: () => out,
    err: () => err,
  };
}

const dir = mkdtempSync(join(tmpdir(), 'chs-replay-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function repo(files: Record<string, string | Buffer>): string {
  const root = mkdtempSync(join(dir, 'repo-'));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

describe('chs falco replay on the example repository', () => {
  it('prints the alerts as Falco JSON lines', async () => {
    const { ctx, out, err } = context(examples);
    expect(await falcoReplayCommand(ctx, { rules: RULES, events: [EVENTS], format: 'json' })).toBe(0);
    const alerts = out()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(alerts.map((a) => a.rule)).toEqual([
      'Terminal shell in container',
      'Package manager run in container',
      'Write below etc in container',
      'Read sensitive file in container',
      'Network tool run in container',
      'Connection to a mining pool port from container',
      'Unexpected egress from payments',
    ]);
    expect(Object.keys(alerts[0] ?? {})).toEqual([
      'time',
      'rule',
      'priority',
      'source',
      'output',
      'output_fields',
      'tags',
      'hostname',
    ]);
    expect(alerts[0]).toMatchObject({
      time: '2026-11-23T09:01:01.004830590Z',
      priority: 'Warning',
      source: 'syscall',
      output: expect.stringMatching(
        /^09:01:01\.004830590: Warning Shell with a terminal in a container \(user=root shell=bash parent=runc/,
      ),
      tags: ['T1059', 'container', 'mitre_execution', 'shell'],
    });
    expect(out()).toContain('"output_fields":{"evt.time":1795424461004830590,');
    expect(err()).toBe('');
  });

  it('counts alerts per rule with --summary', async () => {
    const { ctx, out } = context(examples);
    expect(
      await falcoReplayCommand(ctx, { rules: RULES, events: [EVENTS], summary: true, format: 'json' }),
    ).toBe(0);
    const summary = JSON.parse(out()) as {
      events: number;
      alerts: number;
      badLines: number;
      rules: { rule: string; alerts: number }[];
    };
    expect([summary.events, summary.alerts, summary.badLines]).toEqual([14, 7, 0]);
    expect(summary.rules.every((r) => r.alerts === 1)).toBe(true);
    const text = context(examples);
    await falcoReplayCommand(text.ctx, { rules: RULES, events: [EVENTS], summary: true });
    expect(text.out()).toContain('14 events, 7 alerts, 0 bad lines; 0 of 7 rules never fired');
  });

  it('prints Falco text lines by default', async () => {
    const { ctx, out } = context(examples);
    await falcoReplayCommand(ctx, { rules: RULES, events: [EVENTS] });
    expect(out().split('\n')[0]).toBe(
      '09:01:01.004830590: Warning Shell with a terminal in a container (user=root shell=bash parent=runc cmdline=bash pod=web-7d9f8-x2k4p ns=shop image=registry.example.com/shop/web)',
    );
  });
});

describe('chs falco replay on bad input', () => {
  const rules = `- rule: Shell\n  desc: d\n  condition: evt.type = execve and proc.name = bash\n  output: shell %proc.name\n  priority: NOTICE\n`;
  const events = [
    '{"fields":{"evt.type":"execve","proc.name":"bash"}}',
    '{oops',
    '',
    '{"fields":{"evt.type":"execve","proc.name":"sh"}}',
    '[]',
  ].join('\n');

  it('skips bad lines, naming them, and reads gzip', async () => {
    const root = repo({ 'r.yaml': rules, 'e.jsonl.gz': gzipSync(events) });
    const { ctx, out, err } = context(root);
    expect(await falcoReplayCommand(ctx, { rules: ['r.yaml'], events: ['e.jsonl.gz'] })).toBe(0);
    expect(out()).toBe('00:00:00.000000000: Notice shell bash\n');
    expect(err()).toContain('e.jsonl.gz:2: skipped: not valid JSON');
    expect(err()).toContain('e.jsonl.gz:5: skipped: not a JSON object');
    expect(err()).toContain('chs: 2 of 4 event lines skipped');
  });

  it('refuses missing files and rules that do not load', async () => {
    const root = repo({
      'r.yaml': rules,
      'bad.yaml': '- rule: X\n  condition: proc.name =\n',
      'e.jsonl': events,
    });
    const { ctx } = context(root);
    await expect(falcoReplayCommand(ctx, { rules: ['r.yaml'], events: ['nope.jsonl'] })).rejects.toThrow(
      new UserError('nope.jsonl: no such events file'),
    );
    await expect(falcoReplayCommand(ctx, { rules: ['missing.yaml'], events: ['e.jsonl'] })).rejects.toThrow(
      /no such rules file/,
    );
    const gz = repo({
      'r.yaml': rules,
      'broken.gz': Buffer.from([0x1f, 0x8b, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]),
    });
    await expect(
      falcoReplayCommand(context(gz).ctx, { rules: ['r.yaml'], events: ['broken.gz'] }),
    ).rejects.toThrow(/^broken\.gz: not valid gzip at byte 0 \(unknown compression method\)/);
    const bad = context(root);
    expect(await falcoReplayCommand(bad.ctx, { rules: ['bad.yaml'], events: ['e.jsonl'] })).toBe(2);
    expect(bad.err()).toMatch(/^bad\.yaml:\d+:\d+: /);
    expect(bad.err()).toContain('the rules do not load');
  });
});

describe('chs test', () => {
  // The example AppArmor profiles' includes come from the tests' own system root (test/setup.ts).
  it('passes the example repository', async () => {
    const { ctx, out } = context(examples);
    expect(await testCommand(ctx, [], { format: 'json' })).toBe(0);
    const json = JSON.parse(out()) as {
      results: { kind: string }[];
      summary: { passed: number; failed: number };
    };
    expect(json.summary.failed).toBe(0);
    expect(json.results.filter((r) => r.kind === 'falco')).toHaveLength(18);
  });

  it('exits 1 when a case fails, and takes the files named', async () => {
    const root = repo({
      'policies/falco/r.yaml': `- rule: Shell\n  desc: d\n  condition: evt.type = execve and proc.name = bash\n  output: shell %proc.name\n  priority: NOTICE\n`,
      'cases/a.yaml':
        'tests:\n  - name: ls is no shell\n    falco: {event: {evt.type: execve, proc.name: ls}, expect: {rule: Shell}}\n',
    });
    const { ctx, out } = context(root);
    expect(await testCommand(ctx, ['cases'], {})).toBe(1);
    expect(out()).toContain('✗ ls is no shell (cases/a.yaml:2)');
    expect(out()).toContain('proc.name = bash is false (proc.name is "ls")');
    await expect(testCommand(context(root).ctx, ['nowhere'], {})).rejects.toThrow(
      /nowhere: no such file or directory/,
    );
  });

  it('fails Falco cases when the repository rules do not load', async () => {
    const root = repo({
      'policies/falco/r.yaml': '- rule: X\n  condition: proc.name =\n',
      'policies/tests/a.yaml': 'tests:\n  - name: c\n    falco: {event: {}, expect: {rule: null}}\n',
    });
    const { ctx, out } = context(root);
    expect(await testCommand(ctx, [], { format: 'json' })).toBe(1);
    expect(out()).toContain("the repository's Falco rules do not load");
  });

  it('writes JUnit (one case per test case) and Code Quality (one issue per failed case) reports', async () => {
    const root = repo({
      'policies/seccomp/p.json':
        '{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALLOW"}]}\n',
      'policies/tests/s.yaml':
        'tests:\n  - name: read is allowed\n    seccomp: {profile: policies/seccomp/p.json, syscall: read, expect: SCMP_ACT_ALLOW}\n  - name: ptrace is allowed\n    seccomp: {profile: policies/seccomp/p.json, syscall: ptrace, expect: SCMP_ACT_ALLOW}\n',
    });
    const { ctx } = context(root);
    const reports = ['junit=out/t.xml', 'codequality=out/cq.json'];
    expect(await testCommand(ctx, [], { report: reports })).toBe(1);
    const xml = readFileSync(join(root, 'out/t.xml'), 'utf8');
    expect(xml).toContain('<testsuites name="chs test" tests="2" failures="1" errors="0">');
    expect(xml).toContain(
      '<testcase classname="policies/tests/s.yaml" name="read is allowed" file="policies/tests/s.yaml" line="2"/>',
    );
    expect(xml).toMatch(
      /name="ptrace is allowed" file="policies\/tests\/s.yaml" line="4">\n\s+<failure type="failed" message="[^"]+">/,
    );
    const issues = JSON.parse(readFileSync(join(root, 'out/cq.json'), 'utf8')) as {
      check_name: string;
      description: string;
      severity: string;
      location: { path: string; lines: { begin: number } };
    }[];
    expect(issues.map((i) => [i.check_name, i.severity, i.location.path, i.location.lines.begin])).toEqual([
      ['chs/policy-test', 'major', 'policies/tests/s.yaml', 4],
    ]);
    expect(issues[0]?.description).toMatch(/^test case "ptrace is allowed" failed: /);

    // --report-base: the same files, named from the directory above.
    expect(await testCommand(context(root).ctx, [], { report: reports, reportBase: '..' })).toBe(1);
    const name = root.split('/').pop() as string;
    expect(readFileSync(join(root, 'out/t.xml'), 'utf8')).toContain(`file="${name}/policies/tests/s.yaml"`);
    expect(readFileSync(join(root, 'out/cq.json'), 'utf8')).toContain(
      `"path": "${name}/policies/tests/s.yaml"`,
    );
  });

  it('refuses a report type it does not write', async () => {
    await expect(testCommand(context(repo({})).ctx, [], { report: ['sarif=x.sarif'] })).rejects.toThrow(
      '--report takes TYPE=FILE with TYPE one of codequality, junit, not "sarif=x.sarif"',
    );
  });
});
