import { describe, expect, it } from 'vitest';
import { JsonItemStream, JsonStreamError, jsonItemsOf } from '../../src/core/json-lines.js';
import type { JsonItem } from '../../src/core/json-lines.js';
import { ItemMembers } from '../../src/core/json-members.js';

/**
 * The same bytes pushed in chunks of `size` bytes, each read into the same buffer as a reader does:
 * items and root, or the error.
 */
function streamed(
  bytes: Uint8Array,
  size: number,
  members?: ItemMembers,
): { items: JsonItem[]; root: unknown } | JsonStreamError {
  const items: JsonItem[] = [];
  const stream = new JsonItemStream((item) => items.push(item), undefined, members);
  const buffer = Buffer.alloc(size);
  try {
    for (let at = 0; at < bytes.length; at += size) {
      const n = Buffer.from(bytes.subarray(at, at + size)).copy(buffer);
      stream.push(buffer.subarray(0, n));
    }
    return { items, root: stream.end() };
  } catch (error) {
    if (error instanceof JsonStreamError) return error;
    throw error;
  }
}

function whole(bytes: Uint8Array): { items: JsonItem[]; root: unknown } | JsonStreamError {
  try {
    return jsonItemsOf(bytes);
  } catch (error) {
    if (error instanceof JsonStreamError) return error;
    throw error;
  }
}

const errorOf = (e: JsonStreamError): object => ({
  message: e.message,
  offset: e.offset,
  line: e.line,
  column: e.column,
});
const shape = (r: ReturnType<typeof whole>): unknown =>
  r instanceof JsonStreamError ? errorOf(r) : { items: r.items, root: r.root };

/** Line and column of a string offset, as the whole text shows it. */
function position(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: (before.at(-1) ?? '').length + 1 };
}

const CHUNKS = [1, 2, 3, 7, 64, 1 << 20];
const WATCHED = new ItemMembers(['kind', 'metadata.name', 'a', 'a.b']);

describe('JsonItemStream: valid inputs', () => {
  const deep = `{"kind":"List","items":[${'['.repeat(150)}1${']'.repeat(150)}]}`;
  const huge = 'é'.repeat(300_000) + '\\n\\u00e9\\"' + '𝄞'.repeat(1000);
  it.each([
    [
      'kubectl layout',
      '{\n  "apiVersion": "v1",\n  "items": [\n    {\n      "a": 1\n    },\n    {\n      "b": "x]},{"\n    }\n  ],\n  "kind": "List"\n}\n',
      [
        [4, 5],
        [7, 5],
      ],
    ],
    [
      'one line, nested items keys left alone',
      '{"kind":"List","items":[{"a":{"items":[1,2]}},{"b":2},{}]}',
      [
        [1, 25],
        [1, 47],
        [1, 55],
      ],
    ],
    ['empty items', '{"items": [ ]}', []],
    [
      'scalars as items',
      '{"items":[1, -0.5e+3 ,"s",true,false,null, 0]}',
      [11, 14, 23, 27, 32, 38, 44].map((c) => [1, c]),
    ],
    ['no items: the root is the value', '{"kind":"Pod","spec":{"items":[{}]}}', []],
    [
      'escaped quotes in keys and values',
      '{"k\\"":"v\\\\","items":\n[\n{"x":"\\"]"}\n,\n{}]}',
      [
        [3, 1],
        [5, 1],
      ],
    ],
    ['not an object at the root', '[{"items":[{}]}]', []],
    ['a key that only starts like items', '{"itemsX":[1],"item":[2],"items":[3]}', [[1, 35]]],
    ['byte order mark', '\ufeff{"items":[{"a":"ü"}]}', [[1, 11]]],
    ['a string of 300,000 characters, escapes and astral characters', `{"items":["${huge}"]}`, [[1, 11]]],
    ['deep nesting within the limit', deep, [[1, 25]]],
    [
      'CRLF line ends',
      '{\r\n"items": [\r\n  {"a": "é"},\r\n  "ü𝄞"\r\n]\r\n}',
      [
        [3, 3],
        [4, 3],
      ],
    ],
    ['a bare number', ' 12 ', []],
  ])('%s', (_name, text, positions) => {
    const bytes = Buffer.from(text);
    const expected = whole(bytes);
    if (expected instanceof JsonStreamError) throw expected;
    const withoutBom = text.replace(/^\ufeff/, '');
    const parsed = JSON.parse(withoutBom) as { items?: unknown };
    expect(expected.items.map((i) => [i.line, i.column])).toEqual(positions);
    if (positions.length > 0) {
      expect(expected.items.map((i) => i.value)).toEqual(parsed.items);
      expect(expected.root).toEqual({ ...(parsed as object), items: [] });
      // Each item starts where its position says, in the text as a string.
      for (const item of expected.items) {
        const offset = Buffer.from(bytes.subarray(0, item.offset))
          .toString('utf8')
          .replace(/^\ufeff/, '').length;
        expect(position(withoutBom, offset)).toEqual({ line: item.line, column: item.column });
      }
    } else expect(expected.root).toEqual(parsed);
    for (const size of CHUNKS)
      expect(shape(streamed(bytes, size)), `chunks of ${size}`).toEqual(shape(expected));
  });
});

