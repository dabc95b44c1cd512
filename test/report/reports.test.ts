import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/core/diagnostic.js';
import { SourceFile } from '../../src/core/source.js';
import { ruleDocsUrl } from '../../src/core/rule-docs.js';
import { codeQuality } from '../../src/report/codequality.js';
import { NO_COLORS, ANSI_COLORS, colorsFor } from '../../src/report/colors.js';
import { lintJson } from '../../src/report/json.js';
import { junit } from '../../src/report/junit.js';
import { rebasePath } from '../../src/report/paths.js';
import { buildReport, rebaseReport } from '../../src/report/positions.js';
import type { LintReport } from '../../src/report/positions.js';
import { sarif } from '../../src/report/sarif.js';
import { stylish } from '../../src/report/stylish.js';
import { badWord, mehWord } from '../helpers/fake-language.js';

const a = new SourceFile('policies/a.yaml', 'first\n  BAD here\nBAD\n');
const b = new SourceFile('policies/b <&>.yaml', 'MEH\n');
const clean = new SourceFile('policies/clean.yaml', 'ok\n');
const files = new Map([a, b, clean].map((f) => [f.path, f]));
const diagnostics: Diagnostic[] = [
  {
    file: a.path,
    range: { start: 8, end: 11 },
    severity: 'error',
    ruleId: 'test/bad-word',
    message: 'the word BAD is not allowed',
  },
  {
    file: a.path,
    range: { start: 17, end: 20 },
    severity: 'error',
    ruleId: 'test/bad-word',
    message: 'the word BAD is not allowed',
  },
  {
    file: b.path,
    range: { start: 0, end: 3 },
    severity: 'warning',
    ruleId: 'test/meh-word',
    message: 'MEH <is> "weak" & odd',
    falcoCode: 'LOAD_UNUSED_MACRO',
  },
];
const report = buildReport(diagnostics, files, [a.path, b.path, clean.path]);

describe('positions', () => {
  it('converts offsets to 1-based lines and columns once, for every formatter', () => {
    expect(report.diagnostics.map((d) => [d.line, d.column, d.endLine, d.endColumn])).toEqual([
      [2, 3, 2, 6],
      [3, 1, 3, 4],
      [1, 1, 1, 4],
    ]);
    expect(report.summary).toEqual({ errors: 2, warnings: 1, infos: 0 });
  });
});

describe('json', () => {
  it('has the contract shape', () => {
    const parsed = JSON.parse(lintJson(report)) as {
      diagnostics: Record<string, unknown>[];
      summary: unknown;
    };
    expect(parsed.summary).toEqual({ errors: 2, warnings: 1 });
    expect(parsed.diagnostics[0]).toEqual({
      file: 'policies/a.yaml',
      line: 2,
      column: 3,
      endLine: 2,
      endColumn: 6,
      severity: 'error',
      ruleId: 'test/bad-word',
      message: 'the word BAD is not allowed',
    });
    expect(parsed.diagnostics[2]?.falcoCode).toBe('LOAD_UNUSED_MACRO');
  });
});

describe('codequality', () => {
  const issues = JSON.parse(codeQuality(report)) as Record<string, unknown>[];
  it('has every field GitLab requires, with 1-based lines', () => {
    expect(issues).toHaveLength(3);
    for (const issue of issues) {
      expect(typeof issue.description).toBe('string');
      expect(typeof issue.check_name).toBe('string');
      expect(issue.fingerprint).toMatch(/^[0-9a-f]{32}$/);
      expect(['info', 'minor', 'major', 'critical', 'blocker']).toContain(issue.severity);
    }
    expect(issues[0]).toMatchObject({
      description: 'the word BAD is not allowed',
      check_name: 'test/bad-word',
      severity: 'major',
      location: { path: 'policies/a.yaml', lines: { begin: 2 } },
    });
    expect(issues[2]).toMatchObject({
      severity: 'minor',
      location: { path: 'policies/b <&>.yaml', lines: { begin: 1 } },
    });
  });
  it("links each issue to its rule's page", () => {
    expect(issues[0]?.content).toEqual({ body: `[test/bad-word](${ruleDocsUrl('test/bad-word')})` });
  });
  it('gives unique fingerprints, stable across runs and across inserted lines', () => {
    const fingerprints = issues.map((i) => i.fingerprint);
    expect(new Set(fingerprints).size).toBe(fingerprints.length);
    expect((JSON.parse(codeQuality(report)) as Record<string, unknown>[]).map((i) => i.fingerprint)).toEqual(
      fingerprints,
    );
    const shifted = new SourceFile(a.path, 'inserted\n' + a.text);
    const moved = buildReport(
      diagnostics
        .slice(0, 2)
        .map((d) => ({ ...d, range: { start: (d.range?.start ?? 0) + 9, end: (d.range?.end ?? 0) + 9 } })),
      new Map([[a.path, shifted]]),
      [a.path],
    );
    expect((JSON.parse(codeQuality(moved)) as Record<string, unknown>[]).map((i) => i.fingerprint)).toEqual(
      fingerprints.slice(0, 2),
    );
  });
});

