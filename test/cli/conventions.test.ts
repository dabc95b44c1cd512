/**
 * What users of ESLint expect from a linter's command line, and text from files and events that
 * reaches the terminal: each case is a mistake or a habit of a new user (issue 16, items 10-13).
 */
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runChs } from '../helpers/cli.js';

function repo(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'chs-conventions-'));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

const RULE = (name: string, condition: string, output = 'o %proc.name'): string =>
  `- rule: ${name}\n  desc: d\n  condition: ${condition}\n  output: "${output}"\n  priority: WARNING\n`;

/** Two `falco/glob-slash` warnings and no error. */
const TWO_WARNINGS = {
  'policies/falco/rules.yaml': [
    RULE('A', 'evt.type = open and fd.name glob "/etc/*/x"'),
    RULE('B', 'evt.type = open and fd.name glob "/var/*/y"'),
  ].join('\n'),
};

describe('lint flags as ESLint has them', () => {
  it('--quiet hides warnings but --max-warnings still counts them', async () => {
    const cwd = repo(TWO_WARNINGS);
    const quiet = await runChs(['lint', '--quiet', '--max-warnings', '0'], { cwd });
    expect(quiet.stdout).not.toContain('warning');
    expect(quiet.stderr).toBe(
      'chs: 2 warnings (hidden by --quiet: run without it to see them), more than --max-warnings 0\n',
    );
    expect(quiet.code).toBe(1);
    expect((await runChs(['lint', '--quiet', '--max-warnings', '2'], { cwd })).code).toBe(0);
  });

  it('the JSON summary counts infos', async () => {
    const cwd = repo({
      'policies/apparmor/p': 'include <tunables/global>\nprofile p {\n  /etc/x r,\n}\n',
    });
    const run = await runChs(['lint', '--format', 'json'], {
      cwd,
      env: { CHS_APPARMOR_SYSTEM_ROOT: '' },
    });
    const parsed = JSON.parse(run.stdout) as { diagnostics: { severity: string }[]; summary: unknown };
    expect(parsed.diagnostics.map((d) => d.severity)).toEqual(['info']);
    expect(parsed.summary).toEqual({ errors: 0, warnings: 0, infos: 1 });
  });

  it('--output-file writes the report there, without colours, and nothing to the terminal', async () => {
    const cwd = repo(TWO_WARNINGS);
    const run = await runChs(['lint', '--output-file', 'out/lint.txt'], {
      cwd,
      env: { FORCE_COLOR: '1', NO_COLOR: '' },
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('');
    const text = readFileSync(join(cwd, 'out/lint.txt'), 'utf8');
    expect(text).toContain('falco/glob-slash');
    expect(text).not.toContain('\u001b');
    const json = await runChs(['lint', '--format', 'json', '-o', 'lint.json'], { cwd });
    expect(json.stdout).toBe('');
    expect(JSON.parse(readFileSync(join(cwd, 'lint.json'), 'utf8'))).toMatchObject({
      summary: { errors: 0, warnings: 2, infos: 0 },
    });
  });

  it('chs alone prints the help and exits 2; --help and chs help exit 0', async () => {
    const bare = await runChs([]);
    expect(bare.code).toBe(2);
    expect(bare.stderr).toContain('Usage: chs');
    expect((await runChs(['--help'])).code).toBe(0);
    expect((await runChs(['help', 'lint'])).code).toBe(0);
    expect((await runChs(['falco'])).code).toBe(2);
  });

  it('pod-security check --format json gives the line of each object', async () => {
    const cwd = repo({
      'pods.yaml':
        'apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec: {containers: [{name: c, image: i}]}\n---\n# the second\napiVersion: v1\nkind: Pod\nmetadata: {name: b}\nspec: {containers: [{name: c, image: i, securityContext: {privileged: true}}]}\n',
    });
    const run = await runChs(
      ['pod-security', 'check', 'pods.yaml', '--level', 'baseline', '--format', 'json'],
      {
        cwd,
      },
    );
    const parsed = JSON.parse(run.stdout) as { results: { name: string; line: number; allowed: boolean }[] };
    expect(parsed.results.map((r) => [r.name, r.line, r.allowed])).toEqual([
      ['a', 1, true],
      ['b', 7, false],
    ]);
  });
});

describe('every --format in --help is in the docs', () => {
  const docs = readdirSync(new URL('../../docs/', import.meta.url))
    .filter((name) => name.endsWith('.md'))
    .map((name) => readFileSync(new URL(`../../docs/${name}`, import.meta.url), 'utf8'))
    .join('\n');
  const commands = [
    ['lint'],
    ['rules'],
    ['test'],
    ['falco', 'compile'],
    ['falco', 'replay'],
    ['pod-security', 'check'],
    ['preview'],
    ['drift'],
  ];
  it.each(commands.map((command) => [command.join(' '), command] as const))(
    'chs %s',
    async (name, command) => {
      const help = await runChs([...command, '--help']);
      // Commander wraps long option lines: `(choices: "a", "b", default: "a")` may span two.
      const help1 = help.stdout.replace(/\s+/g, ' ');
      const choices = /--format <format>[^(]*\(choices: ([^)]*?)(?:, default: [^)]*)?\)/.exec(help1)?.[1];
      expect(choices, `chs ${name} --help lists --format`).toBeDefined();
      const row = docs.split('\n').find((line) => line.startsWith(`| \`chs ${name}\` |`));
      expect(row, `docs/cli-conventions.md has a row for chs ${name}`).toBeDefined();
      for (const choice of (choices ?? '').split(',').map((c) => c.trim().replace(/"/g, '')))
        expect(row, `--format ${choice} of chs ${name}`).toContain(`\`${choice}\``);
    },
  );
});

describe('text from files and events reaches the terminal printable', () => {
  it('falco replay shows ESC, BEL and NUL of alerts and bad lines as escapes', async () => {
    const cwd = repo({
      'r.yaml': RULE('Shell', 'evt.type = execve and proc.name = bash', 'shell %proc.cmdline'),
      'e.jsonl':
        '{"time":"2026-01-01T00:00:00Z","source":"syscall","fields":{"evt.type":"execve","proc.name":"bash","proc.cmdline":"bash -c \\u001b]0;pwned\\u0007 x"}}\nnot json \u001b[2J\u0000 here\n',
    });
    const run = await runChs(['falco', 'replay', '--rules', 'r.yaml', '--events', 'e.jsonl'], { cwd });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('shell bash -c \\x1b]0;pwned\\x07 x');
    expect(run.stderr).toContain('"not json \\x1b[2J\\x00 here"');
    expect(`${run.stdout}${run.stderr}`).not.toMatch(/[\u0000-\u0008\u001b\u007f]/);
  });

  it('lint shows an escape sequence and a bidi override quoted in a message as escapes', async () => {
    const cwd = repo({
      // YAML's own escapes: the file is plain text, the glob holds ESC and U+202E.
      'policies/falco/rules.yaml': String.raw`- rule: A
  desc: d
  condition: "evt.type = open and fd.name glob '/etc/*/\e[31m\u202e'"
  output: o
  priority: WARNING
`,
    });
    for (const format of ['text', 'json']) {
      const run = await runChs(['lint', '--format', format], {
        cwd,
        env: { FORCE_COLOR: '1', NO_COLOR: '' },
      });
      expect(run.code).toBe(0);
      // Colours are ours: SGR sequences that reset what they set, nothing else.
      const withoutOurColours = run.stdout.replace(/\u001b\[(?:1|2|4|31|32|33|34|39|22|24)m/g, '');
      expect(withoutOurColours, format).not.toMatch(/[\u0000-\u0008\u001b\u202e]/);
      const shown =
        format === 'json'
          ? (JSON.parse(run.stdout) as { diagnostics: { message: string }[] }).diagnostics[0]?.message
          : withoutOurColours;
      expect(shown, format).toContain('\\x1b[31m\\u202e');
    }
  });
});

describe('suppressions and per-file severities', () => {
  it('chs-disable-next-line above a multi-line (>) condition covers the whole condition', async () => {
    const cwd = repo({
      'policies/falco/rules.yaml':
        '- rule: A\n  desc: d\n  # chs-disable-next-line falco/glob-slash\n  condition: >\n    evt.type = open\n    and fd.name glob "/etc/*/x"\n  output: o\n  priority: WARNING\n- rule: B\n  desc: d\n  # chs-disable-next-line falco/glob-slash\n  condition: evt.type = open and\n    fd.name glob "/var/*/x"\n  output: o\n  priority: WARNING\n- rule: C\n  desc: d\n  condition: >\n    evt.type = open\n    and fd.name glob "/srv/*/x"\n  output: o\n  priority: WARNING\n',
    });
    const run = await runChs(['lint', '--format', 'json'], { cwd });
    const parsed = JSON.parse(run.stdout) as { diagnostics: { line: number; ruleId: string }[] };
    expect(parsed.diagnostics.map((d) => [d.line, d.ruleId])).toEqual([[20, 'falco/glob-slash']]);
  });

  it('chs.yaml overrides set severities for the files they match (JSON has no comments)', async () => {
    const profile =
      '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["ptrace"], "action": "SCMP_ACT_DENY"}]}\n';
    const cwd = repo({
      'chs.yaml':
        'version: 1\noverrides:\n  - files: [policies/seccomp/legacy-*.json]\n    rules:\n      seccomp/unknown-action: warning\n  - files: ["**/none.json"]\n    rules:\n      seccomp/unknwn-action: off\n',
      'policies/seccomp/legacy-api.json': profile,
      'policies/seccomp/api.json': profile,
    });
    const run = await runChs(['lint', '--format', 'json'], { cwd });
    const parsed = JSON.parse(run.stdout) as {
      diagnostics: {
        file: string;
        line: number;
        column: number;
        severity: string;
        ruleId: string;
        message: string;
      }[];
    };
    expect(parsed.diagnostics.map((d) => [d.file, d.line, d.column, d.severity, d.ruleId])).toEqual([
      ['chs.yaml', 8, 7, 'warning', 'chs/unknown-rule'],
      ['policies/seccomp/api.json', 1, 82, 'error', 'seccomp/unknown-action'],
      ['policies/seccomp/legacy-api.json', 1, 82, 'warning', 'seccomp/unknown-action'],
    ]);
    expect(parsed.diagnostics[0]?.message).toBe(
      'unknown rule "seccomp/unknwn-action"; did you mean "seccomp/unknown-action"?',
    );
  });
});

describe('AppArmor include roots', () => {
  it('are searched and listed once, the working directory as "."', async () => {
    const cwd = repo({
      'chs.yaml': 'version: 1\napparmor:\n  includeDirs: [., policies/apparmor]\n',
      'policies/apparmor/p': 'profile p {\n  include <abstractions/nginx-extra>\n}\n',
    });
    const run = await runChs(['lint', '--include-dir', 'policies/apparmor/', '--format', 'json'], {
      cwd,
      env: { CHS_APPARMOR_SYSTEM_ROOT: '' },
    });
    const parsed = JSON.parse(run.stdout) as { diagnostics: { message: string }[] };
    expect(parsed.diagnostics.map((d) => d.message)).toEqual([
      "cannot find include <abstractions/nginx-extra> (looked in policies/apparmor, .): add the file to the repository under one of these, give its directory with --include-dir or chs.yaml's apparmor.includeDirs, or write 'include if exists' if it is optional",
    ]);
  });
});
