/**
 * Lists of scalars (a seccomp profile's `names`, `architectures`, `caps`...) are checked here,
 * item by item, instead of by ajv. With allErrors, ajv keeps an error object for every bad item
 * before any cap applies: 750,000 names of the wrong type peaked at 719 MB. Here each item's error
 * is handed on as it is found and kept only if the caller keeps it.
 *
 * Only lists whose schema and item schema use the few keywords below are taken out of the
 * document ajv sees; anything else stays with ajv, which remains the judge of every other value.
 */
import type { ErrorObject } from 'ajv';

type JsonSchema = Record<string, unknown>;

/**
 * Keywords of a list's schema checked here: those that depend on each item alone, and uniqueItems,
 * which ajv checks by comparing every pair of items when the item schema's type is not written
 * beside `items` (a `$ref`): 100,000 capabilities in an 8 KB-per-line policy took 13 s.
 */
const LIST_KEYWORDS = new Set(['type', 'items', 'description', 'title', 'uniqueItems']);
/** Keywords of an item's schema checked here, exactly as ajv does. */
const ITEM_KEYWORDS = new Set(['type', 'minLength', 'pattern', 'enum', 'description', 'title']);
/** Keywords of an object's schema under which a list may be taken out without changing ajv's verdict. */
const WALK_KEYWORDS = new Set([
  '$schema',
  '$id',
  '$ref',
  'title',
  'description',
  'type',
  'properties',
  'additionalProperties',
  'required',
  'items',
  'definitions',
  // Counts of keys, and of the items of a list of objects: a list inside stays where it is.
  'minProperties',
  'maxProperties',
  'minItems',
  'maxItems',
]);
const SCALAR_TYPES = new Set(['string', 'number', 'integer', 'boolean', 'null']);

/** A list taken out of the document, to be checked item by item. */
export interface ScalarList {
  path: (string | number)[];
  items: unknown[];
  schema: JsonSchema;
  /**
   * uniqueItems, and which duplicate ajv names: with the item types written beside `items` it
   * looks from the end for an item that comes again later ('typed'), else for the last item that
   * equals an earlier one ('pairs').
   */
  unique?: 'typed' | 'pairs';
}

/** Follows local `$ref`s (`#/definitions/...`). */
export function deref(root: JsonSchema, node: unknown): JsonSchema | undefined {
  let current = node as JsonSchema | undefined;
  for (let guard = 0; current && typeof current.$ref === 'string' && guard < 16; guard++) {
    const ref = current.$ref;
    if (!ref.startsWith('#/')) return current;
    let target: unknown = root;
    for (const part of ref.slice(2).split('/'))
      target = (target as Record<string, unknown> | undefined)?.[part];
    current = target as JsonSchema | undefined;
  }
  return current;
}

const only = (schema: JsonSchema, allowed: ReadonlySet<string>): boolean =>
  Object.keys(schema).every((key) => allowed.has(key));

function isItemSchema(schema: JsonSchema | undefined): schema is JsonSchema {
  if (!schema || !only(schema, ITEM_KEYWORDS)) return false;
  const types = schema.type === undefined ? [] : [schema.type].flat();
  const scalars = schema.enum === undefined ? [] : schema.enum;
  return (
    (schema.pattern === undefined || typeof schema.pattern === 'string') &&
    types.every((type) => typeof type === 'string' && SCALAR_TYPES.has(type)) &&
    Array.isArray(scalars) &&
    scalars.every((value) => value === null || typeof value !== 'object')
  );
}

/**
 * The document with its lists of scalars replaced by empty lists (copies made only along their
 * paths; the document itself is left as it is), and those lists.
 */
export function takeOutScalarLists(
  root: JsonSchema,
  document: unknown,
): { document: unknown; lists: ScalarList[] } {
  const lists: ScalarList[] = [];
  const walk = (value: unknown, node: unknown, path: (string | number)[]): unknown => {
    const schema = deref(root, node);
    if (!schema || value === null || typeof value !== 'object') return value;
    if (Array.isArray(value)) {
      const itemNode = schema.items;
      if (itemNode === null || typeof itemNode !== 'object' || Array.isArray(itemNode)) return value;
      const items = deref(root, itemNode);
      if (only(schema, LIST_KEYWORDS) && isItemSchema(items)) {
        const list: ScalarList = { path, items: value, schema: items };
        if (schema.uniqueItems === true)
          list.unique = typesOf(itemNode as JsonSchema).length > 0 ? 'typed' : 'pairs';
        lists.push(list);
        return [];
      }
      if (!only(schema, WALK_KEYWORDS)) return value;
      let copy: unknown[] | undefined;
      for (let i = 0; i < value.length; i++) {
        const item: unknown = value[i];
        const walked = walk(item, itemNode, [...path, i]);
        if (walked !== item) (copy ??= value.slice())[i] = walked;
      }
      return copy ?? value;
    }
    if (!only(schema, WALK_KEYWORDS)) return value;
    const properties = schema.properties as Record<string, unknown> | undefined;
    const additional = schema.additionalProperties;
    let copy: Record<string, unknown> | undefined;
    for (const [key, member] of Object.entries(value as Record<string, unknown>)) {
      const sub =
        properties && Object.hasOwn(properties, key)
          ? properties[key]
          : typeof additional === 'object'
            ? additional
            : undefined;
      if (sub === undefined) continue;
      const walked = walk(member, sub, [...path, key]);
      if (walked !== member) (copy ??= { ...(value as Record<string, unknown>) })[key] = walked;
    }
    return copy ?? value;
  };
  return { document: walk(document, root, []), lists };
}

