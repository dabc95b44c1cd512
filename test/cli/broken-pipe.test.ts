import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHS } from '../helpers/cli.js';

/** Runs chs with a reader that goes away after the first chunk, as `| head -c 300` does. */
function runIntoClosedPipe(args: string[], cwd: string): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHS, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stdout.once('data', () => child.stdout.destroy());
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

describe('a reader that closes the pipe early', () => {
  it('ends the run quietly with the exit status of its findings', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'chs-pipe-'));
    // 2,000 unknown names: far more output than a pipe buffers.
    const names = Array.from({ length: 2000 }, (_, i) => `nosuchcall${i}`);
    writeFileSync(
      join(dir, 'p.json'),
      JSON.stringify({ defaultAction: 'SCMP_ACT_ERRNO', syscalls: [{ names, action: 'SCMP_ACT_ALLOW' }] }),
    );
    for (const format of ['json', 'stylish']) {
      const result = await runIntoClosedPipe(
        ['lint', '--kind', 'seccomp', '--format', format, 'p.json'],
        dir,
      );
      expect(result).toEqual({ code: 1, stderr: '' });
    }
  });
});
