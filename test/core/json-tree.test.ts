/**
 * The compact JSON tree: every node's range and every key's range the same as the YAML nodes
 * give for the same JSON text (what the seccomp model used before), values from JSON.parse, keys
 * given twice, escapes, and paths as the schema asks for them.
 */
import { describe, expect, it } from 'vitest';
import { parseJsonTree } from '../../src/core/json-tree.js';
import type { JsonNode, JsonTree } from '../../src/core/json-tree.js';
import { parseYaml } from '../../src/core/yaml.js';
import type { YamlNode } from '../../src/core/yaml.js';

function treeOf(text: string): JsonTree {
  const parsed = parseJsonTree(text);
  if (!parsed.ok) throw new Error(parsed.error.message);
  return parsed.tree;
}

/** [start, end] of every node and key, walking the YAML nodes and the tree side by side. */
function walk(tree: JsonTree, node: JsonNode, yaml: YamlNode, out: string[]): void {
  const { start, end } = tree.range(node);
  expect([start, end], `node ${node}`).toEqual([yaml.start, yaml.end]);
  out.push(`${start}-${end}`);
  if (yaml.kind === 'seq') {
    const items = tree.items(node);
    expect(items.length).toBe(yaml.items.length);
    yaml.items.forEach((item, i) => walk(tree, items[i] as JsonNode, item, out));
  } else if (yaml.kind === 'map') {
    const members = tree.items(node);
    expect(members.length).toBe(yaml.pairs.length);
    yaml.pairs.forEach((pair, i) => {
      const member = members[i] as JsonNode;
      expect(tree.key(member)).toBe(pair.key);
      const key = tree.keyRange(member);
      expect([key.start, key.end], `key ${pair.key}`).toEqual([pair.keyNode.start, pair.keyNode.end]);
      walk(tree, member, pair.value, out);
    });
  } else {
    expect(tree.scalar(node)).toEqual(yaml.value);
  }
}

const TEXTS: [string, string][] = [
  ['pretty', JSON.stringify({ a: [1, -2.5e3, true, false, null, 'x'], b: { c: [] }, d: {} }, null, 2)],
  ['minified', '{"a":[1,2,{"b":"c"}],"d":"e"}'],
  ['CRLF and tabs', '{\r\n\t"names": [\r\n\t\t"read",\r\n\t\t"write"\r\n\t],\r\n\t"n": 0\r\n}\r\n'],
  ['multi-byte UTF-8', '{ "é😀": ["ñ", "😀😀", "x"], "k": "€" }'],
  [
    'escapes in keys and strings',
    String.raw`{ "na\u006des": ["a\"b", "c\\"], "q\"": 1, "s\\": "\\\"", "\/": "\u00e9" }`,
  ],
  ['numbers', '[0, -0, 1.0, 1e3, -1.5E-2, 18446744073709551616]'],
  ['a scalar root', '  "just a string"  '],
  ['nested', '[[[[]]], {"a": {"b": {"c": [{}]}}}]'],
];

describe('parseJsonTree', () => {
  it.each(TEXTS)('gives the ranges the YAML nodes give: %s', (_name, text) => {
    const tree = treeOf(text);
    expect(tree.value).toEqual(JSON.parse(text));
    const yaml = parseYaml(text);
    if (!yaml.ok) throw new Error(yaml.error.message);
    const root = yaml.documents[0]?.root;
    if (!root) throw new Error('no root');
    const seen: string[] = [];
    walk(tree, 0, root, seen);
    expect(seen.length).toBe(tree.count);
  });

  it('keeps the last value of a key given twice and names the later keys', () => {
    const text = '{"a": 1, "b": {"a": 2, "a": 3}, "a": 4, "a": 5}';
    const tree = treeOf(text);
    expect(tree.value).toEqual({ a: 5, b: { a: 3 } });
    expect(tree.duplicateKeys.map((node) => [tree.key(node), tree.source(node)])).toEqual([
      ['a', '3'],
      ['a', '4'],
      ['a', '5'],
    ]);
    expect(tree.source(tree.member(0, 'a') as JsonNode)).toBe('5');
    expect(tree.keyRange(tree.duplicateKeys[0] as JsonNode)).toEqual({ start: 23, end: 26 });
  });

  it('finds a path, the closest existing ancestor, or a key', () => {
    const text = '{\n  "syscalls": [\n    { "names": ["read", 7], "action": "X" }\n  ]\n}';
    const tree = treeOf(text);
    const slice = (r: { start: number; end: number }): string => text.slice(r.start, r.end);
    expect(slice(tree.rangeAt(['syscalls', 0, 'names', 1]))).toBe('7');
    expect(slice(tree.rangeAt(['syscalls', 0, 'action'], true))).toBe('"action"');
    expect(slice(tree.rangeAt(['syscalls', 0, 'missing']))).toBe('{ "names": ["read", 7], "action": "X" }');
    expect(slice(tree.rangeAt(['syscalls', 5]))).toBe('[\n    { "names": ["read", 7], "action": "X" }\n  ]');
    expect(slice(tree.rangeAt([]))).toBe(text);
    expect(tree.item(tree.member(0, 'syscalls'), 1)).toBeUndefined();
    expect(tree.member(tree.member(0, 'syscalls'), 'names')).toBeUndefined();
  });

  it('reports a syntax error with its offset instead of a tree', () => {
    expect(parseJsonTree('{"a": 1,}')).toEqual({
      ok: false,
      error: { offset: 7, line: 1, column: 8, message: "a comma before '}': remove the trailing comma" },
    });
  });

  it('lists the items of a list of 100,000 names', () => {
    const names = Array.from({ length: 100_000 }, (_, i) => `n${i}`);
    const tree = treeOf(JSON.stringify({ names }));
    expect(tree.count).toBe(100_002);
    const items = tree.items(tree.member(0, 'names') as JsonNode);
    expect(items.length).toBe(100_000);
    expect(tree.scalar(items[99_999] as JsonNode)).toBe('n99999');
  });
});
