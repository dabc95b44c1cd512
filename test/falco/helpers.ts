import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadRules } from '../../src/languages/falco/loader/index.js';
import type { LoadedFile, LoadOptions, LoadResult } from '../../src/languages/falco/loader/index.js';
import { falcoRulesById } from '../../src/languages/falco/rules/index.js';
import { corpusDir } from './corpus.js';

/**
 * The rule Falco's unit tests put in front of the `exceptions_values_*` fragments
 * (test_rule_loader.cpp, s_exception_values_rule_base); the corpus keeps only the fragment.
 */
const EXCEPTION_VALUES_RULE_BASE =
  '- rule: test_rule\n  desc: test rule\n  condition: evt.type = open\n  output: command=%proc.cmdline\n  priority: INFO\n';

/** Completes a fragment that starts inside a rule (`  exceptions:`) with the unit tests' base rule. */
export function completeFragment(yaml: string): string {
  return /^\s*exceptions:/.test(yaml.replace(/^(?:#.*\n)+/, '')) ? EXCEPTION_VALUES_RULE_BASE + yaml : yaml;
}

/** A corpus file, split into files at its `# ==== file:` markers (loaded in order). */
export function corpusFiles(relative: string): LoadedFile[] {
  const text = completeFragment(readFileSync(join(corpusDir, relative), 'utf8'));
  const parts = text.split(/^# ==== file: (.*)$/m);
  if (parts.length === 1) return [{ path: relative, text, baseline: false }];
  const files: LoadedFile[] = [];
  for (let i = 1; i < parts.length; i += 2) {
    files.push({ path: `${relative}#${parts[i] ?? ''}`, text: parts[i + 1] ?? '', baseline: false });
  }
  return files;
}

export interface Outcome {
  code: string | undefined;
  kind: 'error' | 'warning' | 'info';
  ruleId: string;
  itemType: string;
  itemName: string | undefined;
  message: string;
  file: string;
  start: number | undefined;
}

function outcomes(result: LoadResult): Outcome[] {
  return result.messages.map((m) => {
    const rule = falcoRulesById.get(m.ruleId);
    if (!rule) throw new Error(`no rule definition for ${m.ruleId}`);
    return {
      code: rule.meta.falcoCode,
      kind: rule.meta.severity,
      ruleId: m.ruleId,
      itemType: m.itemType,
      itemName: m.itemName,
      message: m.message,
      file: m.file,
      start: m.range?.start,
    };
  });
}

export function load(
  files: LoadedFile[],
  options?: LoadOptions,
): { result: LoadResult; outcomes: Outcome[] } {
  const result = loadRules(files, options);
  return { result, outcomes: outcomes(result) };
}
