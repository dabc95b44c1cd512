/**
 * jsonSyntaxError: the stream's check (JsonItemStream) over a whole text, with the text's offset,
 * line and column of the first error, and the same messages the streamed data inputs get.
 */
import { describe, expect, it } from 'vitest';
import { jsonSyntaxError, MAX_JSON_DEPTH } from '../../src/core/json.js';

const VALUE_EXPECTED = 'a value (object, array, string, number, true, false or null) expected';

describe('jsonSyntaxError', () => {
  it.each([
    '{}',
    ' {"a": [1, -2.5e3, true, false, null, "x\\"\\u00e9\\n"]} \n',
    '[]',
    '"just a string"',
    '0',
    '{"a": {"b": {"c": []}}}',
    '["é", "𝄞", "\\ud83d"]',
  ])('accepts %j', (text) => {
    expect(jsonSyntaxError(text)).toBeUndefined();
  });

  it.each([
    ['', 0, 1, 1, 'no JSON at all (an empty input)'],
    ['{"a": 1,}', 7, 1, 8, "a comma before '}': remove the trailing comma"],
    ['[1, 2,]', 5, 1, 6, "a comma before ']': remove the trailing comma"],
    // The comma's column is counted in UTF-16 units only on a line beyond ASCII.
    ['{\n  "é": 1,\n}', 10, 2, 9, "a comma before '}': remove the trailing comma"],
    ['[\n  "a",\n  "b",\n]', 14, 3, 6, "a comma before ']': remove the trailing comma"],
    ['["é",\n 1,]', 8, 2, 3, "a comma before ']': remove the trailing comma"],
    ['["𝄞",]', 5, 1, 6, "a comma before ']': remove the trailing comma"],
    ["{'a': 1}", 1, 1, 2, "expected a key in double quotes, not '''"],
    ['{"a" 1}', 5, 1, 6, "expected ':' after a key, not '1'"],
    ['{"a": 01}', 7, 1, 8, 'a number with a leading zero'],
    ['{"a": NaN}', 6, 1, 7, `unexpected 'N': ${VALUE_EXPECTED}`],
    ['{"a": "x\ny"}', 8, 1, 9, 'a control character in a string: write it escaped (\\n, \\t, \\u0001)'],
    ['{"a": "\\x"}', 8, 1, 9, "a bad escape in a string: a backslash before 'x'"],
    ['{"a": "\\u12"}', 11, 1, 12, 'a bad \\u escape in a string: four hex digits expected'],
    ['{"a": "abc', 10, 1, 11, 'unexpected end of the input: the JSON is cut short'],
    ['{} {}', 3, 1, 4, "unexpected '{' after the JSON value"],
    ['{"a": 1} // note', 9, 1, 10, "unexpected '/' after the JSON value"],
    ['[1 2]', 3, 1, 4, "expected ',' or ']', not '2'"],
    ['{"a": -}', 7, 1, 8, "no digit after a minus sign, '}'"],
    ['{\n  "é𝄞": 1\n  "b": 2}', 15, 3, 3, "expected ',' or '}', not '\"'"],
    ['\ufeff{}', 0, 1, 1, 'a byte order mark (U+FEFF) before the JSON: save the file as UTF-8 without it'],
  ] as const)('refuses %j at %i (%i:%i)', (text, offset, line, column, message) => {
    expect(jsonSyntaxError(text)).toEqual({ offset, line, column, message });
  });

  it('gives the offset in the text past slices of its UTF-8', () => {
    const text = `[${'"é𝄞",'.repeat(300_000)}]`;
    expect(jsonSyntaxError(text)).toEqual({
      offset: text.length - 2,
      line: 1,
      column: text.length - 1,
      message: "a comma before ']': remove the trailing comma",
    });
  });

  it('refuses hostile nesting without overflowing the stack', () => {
    const deep = '['.repeat(1_000_000);
    expect(jsonSyntaxError(deep)?.message).toBe(
      `more than ${MAX_JSON_DEPTH} levels of nesting: no policy or Kubernetes object is that deep`,
    );
    const ok = '['.repeat(MAX_JSON_DEPTH) + ']'.repeat(MAX_JSON_DEPTH);
    expect(jsonSyntaxError(ok)).toBeUndefined();
  });
});
