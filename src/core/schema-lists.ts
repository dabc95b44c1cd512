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

/** Keywords of a list's schema that depend on nothing but each item alone. */
const LIST_KEYWORDS = new Set(['type', 'items', 'description', 'title']);
/** Keywords of an item's schema checked here, exactly as ajv does. */
const ITEM_KEYWORDS = new Set(['type', 'minLength', 'enum', 'description', 'title']);
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
]);
const SCALAR_TYPES = new Set(['string', 'number', 'integer', 'boolean', 'null']);

/** A list taken out of the document, to be checked item by item. */
export interface ScalarList {
  path: (string | number)[];
  items: unknown[];
  schema: JsonSchema;
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
    if (!schema || value === null || typeof value !== 'object' || !only(schema, WALK_KEYWORDS)) return value;
    if (Array.isArray(value)) {
      const itemNode = schema.items;
      if (itemNode === null || typeof itemNode !== 'object' || Array.isArray(itemNode)) return value;
      const items = deref(root, itemNode);
      if (only(schema, LIST_KEYWORDS) && isItemSchema(items)) {
        lists.push({ path, items: value, schema: items });
        return [];
      }
      let copy: unknown[] | undefined;
      for (let i = 0; i < value.length; i++) {
        const item: unknown = value[i];
        const walked = walk(item, itemNode, [...path, i]);
        if (walked !== item) (copy ??= value.slice())[i] = walked;
      }
      return copy ?? value;
    }
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
 * the item's index and a way to make it: nothing is made or kept here unless asked for.
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
  const maker =
    (index: number, keyword: string, params: Record<string, unknown>, message: string) =>
    (): ErrorObject => ({
      instancePath: `${base}/${index}`,
      schemaPath: `#/items/${keyword}`,
      keyword,
      params,
      message,
    });
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
    } else if (minLength !== undefined && typeof item === 'string' && codePoints(item) < minLength) {
      error(
        i,
        maker(i, 'minLength', { limit: minLength }, `must NOT have fewer than ${minLength} characters`),
      );
    }
    // Enum values here are scalars: ajv's deep equality is identity.
    if (!listed && allowed) {
      error(i, maker(i, 'enum', { allowedValues: allowed }, 'must be equal to one of the allowed values'));
    }
  }
}