describe('junit', () => {
  const xml = junit(report);
  const parsed = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '',
    isArray: (name) => name === 'testsuite' || name === 'testcase',
  }).parse(xml) as {
    testsuites: {
      tests: string;
      failures: string;
      testsuite: {
        name: string;
        tests: string;
        failures: string;
        testcase: {
          name: string;
          file: string;
          line?: string;
          failure?: { message: string; type: string };
          'system-out'?: string;
        }[];
      }[];
    };
  };
  it('is well-formed XML with one suite per file and one case per finding; only errors fail', () => {
    expect(XMLValidator.validate(xml)).toBe(true);
    expect(parsed.testsuites.tests).toBe('4');
    expect(parsed.testsuites.failures).toBe('2');
    expect(parsed.testsuites.testsuite.map((s) => [s.name, s.tests, s.failures])).toEqual([
      ['policies/a.yaml', '2', '2'],
      ['policies/b <&>.yaml', '1', '0'],
      ['policies/clean.yaml', '1', '0'],
    ]);
    const first = parsed.testsuites.testsuite[0]?.testcase[0];
    expect(first).toMatchObject({ name: 'test/bad-word at 2:3', file: 'policies/a.yaml', line: '2' });
    expect(first?.failure).toMatchObject({ type: 'error', message: 'the word BAD is not allowed' });
    expect(parsed.testsuites.testsuite[2]?.testcase[0]?.failure).toBeUndefined();
  });

  it('reports a warning as a passing case named "(warning)", the finding in its system-out', () => {
    const warning = parsed.testsuites.testsuite[1]?.testcase[0];
    expect(warning).toMatchObject({
      name: 'test/meh-word at 1:1 (warning)',
      file: 'policies/b <&>.yaml',
      line: '1',
      'system-out': 'policies/b <&>.yaml:1:1: warning: MEH <is> "weak" & odd [test/meh-word]',
    });
    expect(warning?.failure).toBeUndefined();
  });
});

