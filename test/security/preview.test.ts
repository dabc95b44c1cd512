/**
 * Issue 23, the preview as an attacker with merge request rights: a head whose chs.yaml points
 * the job's include roots, baselines, targets, token variable and cluster management project
 * elsewhere, and whose policies reach out of the repository. The base's settings are used, the
 * note shows the head's as awaiting merge, and no byte of the outside file is posted or printed.
 */
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { previewCommand } from '../../src/cli/preview.js';
import type { ImpactReport } from '../../src/impact/model.js';
import { MR_IID, OTHER_TOKEN, PROJECT_ID, TOKEN, startFixture } from '../gitlab-server/fixture.js';
import type { GitLabServer } from '../gitlab-server/server.js';
import { link, outsideSecret } from './attacker.js';
import { writeFiles } from '../helpers/tree.js';
import { capture } from '../helpers/capture.js';

const BASE_CONFIG = [
  'version: 1',
  'apparmor:',
  '  includeDirs: [includes]',
  'falco:',
  '  baseline: [baseline/macros.yaml]',
  'targets:',
  '  - name: production',
  '    kubeContext: group/agent:production',
  '    namespaces: [shop]',
  '',
].join('\n');

const RULE = (name: string, condition: string): string =>
  `- rule: ${name}\n  desc: d\n  condition: ${condition}\n  output: o\n  priority: WARNING\n`;

/** base/ and head/ side by side, and the outside secret beside them. */
function mergeRequest(): { base: string; head: string; outside: string; secret: string } {
  const { outside, secret } = outsideSecret();
  const top = join(outside, '..');
  const base = join(top, 'base');
  writeFiles(base, {
    'chs.yaml': BASE_CONFIG,
    'baseline/macros.yaml': '- macro: base_shell\n  condition: proc.name = bash\n',
    'includes/abstractions/ok': '# an abstraction of the repository\n',
    'policies/falco/rules.yaml': RULE('shell', 'evt.type = execve and base_shell'),
    'policies/apparmor/p': 'profile p {\n  include <abstractions/ok>\n}\n',
  });
  const head = join(top, 'head');
  mkdirSync(head);
  cpSync(base, head, { recursive: true });
  writeFiles(head, {
    'chs.yaml': [
      'version: 1',
      'apparmor:',
      `  includeDirs: [../outside]`,
      'falco:',
      `  baseline: [../outside/secret.yaml]`,
      'gitlab:',
      '  tokenVariable: ATTACKER_TOKEN',
      'clusterManagementProject:',
      '  project: attacker/steal',
      'targets:',
      '  - name: production',
      '    kubeContext: attacker/agent:steal',
      '    kubeconfig: ../outside/kubeconfig',
      '    namespaces: [shop]',
      '',
    ].join('\n'),
    // Resolves only through the base's baseline.
    'policies/falco/rules.yaml':
      RULE('shell', 'evt.type = execve and base_shell') + RULE('shell2', 'base_shell'),
    // Would read ../outside/secret.txt through the head's include root.
    'policies/apparmor/p': 'profile p {\n  include <abstractions/ok>\n  include <secret.txt>\n}\n',
    'policies/apparmor/absolute': `profile absolute {\n  include "${outside}/secret.txt"\n}\n`,
    'policies/apparmor/walk': 'profile walk {\n  include "../../../outside/secret.txt"\n}\n',
    'policies/apparmor/linked': 'profile linked {\n  include "includes/leak"\n}\n',
  });
  link(head, 'includes/leak', join(outside, 'secret.txt'));
  link(head, 'policies/apparmor/zz-linked', join(outside, 'secret.txt'));
  link(head, 'policies/falco/linked.yaml', join(outside, 'secret.yaml'));
  return { base, head, outside, secret };
}

