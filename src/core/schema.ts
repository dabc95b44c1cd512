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
import { checkScalarList, deref, takeOutScalarLists } from './schema-lists.js';
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
  let node = deref(root, root);
  for (const step of path) {
    if (!node) return undefined;
    if (typeof step === 'number') node = deref(root, node.items);
    else {
      const props = node.properties as Record<string, JsonSchema> | undefined;
      node = deref(
        root,
        props?.[step] ??
          (typeof node.additionalProperties === 'object' ? node.additionalProperties : undefined),
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

export interface SchemaResult {
  /** The first problems by position, at most the limit asked for, sorted by position. */
  problems: SchemaProblem[];
  /** How many problems there are beyond them (exactly), and the first of those by position. */
  omitted: number;
  firstOmitted?: SchemaProblem;
}

/** A problem found, its message made only if it is kept. */
interface Candidate {
  error: ErrorObject;
  range: Range | undefined;
  value: unknown;
  /** The order found in, which breaks ties of position. */
  seq: number;
}

const before = (a: Candidate, b: Candidate): number =>
  (a.range?.start ?? 0) - (b.range?.start ?? 0) || a.seq - b.seq;

/**
 * The first `limit` candidates by position (ties in the order found), and a count of the rest:
 * a profile of 750,000 bad names keeps 1,000 of them, not 750,000 messages.
 */
class FirstByPosition {
  private kept: Candidate[] = [];
  /** Where the last kept candidate started at the last trim: nothing from there on is kept. */
  private bound: number | undefined;
  private seq = 0;
  omitted = 0;
  firstOmitted: Candidate | undefined;

  constructor(private readonly limit: number) {}

  add(candidate: Omit<Candidate, 'seq'>): void {
    this.kept.push({ ...candidate, seq: this.seq++ });
    if (this.kept.length >= 2 * this.limit + 64) this.trim();
  }

  /** Whether a candidate starting at `start` may be kept; when not, `skip` counts it instead. */
  mayKeep(start: number): boolean {
    return this.bound === undefined || start < this.bound;
  }

  /** Counts a candidate mayKeep refused; it is made only if it is the first omitted one. */
  skip(start: number, make: () => Omit<Candidate, 'seq'>): void {
    const seq = this.seq++;
    this.omitted++;
    const first = this.firstOmitted;
    if (!first || start < (first.range?.start ?? 0)) this.firstOmitted = { ...make(), seq };
  }

  private trim(): void {
    this.kept.sort(before);
    if (this.kept.length < this.limit) return;
    this.bound = this.kept[this.limit - 1]?.range?.start ?? 0;
    const dropped = this.kept.splice(this.limit);
    this.omitted += dropped.length;
    const first = dropped[0];
    if (first && (!this.firstOmitted || before(first, this.firstOmitted) < 0)) this.firstOmitted = first;
  }

  done(): Candidate[] {
    this.trim();
    return this.kept;
  }
}

/** The range of each item of the list at `path`, the list looked up once. */
function rangesOfItems(
  root: YamlNode | JsonTree | null,
  path: readonly (string | number)[],
): (index: number) => Range | undefined {
  if (!(root instanceof JsonTree)) return (index) => rangeAt(root, [...path, index], false);
  const tree = root;
  let list: number | undefined | null = null;
  return (index) => {
    // Looked up at the first error: a list without one costs nothing here.
    if (list === null) list = tree.nodeAt(path);
    const item = tree.item(list, index);
    return item === undefined ? tree.rangeAt([...path, index]) : tree.range(item);
  };
}

/**
 * Validates a document; problems are sorted by position and free of ajv's noise. The positions
 * come from the document's YAML nodes or its JSON tree. Only the first `limit` problems are made;
 * the rest are counted.
 */
export function validateDocument(
  schema: JsonSchema,
  document: unknown,
  root: YamlNode | JsonTree | null,
  limit = Number.POSITIVE_INFINITY,
): SchemaResult {
  const validate = validatorFor(schema);
  const { document: rest, lists } = takeOutScalarLists(schema, document);
  const valid = validate(rest);
  if (valid && lists.length === 0) return { problems: [], omitted: 0 };
  const rangeOf = (path: (string | number)[], keyRange: boolean): Range | undefined =>
    root instanceof JsonTree ? root.rangeAt(path, keyRange) : rangeAt(root, path, keyRange);
  const first = new FirstByPosition(limit);
  const seen = new Set<string>();
  for (const error of valid ? [] : (validate.errors ?? [])) {
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
    const value = valueAt(document, pointerPath(error.instancePath));
    const dedupe = `${error.instancePath}|${messageFor(schema, error, value)}`;
    if (seen.has(dedupe)) continue;
    seen.add(dedupe);
    first.add({ error, range: rangeOf(path, keyRange), value });
  }
  for (const list of lists) {
    const itemRange = rangesOfItems(root, list.path);
    checkScalarList(list, (index, make) => {
      const range = itemRange(index);
      const candidate = (): Omit<Candidate, 'seq'> => ({
        error: make(),
        range,
        value: list.items[index],
      });
      // Past the limit an item's error is only counted: nothing is made for it.
      if (first.mayKeep(range?.start ?? 0)) first.add(candidate());
      else first.skip(range?.start ?? 0, candidate);
    });
  }
  const problem = (candidate: Candidate): SchemaProblem => ({
    range: candidate.range,
    message: messageFor(schema, candidate.error, candidate.value),
    pointer: candidate.error.instancePath,
    keyword: candidate.error.keyword,
  });
  const problems = first.done().map(problem);
  return {
    problems,
    omitted: first.omitted,
    ...(first.firstOmitted ? { firstOmitted: problem(first.firstOmitted) } : {}),
  };
}

/** Every problem of a document (validateDocument without a limit). */
export function validateAgainstSchema(
  schema: JsonSchema,
  document: unknown,
  root: YamlNode | JsonTree | null,
): SchemaProblem[] {
  return validateDocument(schema, document, root).problems;
}
