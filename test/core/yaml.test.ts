import { describe, expect, it } from 'vitest';
import { SourceFile } from '../../src/core/source.js';
import {
  MAX_EXPANDED_NODES,
  nodeAt,
  pairOf,
  parseYaml,
  rangeAt,
  resolvePlainScalar,
} from '../../src/core/yaml.js';

describe('parseYaml', () => {
  it('gives values and the range of every key and value', () => {
    const text = 'rule: Shell\ncondition: "evt.type = execve"\ntags: [a, b]\nn: 0x10\n';
    const result = parseYaml(text);
    if (!result.ok) throw new Error(result.error.message);
    const root = result.documents[0]?.root;
    expect(result.documents[0]?.value).toEqual({
      rule: 'Shell',
      condition: 'evt.type = execve',
      tags: ['a', 'b'],
      n: 16,
    });
    const condition = nodeAt(root, ['condition']);
    expect(condition && text.slice(condition.start, condition.end)).toBe('"evt.type = execve"');
    const tag = nodeAt(root, ['tags', 1]);
    expect(tag && text.slice(tag.start, tag.end)).toBe('b');
    const key = pairOf(root, 'n')?.keyNode;
    expect(key && new SourceFile('f', text).position(key.start)).toEqual({ line: 4, column: 1 });
    const tags = nodeAt(root, ['tags']);
    expect(tags && text.slice(tags.start, tags.end)).toBe('[a, b]');
  });

  it('points a missing key at its closest ancestor, and a key at itself', () => {
    const text = 'a:\n  b: 1\n';
    const result = parseYaml(text);
    if (!result.ok) throw new Error(result.error.message);
    const root = result.documents[0]?.root;
    expect(rangeAt(root, ['a', 'zzz'])).toEqual({ start: 5, end: 9 });
    expect(rangeAt(root, ['a', 'b'], true)).toEqual({ start: 5, end: 6 });
  });

  it('reports a syntax error with its offset', () => {
    const result = parseYaml('a: [b\n');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.offset).toBe(6);
  });

  it('counts the nodes aliases stand for, not every node: 1.5 million nodes without an alias parse', () => {
    // As a valid Falco file of 293,000 lists does (five nodes a list).
    const lines: string[] = [];
    for (let i = 0; i < 300_000; i++) lines.push(`- list: l${i}\n  items: [a, b]`);
    const result = parseYaml(lines.join('\n'));
    expect(result.ok).toBe(true);
    if (result.ok) expect((result.documents[0]?.value as unknown[]).length).toBe(300_000);
  });

  it('refuses an alias bomb quickly', () => {
    const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 10; i++) {
      const prev = String.fromCharCode(96 + i);
      const cur = String.fromCharCode(97 + i);
      lines.push(`${cur}: &${cur} [${Array(9).fill(`*${prev}`).join(',')}]`);
    }
    const started = Date.now();
    const result = parseYaml(lines.join('\n'));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.message).toContain(MAX_EXPANDED_NODES.toLocaleString('en-US'));
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('refuses deep nesting with a message instead of overflowing the stack', () => {
    const result = parseYaml('['.repeat(10_000) + ']'.repeat(10_000));
    expect(result.ok).toBe(false);
  });

  it('records duplicate keys and keeps the last value', () => {
    const result = parseYaml('a: 1\na: 2\n');
    if (!result.ok) throw new Error(result.error.message);
    expect(result.documents[0]?.value).toEqual({ a: 2 });
    expect(result.documents[0]?.duplicateKeys.map((k) => k.start)).toEqual([5]);
  });

  it('keeps a __proto__ key as a key, never as the prototype', () => {
    const result = parseYaml('__proto__: {polluted: true}\nconstructor: 1\n');
    if (!result.ok) throw new Error(result.error.message);
    const value = result.documents[0]?.value as Record<string, unknown>;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value)).toEqual(['__proto__', 'constructor']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('gives an alias the range of the alias and the content of its anchor', () => {
    const text = 'a: &x {b: [1, 2]}\nc: *x\n';
    const result = parseYaml(text);
    if (!result.ok) throw new Error(result.error.message);
    const alias = nodeAt(result.documents[0]?.root, ['c']);
    expect(alias && text.slice(alias.start, alias.end)).toBe('*x');
    expect(alias?.alias).toBe(true);
    expect(alias?.kind).toBe('map');
    const item = nodeAt(alias, ['b', 1]);
    expect(item && text.slice(item.start, item.end)).toBe('2');
    expect(alias?.value).toBe(nodeAt(result.documents[0]?.root, ['a'])?.value);
  });

  it('reads several documents', () => {
    const result = parseYaml('a: 1\n---\nb: 2\n');
    if (!result.ok) throw new Error(result.error.message);
    expect(result.documents.map((d) => d.value)).toEqual([{ a: 1 }, { b: 2 }]);
  });
});

describe('resolvePlainScalar', () => {
  it.each([
    ['true', true],
    ['False', false],
    ['~', null],
    ['null', null],
    ['12', 12],
    ['-3', -3],
    ['0o17', 15],
    ['0x1F', 31],
    ['1.5e3', 1500],
    ['.inf', Infinity],
    ['yes', 'yes'],
    ['on', 'on'],
    ['/bin/sh', '/bin/sh'],
    ['1.2.3', '1.2.3'],
  ])('%s', (text, value) => {
    expect(resolvePlainScalar(text)).toEqual(value);
  });
});