describe('chs preview of a hostile merge request', () => {
  let server: GitLabServer;
  beforeEach(async () => {
    server = await startFixture();
  });
  afterEach(async () => {
    await server.close();
  });
  const env = (): Record<string, string> => ({
    CI: 'true',
    CI_SERVER_URL: server.url,
    CI_PROJECT_ID: String(PROJECT_ID),
    CI_MERGE_REQUEST_IID: String(MR_IID),
    CHS_GITLAB_TOKEN: TOKEN,
    // A valid token of someone else, in the variable the head names.
    ATTACKER_TOKEN: OTHER_TOKEN,
    CHS_APPARMOR_SYSTEM_ROOT: '',
  });

  it("uses the base's steering settings, shows the head's as awaiting merge, and posts nothing of the outside file", async () => {
    const mr = mergeRequest();
    const saved = process.env.CHS_APPARMOR_SYSTEM_ROOT;
    process.env.CHS_APPARMOR_SYSTEM_ROOT = '';
    try {
      const markdownRun = capture(mr.head);
      await previewCommand(markdownRun.ctx, { baseDir: '../base', post: true }, { env: env() });
      const jsonRun = capture(mr.head);
      await previewCommand(jsonRun.ctx, { baseDir: '../base', format: 'json', out: 'p.md' }, { env: env() });

      const notes = server.notesOf(PROJECT_ID, MR_IID);
      expect(notes).toHaveLength(1);
      const note = notes[0]?.body ?? '';
      if (process.env.SHOW_NOTE) writeFileSync('/tmp/untrusted-note.md', note);
      const outputs = [
        note,
        markdownRun.out(),
        markdownRun.err(),
        jsonRun.out(),
        jsonRun.err(),
        readFileSync(join(mr.head, 'chs-preview.md'), 'utf8'),
        readFileSync(join(mr.head, 'p.md'), 'utf8'),
      ];
      for (const output of outputs) {
        expect(output).not.toContain(mr.secret);
        expect(output).not.toContain('CHS_GITLAB_TOKEN=');
      }

      // The note was written with the base's token variable (the bot), not the head's (alice).
      expect(notes[0]?.author.username).toBe('chs-bot');
      expect(note).toContain('**🔒 6 configuration changes awaiting merge.**');
      const report = JSON.parse(jsonRun.out()) as ImpactReport;
      expect(report.configurationChanges).toEqual([
        {
          setting: 'apparmor.includeDirs',
          base: '["includes"]',
          head: expect.stringMatching(/^\["\/.*\/outside"\]$/),
        },
        { setting: 'falco.baseline', base: '["baseline/macros.yaml"]', head: '["../outside/secret.yaml"]' },
        { setting: 'gitlab.tokenVariable', base: '"CHS_GITLAB_TOKEN"', head: '"ATTACKER_TOKEN"' },
        {
          setting: 'clusterManagementProject',
          head: '{"project":"attacker/steal","directory":"applications/container-host-security"}',
        },
        {
          setting: 'targets[production].kubeContext',
          base: '"group/agent:production"',
          head: '"attacker/agent:steal"',
        },
        { setting: 'targets[production].kubeconfig', head: '"../outside/kubeconfig"' },
      ]);
      for (const { setting } of report.configurationChanges ?? []) expect(note).toContain(setting);

      // The base's baseline defines the macro the new rule uses: no undefined macro.
      const introduced = report.lint.introduced;
      expect(introduced.filter((f) => f.ruleId === 'falco/undefined-macro')).toEqual([]);
      // The base's include roots: <secret.txt> is looked for in includes/ only.
      expect(introduced.find((f) => f.file === 'policies/apparmor/p')).toMatchObject({
        ruleId: 'apparmor/missing-include',
        message: expect.stringMatching(/^cannot find include <secret\.txt> \(looked in includes\)/),
      });
      // The head's own attempts are findings of the change, posted without the file.
      const outside = introduced
        .filter((f) => f.ruleId === 'chs/outside-repository')
        .map((f) => `${f.file}:${f.line}`)
        .sort();
      expect(outside).toEqual([
        'policies/apparmor/absolute:2',
        'policies/apparmor/linked:2',
        'policies/apparmor/walk:2',
        'policies/apparmor/zz-linked:1',
        'policies/falco/linked.yaml:1',
      ]);
      expect(note).toContain('chs/outside-repository');
    } finally {
      if (saved === undefined) delete process.env.CHS_APPARMOR_SYSTEM_ROOT;
      else process.env.CHS_APPARMOR_SYSTEM_ROOT = saved;
    }
  });

  it('refuses recorded events and a snapshot that chs.yaml names outside the repository', async () => {
    const mr = mergeRequest();
    writeFileSync(
      join(mr.outside, 'events.jsonl'),
      `{"time":"x","source":"syscall","fields":{"proc.name":"${mr.secret}"}}\n`,
    );
    for (const [setting, value, message] of [
      [
        'events',
        '[../outside/*.jsonl]',
        /^chs\.yaml preview\.events '\.\.\/outside\/\*\.jsonl': \.\.\/outside is outside the repository/,
      ],
      [
        'snapshot',
        `${mr.outside}/secret.yaml`,
        /^chs\.yaml preview\.snapshot '\/.*' is outside the repository/,
      ],
    ] as const) {
      writeFileSync(join(mr.head, 'chs.yaml'), `version: 1\npreview:\n  ${setting}: ${value}\n`);
      const run = capture(mr.head);
      const failure = await previewCommand(run.ctx, { baseDir: '../base' }, { env: {} }).catch(
        (e: unknown) => e as Error,
      );
      expect(failure).toBeInstanceOf(Error);
      expect((failure as Error).message).toMatch(message);
      expect((failure as Error).message + run.out() + run.err()).not.toContain(mr.secret);
    }
    rmSync(join(mr.head, 'chs.yaml'));
  });

  it('posts [masked] where a finding, a diff or a name would hold a token', async () => {
    const mr = mergeRequest();
    rmSync(join(mr.head, 'chs.yaml'));
    cpSync(join(mr.base, 'chs.yaml'), join(mr.head, 'chs.yaml'));
    // A value Markdown escapes (underscores), in a variable whose name says secret.
    const lokiToken = 'loki_s3cret_value_4711';
    writeFiles(mr.head, {
      'policies/falco/rules.yaml':
        RULE(`leak ${TOKEN}`, 'evt.type = execve') + RULE('x', `proc.name = ${lokiToken} and`),
      'policies/apparmor/p': `profile p {\n  capability ${lokiToken},\n  capability ${TOKEN},\n}\n`,
    });
    const run = capture(mr.head);
    await previewCommand(
      run.ctx,
      { baseDir: '../base', post: true },
      { env: { ...env(), LOKI_TOKEN: lokiToken } },
    );
    const note = server.notesOf(PROJECT_ID, MR_IID)[0]?.body ?? '';
    if (process.env.SHOW_NOTE) writeFileSync('/tmp/untrusted-note2.md', note);
    for (const output of [
      note,
      run.out(),
      run.err(),
      readFileSync(join(mr.head, 'chs-preview.md'), 'utf8'),
    ]) {
      expect(output).not.toContain(TOKEN);
      expect(output).not.toContain(lokiToken);
      expect(output).not.toContain(lokiToken.replace(/_/g, '\\_'));
    }
    // In the item table, the lint's findings and the diff.
    expect(note).toContain('`leak [masked]`');
    expect(note).toContain('unknown capability "\\[masked\\]"');
    expect(note).toContain('+  capability [masked],');
  });

  it("masks the project's masked variables when the token may list them, whatever their names", async () => {
    const mr = mergeRequest();
    rmSync(join(mr.head, 'chs.yaml'));
    cpSync(join(mr.base, 'chs.yaml'), join(mr.head, 'chs.yaml'));
    const value = 'https://shop:hunter22@db.internal';
    writeFiles(mr.head, { 'policies/apparmor/p': `profile p {\n  capability ${value},\n}\n` });
    const project = server.projects.get(PROJECT_ID);
    project?.variables.push(
      { key: 'SHOP_DB_URL', value, masked: true, protected: false },
      { key: 'SHOP_NAME', value: 'the-shop-name', masked: false, protected: false },
    );
    const post = async (): Promise<string> => {
      const run = capture(mr.head);
      await previewCommand(
        run.ctx,
        { baseDir: '../base', post: true },
        { env: { ...env(), SHOP_DB_URL: value } },
      );
      return [server.notesOf(PROJECT_ID, MR_IID)[0]?.body ?? '', run.out(), run.err()].join('\n');
    };
    // A Developer's token cannot list the variables: the name says nothing, the value shows.
    expect(await post()).toContain(value);
    const spec = server.tokens.get(TOKEN);
    if (spec) spec.maintainer = true;
    const outputs = await post();
    expect(outputs).not.toContain(value);
    expect(outputs).toContain('+  capability [masked],');
  });
});
