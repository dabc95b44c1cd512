/**
 * `chs falco compile FILE...`: loads rules files in the order given, as Falco does, and prints
 * every rule with its expanded condition (macros, lists and exceptions resolved), like
 * `falco -L`. Load errors and warnings go to standard error with file, line and column.
 */

import { isAbsolute, resolve } from 'node:path';
import { EXIT_FINDINGS, EXIT_OK, UserError } from '../core/errors.js';
import { readTextFile } from '../core/read.js';
import type { SourceFile } from '../core/source.js';
import { loadRules } from '../languages/falco/index.js';
import { falcoRulesById } from '../languages/falco/index.js';
import type { CommandContext } from './run.js';

export interface CompileFlags {
  format?: 'text' | 'json';
}

export async function falcoCompileCommand(
  ctx: CommandContext,
  paths: string[],
  flags: CompileFlags,
): Promise<number> {
  const sources: SourceFile[] = [];
  for (const path of paths) {
    const absolute = isAbsolute(path) ? path : resolve(ctx.cwd, path);
    const read = readTextFile(absolute, path);
    if (!read.ok) throw new UserError(`${path}: ${read.failure.message}`);
    sources.push(read.file);
  }
  const result = loadRules(sources.map((s) => ({ path: s.path, text: s.text, baseline: false })));
  const byPath = new Map(sources.map((s) => [s.path, s]));
  let errors = 0;
  const diagnostics = result.messages.map((m) => {
    const rule = falcoRulesById.get(m.ruleId);
    const severity = rule?.meta.severity ?? 'warning';
    if (severity === 'error') errors++;
    const at = m.range ? byPath.get(m.file)?.position(m.range.start) : undefined;
    return {
      file: m.file,
      line: at?.line ?? 1,
      column: at?.column ?? 1,
      severity,
      ruleId: m.ruleId,
      message: m.message,
      ...(rule?.meta.falcoCode ? { falcoCode: rule.meta.falcoCode } : {}),
      itemType: m.itemType,
      ...(m.itemName !== undefined ? { itemName: m.itemName } : {}),
    };
  });
  if (flags.format === 'json') {
    const rules = result.rules.map((r) => ({
      name: r.name,
      source: r.source,
      priority: r.priority,
      enabled: r.enabled,
      tags: r.tags,
      condition: r.conditionText,
      output: r.output,
    }));
    ctx.stdout.write(`${JSON.stringify({ rules, diagnostics })}\n`);
  } else {
    for (const d of diagnostics) {
      const code = d.falcoCode ? ` ${d.falcoCode}` : '';
      ctx.stderr.write(`${d.file}:${d.line}:${d.column}: ${d.severity}: ${d.message} [${d.ruleId}${code}]\n`);
    }
    for (const rule of result.rules) {
      const state = rule.enabled ? '' : ' (disabled)';
      ctx.stdout.write(
        `${rule.name}${state}\n  source: ${rule.source}, priority: ${rule.priority}\n  condition: ${rule.conditionText}\n\n`,
      );
    }
  }
  return errors > 0 ? EXIT_FINDINGS : EXIT_OK;
}
