import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  symlinkSync,
  writeFileSync,
  readFileSync,
  existsSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { CHS, runChs } from '../helpers/cli.js';

function dir(files: Record<string, string | Buffer> = {}): string {
  const root = mkdtempSync(join(tmpdir(), 'chs-cli-'));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

/** One clear line: no stack trace, nothing but the message. */
function expectOneClearLine(stderr: string): void {
  expect(stderr).not.toMatch(/^\s+at /m);
  expect(stderr).not.toContain('internal error');
}

describe('chs', () => {
  it('prints its version and help', async () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    const version = await runChs(['--version']);
    expect(version).toMatchObject({ code: 0, stdout: `${pkg.version}\n` });
    const help = await runChs(['--help']);
    expect(help.code).toBe(0);
    for (const command of ['lint', 'test', 'falco', 'pod-security', 'render', 'preview', 'deploy', 'drift'])
      expect(help.stdout).toContain(command);
  });

  it.each([
    [['frobnicate'], /unknown command 'frobnicate'/],
    [['lint', '--bogus'], /unknown option '--bogus'/],
    [['lint', '--format', 'xml'], /argument 'xml' is invalid/],
    [['lint', '--max-warnings', 'many'], /--max-warnings takes a whole number/],
    [['lint', '--report', 'html=x.html'], /--report takes TYPE=FILE/],
    [['lint', '--kind', 'falco'], /--kind applies to the files named/],
  ])('exits 2 on a usage error: %j', async (args, message) => {
    const result = await runChs(args, { cwd: dir() });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expectOneClearLine(result.stderr);
  });

  it('refuses to lint a repository without a policy file (checking nothing is no success)', async () => {
    const result = await runChs(['lint'], { cwd: dir() });
    expect(result).toMatchObject({ code: 2, stdout: '' });
    expect(result.stderr).toMatch(/^chs: no policy file in .* \(looked for policies\/falco\/\*\*\/\*\.yaml/);
  });

  it('exits 2 with file, line and column on a configuration error', async () => {
    const result = await runChs(['lint'], { cwd: dir({ 'chs.yaml': 'version: 1\ntaregts: []\n' }) });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'chs.yaml:2:1: unknown key "taregts" in the document; did you mean "targets"?\n',
    );
  });

  it('writes the reports it is asked for', async () => {
    const cwd = dir({ 'policies/falco/bin.yaml': Buffer.from([0x61, 0, 0x62]) });
    const result = await runChs(
      [
        'lint',
        '--report',
        'codequality=out/cq.json',
        '--report',
        'junit=out/junit.xml',
        '--report',
        'sarif=out/x.sarif',
      ],
      { cwd },
    );
    expect(result.code).toBe(1);
    expect(JSON.parse(readFileSync(join(cwd, 'out/cq.json'), 'utf8'))).toHaveLength(1);
    expect(readFileSync(join(cwd, 'out/junit.xml'), 'utf8')).toContain('<failure');
    expect(JSON.parse(readFileSync(join(cwd, 'out/x.sarif'), 'utf8')).version).toBe('2.1.0');
  });

  it('--report-base names the files of every report relative to another directory', async () => {
    const cwd = dir({ 'sub/policies/falco/bin.yaml': Buffer.from([0x61, 0, 0x62]) });
    const result = await runChs(
      [
        '-C',
        'sub',
        'lint',
        '--report',
        'codequality=../out/cq.json',
        '--report',
        'junit=../out/junit.xml',
        '--report',
        'sarif=../out/x.sarif',
        '--report-base',
        '..',
        '--format',
        'json',
      ],
      { cwd },
    );
    expect(result.code).toBe(1);
    // The console keeps the paths chs found; the reports name them from the base.
    expect(JSON.parse(result.stdout).diagnostics[0].file).toBe('policies/falco/bin.yaml');
    const cq = JSON.parse(readFileSync(join(cwd, 'out/cq.json'), 'utf8')) as { location: { path: string } }[];
    expect(cq.map((i) => i.location.path)).toEqual(['sub/policies/falco/bin.yaml']);
    expect(readFileSync(join(cwd, 'out/junit.xml'), 'utf8')).toContain('file="sub/policies/falco/bin.yaml"');
    const log = JSON.parse(readFileSync(join(cwd, 'out/x.sarif'), 'utf8')) as {
      runs: { results: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[];
    };
    expect(log.runs[0]?.results[0]?.locations[0]?.physicalLocation.artifactLocation.uri).toBe(
      'sub/policies/falco/bin.yaml',
    );
  });

  it('-C runs in another directory, with paths relative to it', async () => {
    const cwd = dir({ 'repo/policies/falco/bin.yaml': Buffer.from([0]) });
    const result = await runChs(['-C', 'repo', 'lint', '--format', 'json'], { cwd });
    expect(JSON.parse(result.stdout).diagnostics[0].file).toBe('policies/falco/bin.yaml');
  });

  it('does not load the Kubernetes or GitLab clients for lint', () => {
    // A chs.yaml, so that its precompiled validator loads ajv's runtime: the tracer's proof that
    // it sees what the bundle requires.
    const cwd = dir({
      'chs.yaml': 'version: 1\n',
      'policies/seccomp/a.json': '{"defaultAction": "SCMP_ACT_ALLOW"}\n',
    });
    const result = spawnSync(
      process.execPath,
      ['--import', new URL('../helpers/trace-imports.mjs', import.meta.url).pathname, CHS, 'lint'],
      { cwd, encoding: 'utf8' },
    );
    expect(result.status).toBe(0);
    expect(result.stderr).toContain('loaded: ajv');
    expect(result.stderr).not.toContain('@kubernetes/client-node');
    expect(result.stderr).not.toContain('@gitbeaker');
  });
});

describe('hostile input: one clear line each, exit 1 or 2, no hang', () => {
  it('a 50 MB file', async () => {
    const cwd = dir();
    mkdirSync(join(cwd, 'policies/falco'), { recursive: true });
    writeFileSync(join(cwd, 'policies/falco/huge.yaml'), Buffer.alloc(50 * 1024 * 1024, 0x61));
    const result = await runChs(['lint', '--format', 'json'], { cwd, timeoutMs: 10_000 });
    expect(result.code).toBe(1);
    const [d] = JSON.parse(result.stdout).diagnostics;
    expect(d).toMatchObject({ file: 'policies/falco/huge.yaml', ruleId: 'chs/unreadable-file' });
    expect(d.message).toContain('50.0 MiB, over the 8 MiB limit');
  });

  it('a binary file', async () => {
    const result = await runChs(['lint', '--format', 'json'], {
      cwd: dir({ 'policies/seccomp/x.json': Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1]) }),
    });
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout).diagnostics[0].message).toContain('binary file');
  });

  it('invalid UTF-8, with the line of the bad byte', async () => {
    const result = await runChs(['lint', '--format', 'json'], {
      cwd: dir({ 'policies/falco/x.yaml': Buffer.from('- list: a\n  items: [caf\xe9]\n', 'latin1') }),
    });
    expect(result.code).toBe(1);
    const [d] = JSON.parse(result.stdout).diagnostics;
    expect(d).toMatchObject({ line: 2, column: 14 });
    expect(d.message).toContain('invalid UTF-8 (byte 0xe9');
  });

  it('a YAML alias bomb', async () => {
    const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 10; i++)
      lines.push(
        `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9)
          .fill(`*${String.fromCharCode(96 + i)}`)
          .join(',')}]`,
      );
    const result = await runChs(['lint'], {
      cwd: dir({ 'chs.yaml': lines.join('\n') + '\n' }),
      timeoutMs: 10_000,
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^chs\.yaml:\d+:\d+: invalid YAML: YAML aliases expand to more than 1,000,000 nodes/,
    );
    expectOneClearLine(result.stderr);
  });

  it('10,000 levels of nesting', async () => {
    const result = await runChs(['lint'], {
      cwd: dir({ 'chs.yaml': 'a: ' + '['.repeat(10_000) + ']'.repeat(10_000) + '\n' }),
      timeoutMs: 10_000,
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^chs\.yaml:1:\d+: invalid YAML: .*nest/);
    expect(result.stderr.split('\n').filter(Boolean)).toHaveLength(1);
  });

  it('a missing file', async () => {
    const result = await runChs(['lint', 'nope.yaml'], { cwd: dir() });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('chs: nope.yaml: no such file or directory\n');
  });

  it('an unreadable directory', async () => {
    const cwd = dir({ 'policies/apparmor/secret/p': 'profile x {}' });
    chmodSync(join(cwd, 'policies/apparmor/secret'), 0o000);
    // As root, permissions do not apply: run chs as an unprivileged user then.
    const asUser = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
    chmodSync(cwd, 0o755);
    const result = await runChs(['lint', '--format', 'json'], { cwd, ...asUser, timeoutMs: 10_000 });
    chmodSync(join(cwd, 'policies/apparmor/secret'), 0o755);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout).diagnostics[0]).toMatchObject({
      file: 'policies/apparmor/secret',
      ruleId: 'chs/unreadable-file',
      message: 'cannot read directory: permission denied',
    });
    expect(existsSync(cwd)).toBe(true);
  });

  describe('what is not a regular file', () => {
    const fifo = (path: string): void => {
      const made = spawnSync('mkfifo', [path]);
      if (made.status !== 0) throw new Error(`mkfifo failed: ${String(made.stderr)}`);
    };

    it.each([
      [
        ['lint', '--kind', 'falco', 'p'],
        'chs: p: is a pipe (FIFO), not a policy file; name the policy files themselves\n',
      ],
      [['falco', 'compile', 'p'], 'chs: p: is a pipe (FIFO), not a policy file: name the file itself\n'],
      [
        ['lint', '/dev/zero'],
        'chs: /dev/zero: is a character device, not a policy file; name the policy files themselves\n',
      ],
      [
        ['pod-security', 'check', '--level', 'baseline', '/dev/zero'],
        'chs: /dev/zero: is a character device: give a file or a pipe\n',
      ],
      [
        ['falco', 'replay', '--rules', 'p', '--events', 'p'],
        'chs: p: is a pipe (FIFO), not a file (give the rules files themselves)\n',
      ],
    ])('refuses at once a policy file that is not a file: %j', async (args, stderr) => {
      const cwd = dir();
      fifo(join(cwd, 'p'));
      const result = await runChs(args, { cwd, timeoutMs: 10_000 });
      expect(result).toMatchObject({ code: 2, stderr });
    });

    it('refuses a pipe given as /dev/stdin rather than reading it as empty', () => {
      // Through a shell, so that stdin is a pipe as in `echo garbage | chs lint ...`.
      const result = spawnSync(
        'sh',
        ['-c', `echo garbage | "${process.execPath}" "${CHS}" lint --kind apparmor /dev/stdin`],
        { cwd: dir(), encoding: 'utf8', timeout: 10_000 },
      );
      expect(result.status).toBe(2);
      expect(result.stderr).toBe(
        'chs: /dev/stdin: is a pipe (FIFO), not a policy file; name the policy files themselves\n',
      );
    });

    it('reads workloads from a pipe as a stream', async () => {
      const pod = {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'x' },
        spec: { containers: [{ name: 'c', image: 'i', securityContext: { privileged: true } }] },
      };
      const result = await runChs(['pod-security', 'check', '--level', 'baseline', '/dev/stdin'], {
        cwd: dir(),
        input: JSON.stringify(pod),
      });
      expect(result.code).toBe(1);
      expect(result.stdout).toContain('/dev/stdin:1: Pod x: ');
    });

    describe('reads events from a pipe as a stream', () => {
      const rules =
        '- rule: r\n  desc: d\n  condition: evt.type = execve\n  output: ran %proc.name\n  priority: WARNING\n';
      const event = (name: string): string =>
        `${JSON.stringify({ output: 'x', priority: 'Warning', rule: 'r', time: '2026-01-01T00:00:00Z', output_fields: { 'evt.type': 'execve', 'proc.name': name } })}\n`;
      const events = event('sh') + event('bash');
      const replay = ['falco', 'replay', '--rules', 'r.yaml', '--events', '/dev/stdin', '--summary'];

      // Standard input as a parent process hands it over (a socket), plain and gzipped.
      it.each([
        ['plain', Buffer.from(events)],
        ['gzip', gzipSync(events)],
      ])('%s, from a parent process', (_label, input) => {
        const result = spawnSync(process.execPath, [CHS, ...replay], {
          cwd: dir({ 'r.yaml': rules }),
          input,
          encoding: 'utf8',
          timeout: 10_000,
        });
        expect(result.stderr).toBe('');
        expect(result.stdout).toContain('2 events, 2 alerts, 0 bad lines');
        expect(result.status).toBe(0);
      });

      // Through a shell, so that stdin is a pipe (FIFO), and a FIFO named by its path.
      it('gzipped, through a shell pipe and a named FIFO', () => {
        const cwd = dir({ 'r.yaml': rules, 'e.jsonl.gz': gzipSync(events) });
        fifo(join(cwd, 'f'));
        const chs = `"${process.execPath}" "${CHS}" falco replay --rules r.yaml --summary`;
        const result = spawnSync(
          'sh',
          [
            '-c',
            `cat e.jsonl.gz | ${chs} --events /dev/stdin && (cat e.jsonl.gz > f &) && ${chs} --events f`,
          ],
          { cwd, encoding: 'utf8', timeout: 10_000 },
        );
        expect(result.stderr).toBe('');
        expect(result.stdout.match(/2 events, 2 alerts, 0 bad lines/g)).toHaveLength(2);
        expect(result.status).toBe(0);
      });

      it('but not from a device', async () => {
        const result = await runChs(['falco', 'replay', '--rules', 'r.yaml', '--events', '/dev/zero'], {
          cwd: dir({ 'r.yaml': rules }),
          timeoutMs: 10_000,
        });
        expect(result).toMatchObject({
          code: 2,
          stderr:
            'chs: /dev/zero: is a character device, not a file (give the events files themselves, or a pipe)\n',
        });
      });

      it('stops on truncated gzip from a pipe, naming the byte', () => {
        const gz = gzipSync(events);
        const result = spawnSync(process.execPath, [CHS, ...replay], {
          cwd: dir({ 'r.yaml': rules }),
          input: gz.subarray(0, gz.length - 12),
          encoding: 'utf8',
          timeout: 10_000,
        });
        expect(result.status).toBe(2);
        expect(result.stderr).toBe(
          `chs: /dev/stdin: not valid gzip at byte ${gz.length - 12} (unexpected end of file): the file is truncated or corrupt; copy or record it again\n`,
        );
      });
    });

    it('says what discovery skips, with its path', async () => {
      const cwd = dir({ 'policies/falco/ok.yaml': '- macro: a\n  condition: proc.name = x\n' });
      mkdirSync(join(cwd, 'policies/falco/d.yaml'));
      mkdirSync(join(cwd, 'policies/apparmor'));
      fifo(join(cwd, 'policies/falco/f.yaml'));
      symlinkSync('l.yaml', join(cwd, 'policies/falco/l.yaml'));
      symlinkSync('/dev/zero', join(cwd, 'policies/apparmor/z'));
      symlinkSync('nowhere', join(cwd, 'policies/apparmor/gone'));
      // Not named like a policy file: not a word about it.
      fifo(join(cwd, 'policies/falco/notes.txt'));
      const result = await runChs(['lint', '--format', 'json'], { cwd, timeoutMs: 10_000 });
      expect(result.code).toBe(1);
      const found = (
        JSON.parse(result.stdout) as { diagnostics: { file: string; ruleId: string; message: string }[] }
      ).diagnostics
        .filter((d) => d.ruleId === 'chs/unreadable-file' || d.ruleId === 'chs/outside-repository')
        .map((d) => `${d.file}: ${d.ruleId}: ${d.message.split(' (')[0] ?? ''}`);
      // A link to a device leads out of the repository: it is not even looked at.
      expect(found).toEqual([
        'policies/apparmor/gone: chs/unreadable-file: is a symbolic link to nothing',
        'policies/apparmor/z: chs/outside-repository: policies/apparmor/z is outside the repository',
        'policies/falco/d.yaml: chs/unreadable-file: is a directory named like a policy file; rename it or move the file out of it',
        'policies/falco/f.yaml: chs/unreadable-file: is a pipe',
        'policies/falco/l.yaml: chs/unreadable-file: is a symbolic link that cannot be followed: a loop of symbolic links',
      ]);
    });
  });
});
