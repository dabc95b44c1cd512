import { describe, expect, it } from 'vitest';
import { jsonItems } from '../../src/core/json-lines.js';

describe('jsonItems', () => {
  it.each([
    [
      'kubectl layout',
      '{\n  "apiVersion": "v1",\n  "items": [\n    {\n      "a": 1\n    },\n    {\n      "b": "x]},{"\n    }\n  ],\n  "kind": "List"\n}\n',
      [4, 7],
    ],
    ['one line', '{"kind":"List","items":[{"a":{"items":[1,2]}},{"b":2},{}]}', [1, 1, 1]],
    ['empty items', '{"items": [ ]}', []],
    ['no items', '{"kind":"Pod","spec":{"items":[{}]}}', []],
    ['escaped quotes in keys and values', '{"k\\"":"v\\\\","items":\n[\n{"x":"\\"]"}\n,\n{}]}', [3, 5]],
    ['not an object', '[{"items":[{}]}]', []],
  ])('%s', (_name, text, lines) => {
    const items = (JSON.parse(text) as { items?: unknown }).items;
    const found = jsonItems(text);
    expect(found.map((item) => item.line)).toEqual(lines);
    // Each element parses alone to what JSON.parse gave for it.
    if (lines.length > 0)
      expect(found.map((item) => JSON.parse(text.slice(item.start, item.end)))).toEqual(items);
  });
});
