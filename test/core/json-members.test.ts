import { describe, expect, it } from 'vitest';
import { JsonItemStream } from '../../src/core/json-lines.js';
import { ItemMembers } from '../../src/core/json-members.js';
import type { JsonItemMembers } from '../../src/core/json-members.js';

const PATHS = [
  'apiVersion',
  'kind',
  'metadata.name',
  'metadata.namespace',
  'metadata.ownerReferences',
  'spec.nodeName',
  'status',
];
const MEMBERS = new ItemMembers(PATHS);

const isMap = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** A member as the whole parse gives it. */
function walk(value: unknown, path: string): unknown {
  for (const key of path.split('.')) {
    if (!isMap(value) || !Object.hasOwn(value, key)) return undefined;
    value = value[key];
  }
  return value;
}

interface Seen {
  members: Record<string, unknown>;
  strings: Record<string, boolean>;
  located: boolean;
  value: unknown;
}

/** Each item's watched members, read during the call, pushing the bytes `size` at a time. */
function read(text: string, size: number): Seen[] {
  const seen: Seen[] = [];
  const stream = new JsonItemStream(
    (item) => {
      const members = item.members as JsonItemMembers;
      seen.push({
        members: Object.fromEntries(PATHS.map((p) => [p, members.member(MEMBERS.index(p))])),
        strings: Object.fromEntries(PATHS.map((p) => [p, members.isString(MEMBERS.index(p))])),
        located: members.located,
        value: item.value,
      });
    },
    undefined,
    MEMBERS,
  );
  const bytes = Buffer.from(text);
  // One buffer read again for each chunk, as a reader does.
  const buffer = Buffer.alloc(size);
  for (let at = 0; at < bytes.length; at += size) {
    const n = bytes.copy(buffer, 0, at, at + size);
    stream.push(buffer.subarray(0, n));
  }
  stream.end();
  return seen;
}

const POD =
  '{"apiVersion":"v1","kind":"Pod","metadata":{"labels":{"name":"not this"},"name":"web-1","namespace":"shop","ownerReferences":[{"kind":"ReplicaSet","name":"web","controller":true}]},"spec":{"containers":[{"name":"c","nodeName":"deeper"}],"nodeName":"node-1"},"status":{"phase":"Running"}}';

// [case, item, whether its members are read from their ranges (with the item whole in one chunk)]
const CASES: [string, string, boolean][] = [
  ['a pod as kubectl prints it', POD, true],
  ['pretty printed', JSON.stringify(JSON.parse(POD), null, 4), true],
  [
    'without ownerReferences, namespace or nodeName',
    '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{}}',
    true,
  ],
  [
    'several owners',
    '{"kind":"Pod","metadata":{"name":"p","ownerReferences":[{"kind":"A","name":"a"},{"kind":"B","name":"b","controller":true}]}}',
    true,
  ],
  ['a repeated kind: the last one', '{"kind":"Deployment","metadata":{"name":"p"},"kind":"Pod"}', false],
  [
    'a repeated metadata: the last one, whole',
    '{"kind":"Pod","metadata":{"name":"p","namespace":"a"},"metadata":{"name":"q"}}',
    false,
  ],
  ['a repeated name', '{"kind":"Pod","metadata":{"name":"p","name":"q"}}', false],
  ['a repeated key not watched', '{"kind":"Pod","x":1,"x":2,"metadata":{"uid":1,"uid":2,"name":"p"}}', true],
  ['an escaped key that is a watched one', '{"k\\u0069nd":"Pod","metadata":{"name":"p"}}', false],
  ['an escaped watched key in metadata', '{"kind":"Pod","metadata":{"n\\u0061me":"p"}}', false],
  [
    'an escaped key where nothing is watched',
    '{"kind":"Pod","metadata":{"name":"p","labels":{"\\u0061":"b"}}}',
    true,
  ],
  [
    'an escaped key in a member watched whole',
    '{"kind":"Pod","status":{"\\u0061":1},"metadata":{"name":"p"}}',
    true,
  ],
  [
    'escapes in values',
    '{"kind":"P\\u006fd","metadata":{"name":"p\\"\\\\\\u00e9\\n","namespace":"a\\/b"}}',
    true,
  ],
  [
    'unicode names',
    '{"kind":"Pod","metadata":{"name":"pöd-é-𝄞-日本","namespace":"ns-ü"},"spec":{"nodeName":"nöde"}}',
    true,
  ],
  ['a unicode key beside', '{"kind":"Pod","métadata":{"name":"x"},"metadata":{"name":"p"}}', true],
  ['metadata not a mapping', '{"kind":"Pod","metadata":["name","p"],"spec":"nodeName"}', true],
  [
    'a name two levels down only',
    '{"kind":"Pod","metadata":{"x":{"name":"deep"}},"spec":[{"nodeName":"n"}]}',
    true,
  ],
  [
    'numbers, literals and nested values as members',
    '{"kind":1e5,"apiVersion":-0.5,"metadata":{"name":null,"namespace":true,"ownerReferences":{"a":[1,{"b":2}]}},"spec":{"nodeName":123}}',
    true,
  ],
  ['an empty item', '{}', true],
  [
    'a nested List',
    '{"kind":"List","items":[{"kind":"Pod","metadata":{"name":"p"}}],"metadata":{"name":"l"}}',
    true,
  ],
  ['not a mapping', '[{"kind":"Pod","metadata":{"name":"p"}}]', true],
  ['a string', '"Pod"', true],
  ['a number', '7', true],
  ['null', 'null', true],
];

describe('JsonItemStream: the members of each item, parsed alone', () => {
  const text = `{"apiVersion": "v1", "kind": "List", "items": [\n${CASES.map(([, item]) => item).join(',\n')}\n], "metadata": {"name": "envelope"}}`;
  const items = (JSON.parse(text) as { items: unknown[] }).items;

  it.each(CASES.map((c, i) => [...c, i] as const))('%s', (_name, _item, located, index) => {
    const expected = items[index];
    for (const size of [1, 2, 3, 7, 64, 1 << 20]) {
      const seen = read(text, size)[index];
      expect(seen?.value, `chunks of ${size}`).toEqual(expected);
      for (const path of PATHS) {
        expect(seen?.members[path], `${path}, chunks of ${size}`).toEqual(walk(expected, path));
        expect(seen?.strings[path], `${path} a string, chunks of ${size}`).toBe(
          typeof walk(expected, path) === 'string',
        );
      }
      // Whole in one chunk, the ranges are used unless something made them uncertain.
      if (size === 1 << 20) expect(seen?.located).toBe(located);
    }
  });

  it('reads the items of a List without members as before: parsed whole, in order', () => {
    const plain: unknown[] = [];
    const stream = new JsonItemStream((item) => plain.push(item.value));
    stream.push(Buffer.from(text));
    expect(stream.end()).toEqual({
      apiVersion: 'v1',
      kind: 'List',
      items: [],
      metadata: { name: 'envelope' },
    });
    expect(plain).toEqual(items);
  });

  it('refuses member paths it cannot watch', () => {
    expect(() => new ItemMembers(['a.b.c'])).toThrow(/one or two keys/);
    expect(() => new ItemMembers(['a.'])).toThrow(/one or two keys/);
    expect(() => MEMBERS.index('metadata.uid')).toThrow(/not watched/);
  });
});
