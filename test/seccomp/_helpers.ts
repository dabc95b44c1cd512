import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultConfig } from '../../src/core/config.js';
import type { TargetConfig } from '../../src/core/config.js';
import type { Mode } from '../../src/core/kinds.js';
import { emptyFacts } from '../../src/core/language.js';
import type { LintContext } from '../../src/core/language.js';
import { readScope } from '../../src/core/reach.js';
import { readTextFile } from '../../src/core/read.js';
import { formatMessage } from '../../src/core/rule.js';
import type { Finding } from '../../src/core/rule.js';
import { SourceFile } from '../../src/core/source.js';
import { lintProfile, parseSeccompProfile } from '../../src/languages/seccomp/index.js';
import type { Runtime, SeccompProfile } from '../../src/languages/seccomp/index.js';

export const corpus = fileURLToPath(new URL('../../../shared/corpus', import.meta.url));
export const hasCorpus = existsSync(join(corpus, 'seccomp'));

export interface Found {
  ruleId: string;
  line: number;
  column: number;
  message: string;
  severity: string;
}

/** Where a finding points, start and end, 1-based. */
export interface FoundRange extends Found {
  endLine: number;
  endColumn: number;
}

type LintOptions = { runtime?: Runtime; mode?: Mode; targets?: TargetConfig[] };

/** Lints one profile text the way `chs lint` does, with chs.yaml settings given; each finding with its range. */
export function lintRanges(text: string, options: LintOptions = {}): FoundRange[] {
  const file = new SourceFile('profile.json', text);
  const config = defaultConfig('/repo');
  if (options.runtime) config.seccomp.runtime = options.runtime;
  if (options.mode) config.mode = options.mode;
  if (options.targets) config.targets = options.targets;
  const found: FoundRange[] = [];
  const context: LintContext = {
    config,
    cwd: '/repo',
    includeDirs: [],
    scope: readScope(config, { trustConfig: true }),
    readFile: (abs, display) => readTextFile(abs, display),
    facts: emptyFacts(),
    report: (finding: Finding) => {
      const at = file.position(finding.range?.start ?? 0);
      const end = file.position(finding.range?.end ?? 0);
      found.push({
        ruleId: finding.rule.meta.id,
        line: at.line,
        column: at.column,
        endLine: end.line,
        endColumn: end.column,
        message: formatMessage(finding.rule.messages[finding.messageId] ?? finding.messageId, finding.data),
        severity: finding.severity ?? finding.rule.meta.severity,
      });
    },
  };
  lintProfile(file, context);
  return found.sort((a, b) => a.line - b.line || a.column - b.column || a.ruleId.localeCompare(b.ruleId));
}

/** Lints one profile text the way `chs lint` does, with chs.yaml settings given. */
export function lintText(text: string, options: LintOptions = {}): Found[] {
  return lintRanges(text, options).map(({ ruleId, line, column, message, severity }) => ({
    ruleId,
    line,
    column,
    message,
    severity,
  }));
}

/** A profile model from JSON text; throws when the text is not a profile (tests only). */
export function profileOf(text: string | object, runtime?: Runtime): SeccompProfile {
  const json = typeof text === 'string' ? text : JSON.stringify(text, null, 2);
  const parsed = parseSeccompProfile(new SourceFile('profile.json', json), runtime ? { runtime } : {});
  if (!parsed.profile) throw new Error(parsed.problems.map((p) => p.message).join('; '));
  return parsed.profile;
}
