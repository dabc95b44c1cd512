import { describe, expect, it } from 'vitest';
import { jsonSyntaxError, MAX_JSON_DEPTH } from '../../src/core/json.js';

describe('jsonSyntaxError', () => {
  it.each([
    '{}',
    ' {"a": [1, -2.5e3, true, false, null, "x\\"\\u00e9\\n"]} \n',
    '[]',
    '"just a string"',
    '0',
    '{"a": {"b": {"c": []}}}',
  ])('accepts %j', (text) => {
    expect(jsonSyntaxError(text)).toBeUndefined();
  });

  it.each([
    ['', 0, 'expected a value, found end of file'],
    ['{"a": 1,}', 7, 'trailing comma before "}"'],
    ['[1, 2,]', 5, 'trailing comma before "]"'],
    ["{'a': 1}", 1, 'expected a double-quoted key, found "\'"'],
    ['{"a" 1}', 5, 'expected ":" after the key, found "1"'],
    ['{"a": 01}', 7, 'expected "," or "}", found "1"'],
    ['{"a": NaN}', 6, 'expected a value, found "N"'],
    ['{"a": "x\ny"}', 8, 'control character U+000a inside a string; escape it'],
    ['{"a": "\\x"}', 7, 'bad escape "\\x" in a string'],
    ['{"a": "\\u12"}', 7, 'bad \\u escape in a string'],
    ['{"a": "abc', 10, 'unterminated string'],
    ['{} {}', 3, 'unexpected "{" after the JSON value'],
    ['{"a": 1} // note', 9, 'unexpected "/" after the JSON value'],
    ['[1 2]', 3, 'expected "," or "]", found "2"'],
    ['{"a": -}', 6, 'expected a value, found "-"'],
  ] as const)('refuses %j at %i', (text, offset, message) => {
    expect(jsonSyntaxError(text)).toEqual({ offset, message });
  });

  it('refuses hostile nesting without overflowing the stack', () => {
    const deep = '['.repeat(1_000_000);
    expect(jsonSyntaxError(deep)?.message).toBe(`nested deeper than ${MAX_JSON_DEPTH} levels`);
    const ok = '['.repeat(MAX_JSON_DEPTH) + ']'.repeat(MAX_JSON_DEPTH);
    expect(jsonSyntaxError(ok)).toBeUndefined();
  });
});
