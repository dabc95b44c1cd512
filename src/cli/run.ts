/** Running a command: its context, and errors turned into one line and an exit code. */
import { resolve } from 'node:path';
import { EXIT_ERROR, UserError, errorMessage } from '../core/errors.js';
import { printable } from '../core/printable.js';
import { checkWorkingDirectory, findRepositoryRoot } from '../core/repository-root.js';
import { maskProcessOutput, protectVariables } from '../core/secrets.js';

export interface CommandContext {
  /** Absolute working directory (after -C): paths the user gives and paths shown are relative to it. */
  cwd: string;
  /**
   * Absolute directory of the policy repository: the nearest chs.yaml at or above `cwd`, else the
   * git top level, else `cwd` (src/core/repository-root.ts).
   */
  root: string;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
}

/** A subcommand of the program in main.ts, which declares the options every command takes. */
interface ChsCommand {
  optsWithGlobals(): { cwd?: string | undefined };
}

/** Runs a command body; its return value is the exit code. */
export async function run(command: ChsCommand, body: (ctx: CommandContext) => Promise<number>): Promise<void> {
  // Before anything is printed: the job log is public to whoever sees the pipeline.
  protectVariables(process.env);
  maskProcessOutput();
  const { cwd: given } = command.optsWithGlobals();
  const cwd = resolve(given ?? process.cwd());
  try {
    checkWorkingDirectory(cwd, given);
    const ctx: CommandContext = {
      cwd,
      root: findRepositoryRoot(cwd).root,
      stdout: process.stdout,
      stderr: process.stderr,
    };
    process.exitCode = await body(ctx);
  } catch (error) {
    fail(error);
  }
}

export function fail(error: unknown): void {
  if (error instanceof UserError) {
    process.stderr.write(`chs: ${printable(error.message)}\n`);
    process.exitCode = error.exitCode;
    return;
  }
  process.stderr.write(`chs: internal error: ${printable(errorMessage(error))}\n`);
  if (process.env.CHS_DEBUG && error instanceof Error && error.stack)
    process.stderr.write(`${error.stack}\n`);
  else process.stderr.write('chs: set CHS_DEBUG=1 for the stack trace, and please report it\n');
  process.exitCode = EXIT_ERROR;
}
