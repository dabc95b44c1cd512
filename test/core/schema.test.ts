/**
 * Schema validation with lists of scalars checked item by item (src/core/schema-lists.ts): the
 * same problems, positions and messages as ajv gives when it checks the lists itself, and a limit
 * that keeps the first problems by position and counts the rest exactly.
 */
import { describe, expect, it } from 'vitest';
import { parseJsonTree } from '../../src/core/json-tree.js';
import type { JsonTree } from '../../src/core/json-tree.js';
import { validateDocument } from '../../src/core/schema.js';
import type { SchemaResult } from '../../src/core/schema.js';
import { takeOutScalarLists } from '../../src/core/schema-lists.js';

const SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    names: { type: ['array', 'null'], items: { type: 'string', minLength: 1 } },
    flags: { type: 'array', items: { enum: ['A', 'B'] } },
    codes: { type: 'array', items: { $ref: '#/definitions/code' } },
    either: { type: 'array', items: { type: ['string', 'null'] } },
    rules: {
      type: 'array',
      items: {
        type: 'object',
        required: ['action'],
        properties: { action: { type: 'string' }, names: { type: 'array', items: { type: 'string' } } },
      },
    },
    map: { type: 'object', additionalProperties: { type: 'array', items: { type: 'boolean' } } },
  },
  definitions: { code: { type: 'integer' } },
};

/** The same schema, but every list keeps a keyword that leaves it to ajv (uniqueItems: false). */
function withAjvLists(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withAjvLists);
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) out[key] = withAjvLists(value);
  if ('items' in out) out.uniqueItems = false;
  return out;
}
const AJV_SCHEMA = withAjvLists(SCHEMA) as Record<string, unknown>;

function treeOf(text: string): JsonTree {
  const parsed = parseJsonTree(text);
  if (!parsed.ok) throw new Error(parsed.error.message);
  return parsed.tree;
}

function shown(result: SchemaResult): string[] {
  return result.problems.map((p) => `${p.range?.start}-${p.range?.end} ${p.keyword}: ${p.message}`);
}

const CASES: [string, string][] = [
  ['valid', '{"names":["read"],"flags":["A"],"codes":[1],"either":[null,"x"],"map":{"a":[true]}}'],
  ['wrong types in a list', '{"names":["read",7,null,{"a":1},[2],true,"write"]}'],
  ['an empty name', '{"names":["", "read", ""]}'],
  ['a name of one astral character is long enough', '{"names":["\\ud83d\\ude00"]}'],
  ['a list given as null', '{"names":null}'],
  ['a list of the wrong type', '{"names":"read","flags":{"a":1}}'],
  ['enum items', '{"flags":["A","C",1,null]}'],
  ['items through $ref', '{"codes":[1,1.5,"2",1e400,-3]}'],
  ['union item types', '{"either":[null,"x",3,false]}'],
  ['lists inside a list of objects', '{"rules":[{"action":"a","names":["x",1]},{"names":[2]},{"action":1}]}'],
  ['lists under additionalProperties', '{"map":{"a":[true,1],"b":["no"]}}'],
  ['an unknown key between lists', '{"names":[1],"bogus":2,"flags":["Z"]}'],
];

describe('lists of scalars checked item by item', () => {
  it.each(CASES)('%s: the same problems as ajv gives', (_name, text) => {
    const tree = treeOf(text);
    const ours = validateDocument(SCHEMA, tree.value, tree);
    const ajv = validateDocument(AJV_SCHEMA, tree.value, tree);
    expect(shown(ours)).toEqual(shown(ajv));
    expect(ours.omitted).toBe(0);
  });

  it('takes the lists out and leaves the document as it was', () => {
    const document = JSON.parse(
      '{"names":[1],"rules":[{"action":"a","names":[2]}],"flags":["A"]}',
    ) as unknown;
    const before = JSON.stringify(document);
    const { document: rest, lists } = takeOutScalarLists(SCHEMA, document);
    expect(rest).toEqual({ names: [], rules: [{ action: 'a', names: [] }], flags: [] });
    expect(lists.map((list) => list.path)).toEqual([['names'], ['rules', 0, 'names'], ['flags']]);
    expect(JSON.stringify(document)).toBe(before);
  });

  it('leaves to ajv a list whose schema says more than its items', () => {
    const schema = {
      type: 'object',
      properties: { names: { type: 'array', minItems: 2, items: { type: 'string' } } },
    };
    const { lists } = takeOutScalarLists(schema, { names: ['a'] });
    expect(lists).toEqual([]);
    const tree = treeOf('{"names":["a"]}');
    expect(shown(validateDocument(schema, tree.value, tree))).toEqual([
      '9-14 minItems: "names" must NOT have fewer than 2 items',
    ]);
  });
});

describe('a limit on the problems made', () => {
  const many = `{"names":[${Array.from({ length: 5000 }, (_, i) => i).join(',')}]}`;

  it('keeps the first by position and counts the rest exactly', () => {
    const tree = treeOf(many);
    const all = validateDocument(SCHEMA, tree.value, tree);
    const capped = validateDocument(SCHEMA, tree.value, tree, 1000);
    expect(all.problems).toHaveLength(5000);
    expect(capped.problems).toEqual(all.problems.slice(0, 1000));
    expect(capped.omitted).toBe(4000);
    expect(capped.firstOmitted).toEqual(all.problems[1000]);
    expect(capped.firstOmitted?.message).toBe('"names.1000" must be string, not number 1000');
  });

  it.each([
    ['an error before the list', '{"bogus":1,"names":[1,2,3,4]}', ['1-8', '20-21'], '22-23', 3],
    ['an error after the list', '{"names":[1,2,3,4],"bogus":1}', ['10-11', '12-13'], '14-15', 3],
    ['errors of ajv only', '{"a":1,"b":2,"c":3}', ['1-4', '7-10'], '13-16', 1],
  ])('mixes the errors of ajv and of the lists by position: %s', (_name, text, kept, first, omitted) => {
    const tree = treeOf(text);
    const result = validateDocument(SCHEMA, tree.value, tree, 2);
    expect(result.problems.map((p) => `${p.range?.start}-${p.range?.end}`)).toEqual(kept);
    expect(`${result.firstOmitted?.range?.start}-${result.firstOmitted?.range?.end}`).toBe(first);
    expect(result.omitted).toBe(omitted);
  });
});
