/**
 * JSON-schema validation of a positioned YAML or JSON document with ajv, every error mapped to the
 * exact key or value it is about, with "did you mean" for misspelt keys. Shared by the
 * configuration and every language whose files have a schema.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Ajv, ErrorObject, ValidateFunction } from 'ajv';
import { didYouMeanSuffix } from './did-you-mean.js';
import { schemaKey } from './schema-key.js';
import type { Range } from './diagnostic.js';
import { JsonTree } from './json-tree.js';
import { rangeAt } from './yaml.js';
import type { YamlNode } from './yaml.js';
import { textOf } from './text.js';

export interface SchemaProblem {
  range: Range | undefined;
  message: string;
  /** The JSON pointer of the value at fault (`/targets/0/mode`). */
  pointer: string;
  keyword: string;
}

type JsonSchema = Record<string, unknown>;

const require = createRequire(import.meta.url);
const compiled = new WeakMap<object, ValidateFunction>();
let ajv: Ajv | undefined;

/** dist/validators/ of the build (see scripts/build-validators.mjs). */
function precompiledDir(): string | undefined {
  let dir = fileURLToPath(new URL('.', import.meta.url));
  for (let i = 0; i < 5; i++) {
    const candidate = join(dir, 'dist', 'validators');
    if (existsSync(candidate)) return candidate;
    dir = join(dir, '..');
  }
  return undefined;
}

function validatorFor(schema: JsonSchema): ValidateFunction {
  let validate = compiled.get(schema);
  if (validate) return validate;
  // A validator precompiled at build time from this very schema (same content hash) spares
  // loading and compiling ajv; otherwise compile now.
  const hash = schemaKey(schema);
  const dir = precompiledDir();
  const file = dir === undefined ? undefined : join(dir, `${hash}.cjs`);
  if (file !== undefined && existsSync(file)) {
    validate = require(file) as ValidateFunction;
  } else {
    const { Ajv: AjvClass } = require('ajv') as { Ajv: typeof Ajv };
    ajv ??= new AjvClass({ allErrors: true, strict: false, allowUnionTypes: true });
    validate = ajv.compile(schema);
  }
  compiled.set(schema, validate);
  return validate;
}

/** The subschema that describes the value at an instance path (following $ref, properties, items). */
function schemaAt(root: JsonSchema, path: readonly (string | number)[]): JsonSchema | undefined {
  const deref = (node: JsonSchema | undefined): JsonSchema | undefined => {
    let current = node;
    for (let guard = 0; current && typeof current.$ref === 'string' && guard < 16; guard++) {
      const ref = current.$ref;
      if (!ref.startsWith('#/')) return current;
      let target: unknown = root;
      for (const part of ref.slice(2).split('/'))
        target = (target as Record<string, unknown> | undefined)?.[part];
      current = target as JsonSchema | undefined;
    }
    return current;
  };
  let node = deref(root);
  for (const step of path) {
    if (!node) return undefined;
    if (typeof step === 'number') node = deref(node.items as JsonSchema | undefined);
    else {
      const props = node.properties as Record<string, JsonSchema> | undefined;
      node = deref(
        props?.[step] ??
          (typeof node.additionalProperties === 'object'
            ? (node.additionalProperties as JsonSchema)
            : undefined),
      );
    }
  }
  return node;
}

function pointerPath(pointer: string): (string | number)[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((part) => (/^\d+$/.test(part) ? Number(part) : part));
}

/** The property names the schema allows where a key was unknown, for "did you mean". */
function knownProperties(root: JsonSchema, error: ErrorObject): string[] {
  const props = schemaAt(root, pointerPath(error.instancePath))?.properties;
  return props && typeof props === 'object' ? Object.keys(props) : [];
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `${typeof value} ${JSON.stringify(value)}`;
}

function messageFor(root: JsonSchema, error: ErrorObject, value: unknown): string {
  const where = error.instancePath === '' ? 'the document' : `"${pointerPath(error.instancePath).join('.')}"`;
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      return `unknown key "${key}" in ${where}${didYouMeanSuffix(key, knownProperties(root, error))}`;
    }
    case 'required':
      return `${where} is missing the required key "${String(params.missingProperty)}"`;
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).map((v) => JSON.stringify(v));
      const suffix =
        typeof value === 'string'
          ? didYouMeanSuffix(value, (params.allowedValues as unknown[]).map(String))
          : '';
      return `${where} must be one of ${allowed.join(', ')}, not ${describeValue(value)}${suffix}`;
    }
    case 'const':
      return `${where} must be ${JSON.stringify(params.allowedValue)}, not ${describeValue(value)}`;
    case 'type':
      return `${where} must be ${String(params.type).replace(',', ' or ')}, not ${describeValue(value)}`;
    case 'propertyNames':
      return `invalid key "${String(params.propertyName)}" in ${where}`;
    default:
      return `${where} ${error.message ?? 'is invalid'}`;
  }
}

function valueAt(document: unknown, path: readonly (string | number)[]): unknown {
  let current = document;
  for (const step of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string | number, unknown>)[step];
  }
  return current;
}

/**
 * Validates a document; problems are sorted by position and free of ajv's noise. The positions
 * come from the document's YAML nodes or its JSON tree.
 */
export function validateAgainstSchema(
  schema: JsonSchema,
  document: unknown,
  root: YamlNode | JsonTree | null,
): SchemaProblem[] {
  const validate = validatorFor(schema);
  if (validate(document)) return [];
  const problems: SchemaProblem[] = [];
  const seen = new Set<string>();
  for (const error of validate.errors ?? []) {
    // A propertyNames failure is reported again as a generic error on the same key: keep one.
    if (error.keyword === 'if' || error.keyword === 'anyOf' || error.keyword === 'oneOf') continue;
    // Errors inside propertyNames are reported once, by the propertyNames error itself.
    if (error.propertyName !== undefined && error.keyword !== 'propertyNames') continue;
    let path = pointerPath(error.instancePath);
    let keyRange = false;
    const params = error.params as Record<string, unknown>;
    if (error.keyword === 'additionalProperties') {
      path = [...path, String(params.additionalProperty)];
      keyRange = true;
    } else if (error.keyword === 'propertyNames' && params.propertyName !== undefined) {
      path = [...path, textOf(params.propertyName)];
      keyRange = true;
    }
    const message = messageFor(schema, error, valueAt(document, pointerPath(error.instancePath)));
    const dedupe = `${error.instancePath}|${message}`;
    if (seen.has(dedupe)) continue;
    seen.add(dedupe);
    problems.push({
      range: root instanceof JsonTree ? root.rangeAt(path, keyRange) : rangeAt(root, path, keyRange),
      message,
      pointer: error.instancePath,
      keyword: error.keyword,
    });
  }
  return problems.sort((a, b) => (a.range?.start ?? 0) - (b.range?.start ?? 0));
}
