/**
 * `set rlimit` as AppArmor 4.1 reads it (parser_lex.l's RLIMIT_MODE: digits or `infinity`, then an
 * optional unit word; parser_yacc.y's rlimit rule; parser_misc.c's time units). The installed
 * apparmor_parser (3.0.8 here) reads rlimits as 4.1 does and judges every case too.
 */
import { describe, expect, it } from 'vitest';
import { oracleAgrees, parserFindings } from './helpers.js';

const accepted = [
  'nofile <= 1024',
  'ofile <= 10',
  'nproc <= 0',
  'as <= infinity',
  'nice <= infinity',
  'nice <= -20',
  'nice <= 19',
  'fsize <= 1K',
  'fsize <= 1 KB',
  'memlock <= 64MB',
  'stack <= 8 M',
  'cpu <= 10',
  'cpu <= 10s',
  'cpu <= 10 seconds',
  'cpu <= 1000ms',
  'cpu <= 2 weeks',
  'cpu <= infinity seconds',
  'rttime <= 10',
  'rttime <= 10ms',
  'rttime <= 1 us',
];

const refused: [string, string][] = [
  ['nofile <= lots', 'invalid value for rlimit nofile "lots" (a count: digits, no unit)'],
  ['nofile <= -1', 'invalid value for rlimit nofile "-1" (a count: digits, no unit)'],
  ['nproc <= 10K', 'invalid value for rlimit nproc "10K" (a count: digits, no unit)'],
  ['nice <= 20', 'invalid value for rlimit nice "20" (a number from -20 to 19)'],
  ['nice <= 5 s', 'invalid value for rlimit nice "5 s" (a number from -20 to 19)'],
  ['fsize <= 1kb', 'invalid value for rlimit fsize "1kb" (bytes, or a number with K, KB, M, MB, G or GB)'],
  ['fsize <= 1 TB', 'invalid value for rlimit fsize "1 TB" (bytes, or a number with K, KB, M, MB, G or GB)'],
  ['rss <= 0x10', 'invalid value for rlimit rss "0x10"'],
  ['cpu <= 500ms', 'invalid value for rlimit cpu "500ms" (the cpu limit is at least 1s)'],
  ['cpu <= 0s', 'invalid value for rlimit cpu "0s" (the cpu limit is at least 1s)'],
  ['cpu <= 2 fortnights', 'invalid value for rlimit cpu "2 fortnights" (seconds, or a number with a unit'],
  ['rttime <= 0us', 'invalid value for rlimit rttime "0us" (at least 1us)'],
  ['cpu <= 10s seconds', 'invalid value for rlimit cpu "10s seconds"'],
  ['nofiles <= 10', 'invalid rlimit "nofiles"; did you mean "nofile"?'],
];

const profile = (rule: string): string => `profile a {\n  set rlimit ${rule},\n}\n`;
const findings = (rule: string) => parserFindings(profile(rule));

describe('set rlimit, as AppArmor 4.1 reads it', () => {
  it.each(accepted)('accepts %s', (rule) => {
    expect(findings(rule)).toEqual([]);
  });

  it.each(refused)('refuses %s', (rule, message) => {
    const found = findings(rule);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ ruleId: 'apparmor/invalid-option', line: 2 });
    expect(found[0]?.message).toContain(message);
  });

  it('points at the value, and spans the unit written apart', () => {
    expect(findings('cpu <= 2 fortnights')[0]).toMatchObject({ line: 2, column: 21 });
    expect(findings('nofiles <= 10')[0]).toMatchObject({ line: 2, column: 14 });
  });
});

oracleAgrees(
  'rlimit',
  profile,
  accepted,
  refused.map(([rule]) => rule),
);