describe('JsonItemStream: broken inputs', () => {
  // [name, text, message, the position JSON.parse gives (string offset), when it gives one]
  it.each([
    ['truncated inside an item', '{"items":[{"a":1},{"b":', /cut short/, undefined],
    ['truncated inside a string', '{"items":[{"a":"abc', /cut short/, undefined],
    ['truncated inside a number', '{"items":[1', /cut short/, undefined],
    ['truncated after the items', '{"items":[{}]', /cut short/, undefined],
    ['empty', '', /empty input/, undefined],
    ['blanks only', ' \n ', /empty input/, undefined],
    ['a missing colon', '{"items" [1]}', /expected ':'/, 9],
    ['a missing comma', '{"items":[{"a":1 "b":2}]}', /expected ',' or '\}'/, 17],
    ['a trailing comma in an item', '{"items":[{"a":1,}]}', /a comma before '\}'/, undefined],
    ['a trailing comma in the items', '{"items":[{},]}', /a comma before '\]'/, undefined],
    [
      'a trailing comma on a later line',
      '{"items":[\n  {"a": 1},\n  {"b": 2},\n]}',
      /a comma before '\]'/,
      undefined,
    ],
    ['a wrong closer', '{"items":[{"a":[1}]}', /expected ',' or '\]'/, undefined],
    ['a bad escape', '{"items":[{"a":"\\q"}]}', /bad escape/, 17],
    ['a bad unicode escape', '{"items":[{"a":"\\u12G4"}]}', /\\u escape/, 20],
    ['a control character', '{"items":[{"a":"x\ny"}]}', /control character/, 17],
    ['a leading zero', '{"items":[01]}', /leading zero/, 11],
    ['a minus alone', '{"items":[-]}', /minus/, 11],
    ['a dot without digits', '{"items":[1.]}', /decimal point/, undefined],
    ['an exponent without digits', '{"items":[1e+]}', /exponent/, undefined],
    ['a misspelt literal', '{"items":[tru]}', /unexpected '\]'/, undefined],
    ['garbage after the root', '{"items":[]} x', /after the JSON value/, 13],
    ['garbage before the items', '{"a":tru,"items":[{}]}', /unexpected ','/, undefined],
    ['a second items key', '{"items":[1],"items":[2]}', /second "items"/, undefined],
    [
      'nesting past the limit',
      `{"items":[${'['.repeat(300)}${']'.repeat(300)}]}`,
      /levels of nesting/,
      undefined,
    ],
    ['an unquoted key on a later line', '{"items":[\n  {"a": 1},\n  {b: 2}\n]}', /expected a key/, 26],
  ])('%s', (_name, text, message, position_) => {
    const bytes = Buffer.from(text);
    const expected = whole(bytes);
    expect(expected).toBeInstanceOf(JsonStreamError);
    const error = expected as JsonStreamError;
    expect(error.message).toMatch(message);
    expect({ line: error.line, column: error.column }).toEqual(position(text, error.offset));
    // JSON.parse refuses it too, at the same place when it says where.
    let parseError: Error | undefined;
    try {
      JSON.parse(text);
    } catch (e) {
      parseError = e as Error;
    }
    if (!/levels of nesting|second "items"/.test(error.message)) expect(parseError).toBeDefined();
    // A trailing comma is shown at the comma, where JSON.parse names the closer after it.
    if (/trailing comma/.test(error.message)) expect(text.charAt(error.offset)).toBe(',');
    if (position_ !== undefined) {
      expect(error.offset).toBe(position_);
      expect(parseError?.message).toContain(`at position ${position_}`);
    }
    for (const size of CHUNKS) {
      expect(shape(streamed(bytes, size)), `chunks of ${size}`).toEqual(shape(expected));
      // Watching members (partial parsing) changes no check, message or position.
      expect(shape(streamed(bytes, size, WATCHED)), `watched, chunks of ${size}`).toEqual(shape(expected));
    }
  });

  it('says where invalid UTF-8 is, a character cut by a chunk boundary or not', () => {
    const good = Buffer.from('{"items":[{"a":"é€𝄞"}]}');
    for (const size of CHUNKS) expect(shape(streamed(good, size))).toEqual(shape(whole(good)));
    for (const [bad, at] of [
      [
        Buffer.concat([Buffer.from('{"items":[\n {"a":"é'), Buffer.from([0xe2, 0x28]), Buffer.from('"}]}')]),
        20,
      ],
      [
        Buffer.concat([
          Buffer.from('{"items":[{"a":"'),
          Buffer.from([0xed, 0xa0, 0x80]),
          Buffer.from('"}]}'),
        ]),
        16,
      ],
      [Buffer.concat([Buffer.from('{"items":[{"a":"'), Buffer.from([0xff]), Buffer.from('"}]}')]), 16],
      [Buffer.concat([Buffer.from('{"items":[{"a":"'), Buffer.from([0xf0, 0x9d])]), 18],
    ] as const) {
      const error = whole(bad);
      expect(error).toBeInstanceOf(JsonStreamError);
      expect((error as JsonStreamError).offset, bad.toString('hex')).toBe(at);
      if (!/cut short/.test((error as JsonStreamError).message))
        expect((error as JsonStreamError).message).toMatch(/invalid UTF-8/);
      for (const size of CHUNKS) expect(shape(streamed(bad, size))).toEqual(shape(error));
    }
  });

  it('refuses an item over the limit at the item, before it is all read', () => {
    const items: JsonItem[] = [];
    const stream = new JsonItemStream((item) => items.push(item), 1000);
    stream.push(Buffer.from('{"items":[{"a":1},\n {"b":"'));
    expect(() => stream.push(Buffer.from('x'.repeat(2000)))).toThrow(
      expect.objectContaining({ line: 2, column: 2, message: expect.stringMatching(/over/) }),
    );
    expect(items.map((i) => i.value)).toEqual([{ a: 1 }]);
  });
});