describe('report paths relative to another directory (--report-base)', () => {
  const moved = rebaseReport(report, '/builds/shop/sub', '/builds/shop');
  it('rewrites the paths of Code Quality, JUnit and SARIF alike', () => {
    const issues = JSON.parse(codeQuality(moved)) as { location: { path: string } }[];
    expect(issues.map((i) => i.location.path)).toEqual([
      'sub/policies/a.yaml',
      'sub/policies/a.yaml',
      'sub/policies/b <&>.yaml',
    ]);
    expect(junit(moved)).toContain('file="sub/policies/clean.yaml"');
    const log = JSON.parse(sarif(moved, [], '1')) as {
      runs: { results: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[];
    };
    expect(log.runs[0]?.results.map((r) => r.locations[0]?.physicalLocation.artifactLocation.uri)).toEqual([
      'sub/policies/a.yaml',
      'sub/policies/a.yaml',
      'sub/policies/b%20%3C%26%3E.yaml',
    ]);
  });
  const cases: [string, string, string, string][] = [
    ['policies/a.yaml', '/p/sub', '/p', 'sub/policies/a.yaml'],
    ['policies/a.yaml', '/p', '/p', 'policies/a.yaml'],
    ['/p/sub/x.yaml', '/elsewhere', '/p', 'sub/x.yaml'],
    ['../shared/x.yaml', '/p/sub', '/p', 'shared/x.yaml'],
    ['x.yaml', '/p', '/p/sub', '../x.yaml'],
  ];
  for (const [file, cwd, base, expected] of cases)
    it(`${file} from ${cwd}, relative to ${base}: ${expected}`, () => {
      expect(rebasePath(file, cwd, base)).toBe(expected);
    });
});

describe('sarif', () => {
  const log = JSON.parse(sarif(report, [badWord, mehWord], '1.2.3')) as {
    version: string;
    $schema: string;
    runs: {
      tool: {
        driver: {
          name: string;
          semanticVersion: string;
          rules: { id: string; shortDescription: { text: string }; helpUri: string }[];
        };
      };
      results: Record<string, unknown>[];
    }[];
  };
  it('is SARIF 2.1.0 with rules and 1-based regions', () => {
    expect(log.version).toBe('2.1.0');
    expect(log.$schema).toContain('sarif-2.1.0');
    const run = log.runs[0];
    expect(run?.tool.driver).toMatchObject({ name: 'container-host-security', semanticVersion: '1.2.3' });
    expect(run?.tool.driver.rules.map((r) => r.id)).toEqual(['test/bad-word', 'test/meh-word']);
    expect(run?.tool.driver.rules[0]?.shortDescription.text).toBe('The word BAD.');
    // Each result's rule (its ruleIndex) carries the page: SARIF's place for it (reportingDescriptor).
    expect(run?.tool.driver.rules.map((r) => r.helpUri)).toEqual([
      ruleDocsUrl('test/bad-word'),
      ruleDocsUrl('test/meh-word'),
    ]);
    expect(run?.results).toHaveLength(3);
    expect(run?.results[0]).toMatchObject({
      ruleId: 'test/bad-word',
      ruleIndex: 0,
      level: 'error',
      message: { text: 'the word BAD is not allowed' },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: 'policies/a.yaml' },
            region: { startLine: 2, startColumn: 3, endLine: 2, endColumn: 6 },
          },
        },
      ],
    });
    expect(run?.results[2]).toMatchObject({
      level: 'warning',
      ruleIndex: 1,
      properties: { falcoCode: 'LOAD_UNUSED_MACRO' },
    });
    expect(
      (run?.results[2]?.locations as { physicalLocation: { artifactLocation: { uri: string } } }[])[0]
        ?.physicalLocation.artifactLocation.uri,
    ).toBe('policies/b%20%3C%26%3E.yaml');
  });
});

describe('stylish', () => {
  it('groups by file and summarises, without colour when asked', () => {
    const text = stylish(report, NO_COLORS);
    expect(text).toBe(
      [
        'policies/a.yaml',
        '  2:3  error  the word BAD is not allowed  test/bad-word',
        '  3:1  error  the word BAD is not allowed  test/bad-word',
        '',
        'policies/b <&>.yaml',
        '  1:1  warning  MEH <is> "weak" & odd  test/meh-word (LOAD_UNUSED_MACRO)',
        '',
        '✖ 3 problems (2 errors, 1 warning) in 3 files',
        '',
      ].join('\n'),
    );
    expect(stylish(buildReport([], files, [clean.path]), NO_COLORS)).toBe('✔ 1 file checked, no problems\n');
  });
  it('prints 200,000 findings of one file (no argument spread that overflows the stack)', () => {
    const many: LintReport = {
      diagnostics: Array.from({ length: 200_000 }, (_, i) => ({
        file: 'policies/huge.yaml',
        line: i + 1,
        column: 1,
        endLine: i + 1,
        endColumn: 2,
        severity: i === 0 ? ('warning' as const) : ('error' as const),
        ruleId: 'test/bad-word',
        message: 'bad',
        lineText: 'BAD',
      })),
      files: ['policies/huge.yaml'],
      summary: { errors: 199_999, warnings: 1, infos: 0 },
    };
    const lines = stylish(many, NO_COLORS).split('\n');
    expect(lines[1]).toBe('  1:1       warning  bad  test/bad-word');
    expect(lines[200_000]).toBe('  200000:1  error    bad  test/bad-word');
    expect(lines.at(-2)).toBe('✖ 200000 problems (199999 errors, 1 warning) in 1 file');
  });
  it('colours only on a terminal, and never with NO_COLOR', () => {
    expect(colorsFor({ isTTY: true }, {})).toBe(ANSI_COLORS);
    expect(colorsFor({ isTTY: false }, {})).toBe(NO_COLORS);
    expect(colorsFor({ isTTY: true }, { NO_COLOR: '1' })).toBe(NO_COLORS);
    expect(stylish(report, ANSI_COLORS)).toContain('\u001b[31merror');
  });
});
