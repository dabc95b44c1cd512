/** The job log and the lint's report artifacts mask the job's secrets, wherever they came from. */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runChs } from '../helpers/cli.js';
import { writeFiles } from '../helpers/tree.js';

const TOKEN = 'glpat-job-log-0123456789';
const PASSWORD = 'es_pass_word_0042';

describe('chs lint in a job that holds secrets', () => {
  it('prints and writes [masked] where a finding quotes a secret value', async () => {
    const repo = mkdtempSync(join(tmpdir(), 'chs-mask-'));
    writeFiles(repo, {
      'policies/apparmor/p': `profile p {\n  capability ${TOKEN},\n  capability ${PASSWORD},\n}\n`,
    });
    const env = { CHS_GITLAB_TOKEN: TOKEN, ES_PASSWORD: PASSWORD, CHS_APPARMOR_SYSTEM_ROOT: '' };
    const reports = ['codequality=cq.json', 'sarif=lint.sarif', 'junit=junit.xml'];
    const json = await runChs(['lint', '--format', 'json', ...reports.flatMap((r) => ['--report', r])], {
      cwd: repo,
      env,
    });
    const text = await runChs(['lint'], { cwd: repo, env });
    expect(json.code).toBe(1);
    const outputs = [
      json.stdout,
      json.stderr,
      text.stdout,
      text.stderr,
      ...['cq.json', 'lint.sarif', 'junit.xml'].map((f) => readFileSync(join(repo, f), 'utf8')),
    ];
    for (const output of outputs) {
      expect(output).not.toContain(TOKEN);
      expect(output).not.toContain(PASSWORD);
    }
    const messages = (JSON.parse(json.stdout) as { diagnostics: { message: string }[] }).diagnostics.map(
      (d) => d.message,
    );
    expect(messages).toEqual(['unknown capability "[masked]"', 'unknown capability "[masked]"']);
    expect(text.stdout).toContain('unknown capability "[masked]"');
  });
});