/** The types a schema writes itself (not through `$ref`), as ajv reads them for uniqueItems. */
const typesOf = (schema: JsonSchema): string[] =>
  schema.type === undefined ? [] : ([schema.type].flat() as string[]);

/**
 * The duplicate ajv reports for uniqueItems on a list of scalars, as `{i, j}`, or undefined. In
 * one pass with a map, where ajv's comparison of every pair costs the square of the length; the
 * equality is ajv's for scalars (NaN equals NaN, 0 equals -0), as a Map's keys compare.
 */
function duplicate(
  items: readonly unknown[],
  how: 'typed' | 'pairs',
  types: string[],
): { i: number; j: number } | undefined {
  const seen = new Map<unknown, number>();
  if (how === 'pairs') {
    let found: { i: number; j: number } | undefined;
    for (let i = 0; i < items.length; i++) {
      const j = seen.get(items[i]);
      if (j !== undefined) found = { i, j };
      seen.set(items[i], i);
    }
    return found;
  }
  // ajv keys an object by each item, skipping items of another type; with several types a string
  // gets a suffix, so that "1" and 1 differ while 1 and 1.0 do not.
  for (let i = items.length - 1; i >= 0; i--) {
    const item = items[i];
    if (!types.some((type) => hasType(item, type))) continue;
    const key = typeof item === 'string' && types.length > 1 ? `${item}_` : String(item);
    const j = seen.get(key);
    if (j !== undefined) return { i, j };
    seen.set(key, i);
  }
  return undefined;
}

function hasType(value: unknown, type: string): boolean {
  switch (type) {
    case 'null':
      return value === null;
    case 'integer':
      // ajv's test: a JSON number too large for a double (1e400) reads as Infinity, an integer.
      return typeof value === 'number' && !(value % 1) && !Number.isNaN(value);
    default:
      return typeof value === type;
  }
}

/** Characters as ajv counts them for minLength: code points. */
function codePoints(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    count++;
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
  }
  return count;
}

/**
 * The errors ajv would give, in its order, for each item of a list, each handed to `error` with
 * the item's index (-1 for the list's own, uniqueItems) and a way to make it: nothing is made or
 * kept here unless asked for.
 */
export function checkScalarList(
  list: ScalarList,
  error: (index: number, make: () => ErrorObject) => void,
): void {
  const { schema, items } = list;
  const base = list.path.map((step) => `/${String(step).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
  const types = schema.type === undefined ? undefined : ([schema.type].flat() as string[]);
  const minLength = typeof schema.minLength === 'number' ? schema.minLength : undefined;
  const allowed = Array.isArray(schema.enum) ? (schema.enum as unknown[]) : undefined;
  // As ajv compiles it (unicodeRegExp): with the u flag.
  const pattern = typeof schema.pattern === 'string' ? new RegExp(schema.pattern, 'u') : undefined;
  const maker =
    (index: number, keyword: string, params: Record<string, unknown>, message: string) =>
    (): ErrorObject => ({
      instancePath: `${base}/${index}`,
      schemaPath: `#/items/${keyword}`,
      keyword,
      params,
      message,
    });
  // Index -1: an error of the list itself.
  const pair =
    list.unique && items.length > 1 ? duplicate(items, list.unique, typesOf(list.schema)) : undefined;
  if (pair)
    error(-1, () => ({
      instancePath: base,
      schemaPath: '#/uniqueItems',
      keyword: 'uniqueItems',
      params: pair,
      message: `must NOT have duplicate items (items ## ${pair.j} and ${pair.i} are identical)`,
    }));
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    // Plain loops, no closure per item: a list may hold 750,000 of them.
    let typed = types === undefined;
    for (let t = 0; !typed && t < (types as string[]).length; t++)
      typed = hasType(item, (types as string[])[t] as string);
    let listed = allowed === undefined;
    for (let a = 0; !listed && a < (allowed as unknown[]).length; a++)
      listed = (allowed as unknown[])[a] === item;
    if (!typed && types) {
      error(i, maker(i, 'type', { type: types.join(',') }, `must be ${types.join(',')}`));
    } else if (typeof item === 'string') {
      if (minLength !== undefined && codePoints(item) < minLength)
        error(
          i,
          maker(i, 'minLength', { limit: minLength }, `must NOT have fewer than ${minLength} characters`),
        );
      if (pattern !== undefined && !pattern.test(item))
        error(
          i,
          maker(i, 'pattern', { pattern: schema.pattern }, `must match pattern "${String(schema.pattern)}"`),
        );
    }
    // Enum values here are scalars: ajv's deep equality is identity.
    if (!listed && allowed) {
      error(i, maker(i, 'enum', { allowedValues: allowed }, 'must be equal to one of the allowed values'));
    }
  }
}
