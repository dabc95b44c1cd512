/**
 * Reading a test file: `tests:`, a list of cases, each with a `name` and exactly one kind key.
 * Every case keeps its position; every shape problem is collected with its range, so that one
 * bad case is reported on its own line and the others still run.
 */
import type { SourceFile } from '../core/source.js';
import type { YamlMap, YamlNode } from '../core/yaml.js';
import { pairOf, parseYaml } from '../core/yaml.js';
import { didYouMean } from '../core/did-you-mean.js';
import { describeNode, span } from './shape.js';
import type { CaseKind, Problem, TestCase } from './types.js';

export interface ParsedTestFile {
  cases: TestCase[];
  /** Problems that concern the file as a whole (not YAML, no `tests:` list). */
  problems: Problem[];
}

function caseName(node: YamlMap, index: number): { name: string; problems: Problem[] } {
  const pair = pairOf(node, 'name');
  const fallback = `case #${index + 1}`;
  if (!pair)
    return { name: fallback, problems: [{ message: 'a test case needs a "name"', range: span(node) }] };
  const value = pair.value;
  if (value.kind !== 'scalar' || value.value === null || value.text.trim() === '')
    return {
      name: fallback,
      problems: [
        { message: `"name" must be a non-empty string, not ${describeNode(value)}`, range: span(value) },
      ],
    };
  return { name: value.text, problems: [] };
}

function parseCase(file: SourceFile, node: YamlNode, index: number, kinds: readonly CaseKind[]): TestCase {
  const range = span(node);
  if (node.kind !== 'map')
    return {
      file,
      name: `case #${index + 1}`,
      node,
      range,
      problems: [
        { message: `a test case is a mapping with a "name" and a kind, not ${describeNode(node)}`, range },
      ],
    };
  const { name, problems } = caseName(node, index);
  const keys = kinds.map((kind) => kind.key);
  const present = node.pairs.filter((pair) => keys.includes(pair.key));
  for (const pair of node.pairs) {
    if (pair.key === 'name' || keys.includes(pair.key)) continue;
    const guess = didYouMean(pair.key, keys);
    problems.push({
      message: `unknown key "${pair.key}" in a test case${guess ? `; did you mean "${guess}"?` : ''} (a case has a "name" and one of: ${keys.join(', ')})`,
      range: span(pair.keyNode),
    });
  }
  const testCase: TestCase = { file, name, node, range, problems };
  if (present.length === 0) {
    problems.push({ message: `test case "${name}" has no kind: give one of ${keys.join(', ')}`, range });
    return testCase;
  }
  if (present.length > 1) {
    problems.push({
      message: `test case "${name}" has ${present.map((p) => p.key).join(' and ')}: one kind per case`,
      range: span((present[1] as { keyNode: YamlNode }).keyNode),
    });
    return testCase;
  }
  const pair = present[0] as { key: string; value: YamlNode };
  const kind = kinds.find((k) => k.key === pair.key) as CaseKind;
  testCase.kind = kind.key;
  testCase.body = pair.value;
  if (pair.value.kind !== 'map')
    problems.push({
      message: `"${kind.key}" must be a mapping, not ${describeNode(pair.value)}`,
      range: span(pair.value),
    });
  else problems.push(...kind.validate(pair.value));
  return testCase;
}

export function parseTestFile(file: SourceFile, kinds: readonly CaseKind[]): ParsedTestFile {
  const parsed = parseYaml(file.text);
  if (!parsed.ok) {
    const at = parsed.error.offset;
    return {
      cases: [],
      problems: [{ message: `invalid YAML: ${parsed.error.message}`, range: { start: at, end: at } }],
    };
  }
  const cases: TestCase[] = [];
  const problems: Problem[] = [];
  for (const document of parsed.documents) {
    const root = document.root;
    if (root === null) continue;
    const tests = pairOf(root, 'tests');
    if (root.kind !== 'map' || !tests) {
      problems.push({ message: 'a test file holds "tests:", a list of cases', range: span(root) });
      continue;
    }
    for (const pair of root.pairs)
      if (pair.key !== 'tests')
        problems.push({
          message: `unknown key "${pair.key}" in a test file (only "tests" is read)`,
          range: span(pair.keyNode),
        });
    if (tests.value.kind !== 'seq') {
      if (tests.value.value !== null)
        problems.push({
          message: `"tests" must be a list of cases, not ${describeNode(tests.value)}`,
          range: span(tests.value),
        });
      continue;
    }
    tests.value.items.forEach((item, i) => cases.push(parseCase(file, item, i, kinds)));
    for (const duplicate of document.duplicateKeys)
      problems.push({ message: `duplicate key "${String(duplicate.value)}"`, range: span(duplicate) });
  }
  return { cases, problems };
}
