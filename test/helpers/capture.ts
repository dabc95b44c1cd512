/** A command context whose stdout and stderr are kept in memory, for tests that run a command in-process. */
import { Writable } from 'node:stream';
import type { CommandContext } from '../../src/cli/run.js';

export function capture(cwd: string): { ctx: CommandContext; out: () => string; err: () => string } {
  let out = '';
  let err = '';
  const sink = (append: (s: string) => void): NodeJS.WriteStream =>
    new Writable({
      write(chunk: Buffer, _enc, done) {
        append(chunk.toString());
        done();
      },
    }) as unknown as NodeJS.WriteStream;
  return {
    ctx: { cwd, root: cwd, stdout: sink((s) => (out += s)), stderr: sink((s) => (err += s)) },
    out: () => out,
    err: () => err,
  };
}
