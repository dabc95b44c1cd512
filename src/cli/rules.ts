/** `chs rules`: every rule, for users and for the README. */
import { EXIT_OK } from '../core/errors.js';
import { registry } from '../languages/index.js';
import type { CommandContext } from './run.js';

export async function rulesCommand(ctx: CommandContext, flags: { format?: string }): Promise<number> {
  const rules = registry.all();
  if (flags.format === 'json') {
    ctx.stdout.write(
      JSON.stringify(
        rules.map((r) => ({
          id: r.meta.id,
          type: r.type,
          severity: r.meta.severity,
          description: r.description,
          falcoCode: r.meta.falcoCode,
          docs: r.docs,
        })),
        null,
        2,
      ) + '\n',
    );
    return EXIT_OK;
  }
  const width = Math.max(...rules.map((r) => r.meta.id.length));
  for (const rule of rules)
    ctx.stdout.write(`${rule.meta.id.padEnd(width)}  ${rule.meta.severity.padEnd(7)}  ${rule.description}\n`);
  return EXIT_OK;
}
