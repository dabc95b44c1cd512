/** `chs test`: the file format, validation with positions, every kind in the table, and the output. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/core/config.js';
import { SourceFile } from '../../src/core/source.js';
import { parse } from '../../src/languages/falco/condition/parser.js';
import { Ruleset } from '../../src/languages/falco/evaluate/engine.js';
import type { EvaluableRule } from '../../src/languages/falco/evaluate/engine.js';
import { NO_COLORS } from '../../src/report/colors.js';
import { createRunContext } from '../../src/testing/context.js';
import { languages } from '../../src/languages/index.js';
import { caseKindsOf } from '../../src/testing/run.js';

const CASE_KINDS = await caseKindsOf(languages);
import { parseTestFile } from '../../src/testing/parse.js';
import { testJson, testText } from '../../src/testing/report.js';
import { runTests } from '../../src/testing/run.js';
import type { TestResult } from '../../src/testing/types.js';
import { writeFiles } from '../helpers/tree.js';

function rule(name: string, condition: string, extra: Partial<EvaluableRule> = {}): EvaluableRule {
  const result = parse(condition);
  if (!('ast' in result)) throw new Error(result.error);
  return {
    name,
    condition: result.ast,
    output: 'shell %proc.name in %container.id',
    priority: 'NOTICE',
    source: 'syscall',
    tags: [],
    enabled: true,
    ...extra,
  };
}

const RULES = [
  rule(
    'Terminal shell in container',
    'evt.type = execve and proc.name in (bash, sh) and container.id != host and proc.tty != 0',
  ),
  rule('Any exec', 'evt.type = execve'),
  rule('Read shadow', 'evt.type = openat and (fd.name = /etc/shadow or fd.name startswith /etc/sudoers)'),
  rule('Retired', 'evt.type = ptrace', { enabled: false }),
];

const dir = mkdtempSync(join(tmpdir(), 'chs-test-runner-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(
  files: Record<string, string>,
  ruleset: () => Promise<Ruleset> = async () => new Ruleset(RULES),
): Promise<TestResult[]> {
  const root = mkdtempSync(join(dir, 'repo-'));
  writeFiles(root, files);
  const { results } = await runTests({
    cwd: root,
    config: defaultConfig(root),
    paths: [],
    context: createRunContext({ config: defaultConfig(root), cwd: root, falcoRuleset: ruleset }),
  });
  return results;
}

const SHELL_FILE = `tests:
  - name: a shell in a container alerts
    falco:
      event: {"evt.type": execve, "proc.name": bash, "container.id": 3ad7b26ded6d, "proc.tty": 34816}
      expect: {rule: Terminal shell in container, priority: notice, outputContains: "shell bash"}
  - name: ls alerts only as an exec
    falco:
      event: {"evt.type": execve, "proc.name": ls}
      expect: {rule: Any exec}
  - name: reading passwd raises nothing
    falco:
      event: {"evt.type": openat, "fd.name": /etc/passwd}
      expect: {rule: null}
`;

describe('chs test with falco cases', () => {
  it('passes cases whose expectation holds, with their positions', async () => {
    const results = await run({ 'policies/tests/shell.yaml': SHELL_FILE });
    expect(results.map((r) => [r.file, r.line, r.column, r.name, r.kind, r.passed, r.message])).toEqual([
      ['policies/tests/shell.yaml', 2, 5, 'a shell in a container alerts', 'falco', true, ''],
      ['policies/tests/shell.yaml', 6, 5, 'ls alerts only as an exec', 'falco', true, ''],
      ['policies/tests/shell.yaml', 10, 5, 'reading passwd raises nothing', 'falco', true, ''],
    ]);
  });

  it('fails with a diff that says what fired and why the expected rule did not', async () => {
    const results = await run({
      'policies/tests/fail.yaml': `tests:
  - name: host shell
    falco:
      event: {"evt.type": execve, "proc.name": bash, "container.id": host, "proc.tty": 1}
      expect: {rule: Terminal shell in container}
  - name: shadow is quiet
    falco:
      event: {"evt.type": openat, "fd.name": /etc/shadow}
      expect: {rule: null}
  - name: typo in the rule name
    falco:
      event: {"evt.type": execve}
      expect: {rule: Any exek}
  - name: disabled rule
    falco:
      event: {"evt.type": ptrace}
      expect: {rule: Retired}
  - name: wrong type
    falco:
      event: {"evt.type": read, "fd.name": /etc/shadow}
      expect: {rule: Read shadow}
  - name: first match wins
    falco:
      event: {"evt.type": execve, "proc.name": sh, "container.id": abc, "proc.tty": 1}
      expect: {rule: Any exec}
  - name: no alternative holds
    falco:
      event: {"evt.type": openat, "fd.name": /etc/hosts}
      expect: {rule: Read shadow}
  - name: wrong priority and output
    falco:
      event: {"evt.type": execve, "proc.name": ls}
      expect: {rule: Any exec, priority: critical, outputContains: "shell bash"}
`,
    });
    const messages = results.map((r) => [r.passed, r.message]);
    expect(messages[0]).toEqual([
      false,
      'expected: "Terminal shell in container" fires\nactual:   "Any exec" fired\nwhy:      "Terminal shell in container" does not match: container.id != host is false (container.id is "host")',
    ]);
    expect(messages[1]).toEqual([false, 'expected: no rule fires\nactual:   "Read shadow" fired']);
    expect(messages[2]?.[1]).toContain('no rule named "Any exek" is loaded; did you mean "Any exec"?');
    expect(messages[3]?.[1]).toContain('rule "Retired" is disabled');
    expect(messages[4]?.[1]).toContain('"Read shadow" does not apply to evt.type read (only to openat)');
    expect(messages[5]?.[1]).toContain(
      '"Any exec" matches, but "Terminal shell in container" comes first in load order',
    );
    expect(messages[6]?.[1]).toContain(
      'none of the alternatives holds: fd.name = /etc/shadow is false (fd.name is "/etc/hosts"); fd.name startswith /etc/sudoers is false',
    );
    expect(messages[7]?.[1]).toBe(
      'expected priority: Critical\nactual priority:   Notice\nexpected the output to contain: shell bash\nactual output: shell ls in <NA>',
    );
    expect(results.every((r) => !r.passed)).toBe(true);
  });

  it('fails every falco case, saying why, when the rules do not load', async () => {
    const results = await run({ 'policies/tests/shell.yaml': SHELL_FILE }, async () => {
      throw new Error('the repository Falco rules do not load: policies/falco/x.yaml:3:5: bad');
    });
    expect(results.map((r) => r.passed)).toEqual([false, false, false]);
    expect(results[0]?.message).toContain('policies/falco/x.yaml:3:5: bad');
  });
});

describe('case validation', () => {
  const problems = (text: string) => {
    const parsed = parseTestFile(new SourceFile('t.yaml', text), CASE_KINDS);
    return {
      file: parsed.problems.map((p) => p.message),
      cases: parsed.cases.map((c) =>
        c.problems.map((p) => `${new SourceFile('t.yaml', text).position(p.range.start).line}: ${p.message}`),
      ),
    };
  };

  it('reports every bad case shape with its line, and lets the others run', () => {
    const result = problems(`tests:
  - name: no kind
  - falco: {event: {}, expect: {rule: null}}
  - name: two kinds
    falco: {event: {}, expect: {rule: null}}
    seccomp: {profile: p.json, syscall: ptrace, expect: SCMP_ACT_ERRNO}
  - name: typo
    falko: {}
  - name: bad falco body
    falco:
      event: [1, 2]
      expect: {rul: x}
      sorce: syscall
  - name: nested field
    falco:
      event: {"proc.name": {a: 1}}
      expect: {rule: 3}
  - just a string
  - name: fine
    falco: {event: {"proc.name": bash}, expect: {rule: null}}
`);
    expect(result.file).toEqual([]);
    expect(result.cases).toEqual([
      ['2: test case "no kind" has no kind: give one of apparmor, falco, podSecurity, seccomp'],
      ['3: a test case needs a "name"'],
      ['6: test case "two kinds" has falco and seccomp: one kind per case'],
      [
        '8: unknown key "falko" in a test case; did you mean "falco"? (a case has a "name" and one of: apparmor, falco, podSecurity, seccomp)',
        '7: test case "typo" has no kind: give one of apparmor, falco, podSecurity, seccomp',
      ],
      [
        '13: unknown key "sorce" in a falco case; did you mean "source"? (allowed: event, expect, source)',
        '11: "event" must be a mapping of field names to values, not a list',
        '12: unknown key "rul" in the expectation of a falco case; did you mean "rule"? (allowed: rule, priority, outputContains)',
        '12: the expectation of a falco case needs "rule"',
      ],
      ['16: field "proc.name" must be a value or a list of values, not a mapping'],
      ['18: a test case is a mapping with a "name" and a kind, not the string "just a string"'],
      [],
    ]);
  });

  it('validates the shapes of the other kinds too', () => {
    const result = problems(`tests:
  - name: a
    apparmor: {profile: k8s-nginx, access: {path: /etc/x}, expect: maybe}
  - name: s
    seccomp: {profile: p.json, syscall: ptrace, expect: ERRNO}
  - name: p
    podSecurity: {policy: restricted, object: [], expect: {allowed: "no"}}
`);
    expect(result.cases).toEqual([
      [
        '3: the path access of an apparmor case needs "permissions"',
        '3: "expect" of an apparmor case is allow, deny or audit, not the string "maybe"',
      ],
      [
        '5: "expect" of a seccomp case is an action such as SCMP_ACT_ERRNO or SCMP_ACT_ERRNO(1), not the string "ERRNO"',
      ],
      [
        '7: "object" must be a Kubernetes object (a mapping), not a list',
        '7: "allowed" must be true or false, not the string "no"',
      ],
    ]);
  });

  it('reports files that are not test files', () => {
    expect(problems('tests: [').file[0]).toMatch(/^invalid YAML/);
    expect(problems('- a\n- b\n').file).toEqual(['a test file holds "tests:", a list of cases']);
    expect(problems('tests: 3\n').file).toEqual(['"tests" must be a list of cases, not number 3']);
    expect(problems('tests: []\nextra: 1\n').file).toEqual([
      'unknown key "extra" in a test file (only "tests" is read)',
    ]);
  });
});

describe('the test case kinds', () => {
  it('come from the languages, one per kind, sorted by key', () => {
    const keys = CASE_KINDS.map((k) => k.key);
    expect(keys).toEqual([...keys].sort());
    expect(keys).toEqual(['apparmor', 'falco', 'podSecurity', 'seccomp']);
  });
});

describe('output', () => {
  const results: TestResult[] = [
    { file: 'a.yaml', line: 2, column: 5, name: 'ok', kind: 'falco', passed: true, message: '' },
    {
      file: 'a.yaml',
      line: 6,
      column: 5,
      name: 'bad',
      kind: 'falco',
      passed: false,
      message: 'expected: x\nactual:   y',
    },
  ];
  it('prints text with the diff under a failure', () => {
    expect(testText(results, NO_COLORS)).toBe(
      'a.yaml\n  ✓ ok (a.yaml:2)\n  ✗ bad (a.yaml:6)\n      expected: x\n      actual:   y\n\n2 test cases: 1 passed, 1 failed\n',
    );
  });
  it('prints the JSON of PRODUCT.md', () => {
    const json = JSON.parse(testJson(results));
    expect(json.summary).toEqual({ passed: 1, failed: 1 });
    expect(json.results[1]).toMatchObject({
      file: 'a.yaml',
      name: 'bad',
      passed: false,
      message: 'expected: x\nactual:   y',
    });
  });
});
