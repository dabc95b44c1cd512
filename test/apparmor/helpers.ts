/** Shared by the AppArmor tests: the corpus, the apparmor_parser oracle and a lint helper. */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeText } from '../../src/languages/apparmor/analyze.js';
import { formatMessage } from '../../src/core/rule.js';
import { SourceFile } from '../../src/core/source.js';
import { corpusPath } from '../helpers/corpus.js';
import { APPARMOR_SYSTEM } from '../helpers/apparmor-system.js';

import { skipping, WHY } from '../helpers/skip.js';

export { skipping, WHY } from '../helpers/skip.js';

export const corpus = corpusPath('apparmor');
export const hasCorpus = existsSync(join(corpus, 'simple_tests'));
const features = join(corpus, 'features_files', 'features.all');

function which(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' }).status === 0;
}

/** Why the apparmor_parser oracle cannot run here, if it cannot: it needs the corpus' features file too. */
export const noApparmorParser: string | undefined = !which('apparmor_parser')
  ? WHY.noApparmorParser
  : !which('timeout')
    ? 'timeout (coreutils) is not installed'
    : !existsSync(features)
      ? WHY.noCorpus
      : undefined;
export const hasApparmorParser = noApparmorParser === undefined;

let scratch: string | undefined;

/** apparmor_parser's verdict (true: it loads) on a text, offline, under a timeout. */
export function apparmorParserAccepts(
  text: string,
  includeDirs: readonly string[] = [APPARMOR_SYSTEM],
): boolean {
  scratch ??= mkdtempSync(join(tmpdir(), 'chs-apparmor-'));
  const file = join(scratch, `profile-${Math.random().toString(36).slice(2)}`);
  writeFileSync(file, text);
  return apparmorParserAcceptsFile(file, includeDirs);
}

export function apparmorParserAcceptsFile(
  file: string,
  includeDirs: readonly string[] = [APPARMOR_SYSTEM],
  cwd?: string,
): boolean {
  // -b: the base for <...> includes, /etc/apparmor.d unless given; the oracle reads only what the test brings.
  const args = ['10', 'apparmor_parser', '--config-file=/dev/null', '-Q', '-K', '-q', '-M', features];
  args.push('-b', includeDirs[0] ?? APPARMOR_SYSTEM);
  for (const dir of includeDirs) args.push('-I', dir);
  args.push(file);
  const result = spawnSync('timeout', args, { encoding: 'utf8', ...(cwd ? { cwd } : {}) });
  return result.status === 0;
}

export interface Shown {
  ruleId: string;
  line: number;
  column: number;
  message: string;
  severity: string;
}

/** The apparmor_parser-level findings of a text, with 1-based positions. */
export function parserFindings(text: string, options: { roots?: string[]; path?: string } = {}): Shown[] {
  const path = options.path ?? 'profile';
  const { findings } = analyzeText(text, path, {
    roots: options.roots ?? [],
    bases: [process.cwd()],
    cwd: process.cwd(),
  });
  const source = new SourceFile(path, text);
  return findings.map((f) => {
    const at = source.position(f.range?.start ?? 0);
    return {
      ruleId: f.rule.meta.id,
      line: at.line,
      column: at.column,
      message: formatMessage(f.rule.messages[f.messageId] ?? f.messageId, f.data),
      severity: f.severity ?? f.rule.meta.severity,
    };
  });
}

/**
 * Gives every case of a table to the installed apparmor_parser too, which must load the accepted
 * rules and refuse the others; says why when it cannot run.
 */
export function oracleAgrees(
  what: string,
  profile: (rule: string) => string,
  accepted: readonly string[],
  refused: readonly string[],
): void {
  if (noApparmorParser) skipping(`apparmor_parser oracle on the ${what} cases`, noApparmorParser);
  const cases = [...accepted.map((rule) => [rule, true] as const), ...refused.map((rule) => [rule, false] as const)];
  describe.skipIf(!hasApparmorParser)(`apparmor_parser agrees on every ${what} case`, () => {
    it.each(cases)('%s: loads %s', (rule, loads) => {
      expect(apparmorParserAccepts(profile(rule))).toBe(loads);
    });
  });
}
