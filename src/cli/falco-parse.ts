/** `chs falco parse`: Falco conditions in, one JSON line each out (syntax only). */
import { EXIT_FINDINGS, EXIT_OK, UserError } from '../core/errors.js';
import { append } from '../core/arrays.js';
import { parse } from '../languages/falco/condition/parser.js';
import type { CommandContext } from './run.js';

export interface ParseFlags {
  stdin?: boolean;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** The JSON line for one condition; `column` is 1-based, counted in the condition string. */
export function parseLine(condition: string): string {
  const result = parse(condition);
  if ('ast' in result) return JSON.stringify({ ok: true, ast: result.ast });
  return JSON.stringify({ ok: false, error: result.error, column: result.offset + 1 });
}

export async function falcoParseCommand(
  ctx: CommandContext,
  conditions: string[],
  flags: ParseFlags,
): Promise<number> {
  const all = [...conditions];
  if (flags.stdin) {
    const text = await readStdin();
    append(
      all,
      text.split(/\r?\n/).filter((line) => line.trim().length > 0),
    );
  }
  if (all.length === 0) throw new UserError('give conditions as arguments, or --stdin to read one a line');
  let failed = false;
  for (const condition of all) {
    const line = parseLine(condition);
    if (line.startsWith('{"ok":false')) failed = true;
    ctx.stdout.write(`${line}\n`);
  }
  return failed ? EXIT_FINDINGS : EXIT_OK;
}
