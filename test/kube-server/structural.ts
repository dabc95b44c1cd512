/**
 * What the API server does with a custom resource against its version's structural schema, in
 * the order it does it: unknown fields pruned (unless `x-kubernetes-preserve-unknown-fields`),
 * defaults filled in, then the value validated (type, enum, pattern, bounds, required); a
 * violation is a cause of a 422 Invalid, with the field's path.
 */
import { isMap } from './fields.js';
import type { Json, JsonMap } from './fields.js';
import { textOf } from '../../src/core/text.js';

export type Cause = {
  reason:
    | 'FieldValueInvalid'
    | 'FieldValueNotSupported'
    | 'FieldValueRequired'
    | 'FieldValueTypeInvalid'
    | 'FieldValueTooMany';
  message: string;
  field: string;
};

const TYPE_OF = (value: Json): string =>
  value === null
    ? 'null'
    : Array.isArray(value)
      ? 'array'
      : Number.isInteger(value)
        ? 'integer'
        : typeof value;

function typeMatches(type: unknown, value: Json): boolean {
  if (type === undefined) return true;
  const actual = TYPE_OF(value);
  return actual === type || (type === 'number' && actual === 'integer');
}

function walk(value: Json, schema: JsonMap, path: string, causes: Cause[]): void {
  if (!typeMatches(schema.type, value)) {
    causes.push({
      reason: 'FieldValueTypeInvalid',
      message: `Invalid value: "${TYPE_OF(value)}": ${path} in body must be of type ${textOf(schema.type)}: "${TYPE_OF(value)}"`,
      field: path,
    });
    return;
  }
  if (Array.isArray(schema.enum) && !schema.enum.includes(value)) {
    causes.push({
      reason: 'FieldValueNotSupported',
      message: `Unsupported value: ${JSON.stringify(value)}: supported values: ${schema.enum.map((e) => JSON.stringify(e)).join(', ')}`,
      field: path,
    });
  }
  if (
    typeof value === 'string' &&
    typeof schema.pattern === 'string' &&
    !new RegExp(schema.pattern).test(value)
  ) {
    causes.push({
      reason: 'FieldValueInvalid',
      message: `Invalid value: ${JSON.stringify(value)}: ${path} in body should match '${schema.pattern}'`,
      field: path,
    });
  }
  if (typeof value === 'number' && typeof schema.minimum === 'number' && value < schema.minimum) {
    causes.push({
      reason: 'FieldValueInvalid',
      message: `Invalid value: ${value}: ${path} in body should be greater than or equal to ${schema.minimum}`,
      field: path,
    });
  }
  if (Array.isArray(value)) {
    if (typeof schema.maxItems === 'number' && value.length > schema.maxItems)
      causes.push({
        reason: 'FieldValueTooMany',
        message: `Too many: ${value.length}: must have at most ${schema.maxItems} items`,
        field: path,
      });
    if (typeof schema.minItems === 'number' && value.length < schema.minItems)
      causes.push({
        reason: 'FieldValueInvalid',
        message: `Invalid value: ${value.length}: ${path} in body should have at least ${schema.minItems} items`,
        field: path,
      });
    if (isMap(schema.items))
      value.forEach((item, i) => walk(item, schema.items as JsonMap, `${path}[${i}]`, causes));
    return;
  }
  if (!isMap(value)) return;
  for (const key of Array.isArray(schema.required) ? schema.required : [])
    if (typeof key === 'string' && value[key] === undefined)
      causes.push({ reason: 'FieldValueRequired', message: 'Required value', field: `${path}.${key}` });
  const properties = isMap(schema.properties) ? schema.properties : {};
  for (const [key, child] of Object.entries(value)) {
    const sub = properties[key];
    if (isMap(sub)) walk(child, sub, `${path}.${key}`, causes);
  }
}

/** Drops what the schema does not know and fills its defaults, in place. */
function pruneAndDefault(value: Json, schema: JsonMap): void {
  if (Array.isArray(value)) {
    if (isMap(schema.items)) for (const item of value) pruneAndDefault(item, schema.items);
    return;
  }
  if (!isMap(value) || schema['x-kubernetes-preserve-unknown-fields'] === true) return;
  const properties = isMap(schema.properties) ? schema.properties : {};
  for (const key of Object.keys(value)) {
    const sub = properties[key];
    if (!isMap(sub)) delete value[key];
    else pruneAndDefault(value[key] as Json, sub);
  }
  for (const [key, sub] of Object.entries(properties))
    if (isMap(sub) && sub.default !== undefined && value[key] === undefined)
      value[key] = structuredClone(sub.default);
}

/** Prunes, defaults and validates an object's spec (metadata is the server's own business). */
export function structural(object: JsonMap, schema: JsonMap): Cause[] {
  const properties = isMap(schema.properties) ? schema.properties : {};
  const causes: Cause[] = [];
  for (const key of Object.keys(object)) {
    if (['apiVersion', 'kind', 'metadata'].includes(key)) continue;
    const sub = properties[key];
    if (!isMap(sub)) {
      delete object[key];
      continue;
    }
    pruneAndDefault(object[key] as Json, sub);
    walk(object[key] as Json, sub, key, causes);
  }
  for (const key of Array.isArray(schema.required) ? schema.required : [])
    if (typeof key === 'string' && object[key] === undefined)
      causes.push({ reason: 'FieldValueRequired', message: 'Required value', field: key });
  return causes;
}
