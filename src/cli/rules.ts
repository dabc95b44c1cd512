/** `chs rules [ID]`: every rule, or one rule's page (the same text as docs/rules/<id>.md). */
import { didYouMeanSuffix } from '../core/did-you-mean.js';
import { EXIT_OK, UserError } from '../core/errors.js';
import type { AnyRule } from '../core/rule.js';
import { ruleDocsUrl } from '../core/rule-docs.js';
import { rulePage } from '../core/rule-page.js';
import { registry } from '../languages/index.js';
import type { CommandContext } from './run.js';

function asJson(rule: AnyRule): object {
  const { meta } = rule;
  return {
    id: meta.id,
    type: meta.type,
    severity: meta.severity,
    description: meta.description,
    remediation: meta.remediation,
    ...(meta.falcoCode ? { falcoCode: meta.falcoCode } : {}),
    docs: ruleDocsUrl(meta.id),
    messages: rule.messages,
  };
}

export async function rulesCommand(
  ctx: CommandContext,
  id: string | undefined,
  flags: { format?: string },
): Promise<number> {
  if (id !== undefined) {
    const rule = registry.get(id);
    if (!rule) {
      const hint = didYouMeanSuffix(id, registry.ids());
      throw new UserError(`no rule "${id}"${hint}${hint ? ' ' : '; '}\`chs rules\` lists them all`);
    }
    ctx.stdout.write(flags.format === 'json' ? `${JSON.stringify(asJson(rule), null, 2)}\n` : rulePage(rule));
    return EXIT_OK;
  }
  const rules = registry.all();
  if (flags.format === 'json') {
    ctx.stdout.write(`${JSON.stringify(rules.map(asJson), null, 2)}\n`);
    return EXIT_OK;
  }
  const width = Math.max(...rules.map((r) => r.meta.id.length));
  for (const rule of rules)
    ctx.stdout.write(
      `${rule.meta.id.padEnd(width)}  ${rule.meta.severity.padEnd(7)}  ${rule.meta.description}\n`,
    );
  return EXIT_OK;
}
