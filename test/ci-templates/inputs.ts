/**
 * GitLab's `spec:inputs` and `$[[ inputs.* ]]` interpolation, written after GitLab's documentation
 * and its behaviour (lib/gitlab/ci/config/interpolation): the header's input specs, the values an
 * `include:inputs` passes (types string, number, boolean and array; `options`; `regex`; required
 * inputs; unknown inputs), then a walk over every key and value of the content that replaces each
 * interpolation block. A block that is a whole value keeps the input's type; a block inside a longer
 * string is converted to text. Errors are collected, and reported as GitLab does: the first three,
 * joined by ", ".
 */
import { YAML11_SCHEMA, defineSequenceTag, loadAll } from 'js-yaml';
import { textOf } from '../../src/core/text.js';

type InputType = 'string' | 'number' | 'boolean' | 'array';
const INPUT_TYPES: readonly InputType[] = ['array', 'boolean', 'number', 'string'];

export interface InputSpec {
  name: string;
  type: InputType;
  /** Absent when the input is required. */
  default?: unknown;
  hasDefault: boolean;
  description?: string;
  options?: unknown[];
  regex?: string;
}

export interface CiFile {
  /** The header document (`spec:`), when the file has one. */
  header: Record<string, unknown> | undefined;
  /** The configuration (the second document, or the only one). */
  content: Record<string, unknown>;
}

export type Result<T> = { ok: true; value: T } | { ok: false; errors: string[] };

/** GitLab's YAML tag for reusing sections: `!reference [job, script]`. */
interface Reference {
  '!reference': unknown[];
}

const referenceTag = defineSequenceTag<unknown[], Reference>('!reference', {
  create: () => [],
  addItem: (carrier, item) => {
    carrier.push(item);
  },
  finalize: (carrier) => ({ '!reference': carrier }),
  identify: () => false,
});

/** GitLab reads CI files with Psych: YAML 1.1 scalars (`on` and `yes` are booleans), plus `!reference`. */
const CI_SCHEMA = YAML11_SCHEMA.withTags(referenceTag);

const MAX_BLOCKS = 10_000;
const MAX_FUNCTIONS = 3;
const MAX_ACCESS_BYTES = 1024;
const MAX_NODE_BYTES = 1024 * 1024;
const MAX_NODES = 500_000;
const BLOCK = /\$\[\[\s*(\S.*?\S)\s*\]\]/g;
const SPEC_KEYS = new Set(['type', 'default', 'description', 'options', 'regex', 'rules']);

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Splits a CI file into its header and content, as GitLab's YAML loader does. */
export function loadCiFile(text: string, name: string): Result<CiFile> {
  let documents: unknown[];
  try {
    documents = loadAll(text, { schema: CI_SCHEMA, filename: name, maxAliases: 1000 });
  } catch (error) {
    return { ok: false, errors: [`${name}: ${(error as Error).message.split('\n')[0]}`] };
  }
  const first = documents[0];
  const hasHeader = documents.length > 1 && isPlainObject(first) && 'spec' in first;
  if (documents.length > 2 || (documents.length === 2 && !hasHeader))
    return {
      ok: false,
      errors: [`${name}: a CI file holds a header document and its configuration, no more`],
    };
  const content = hasHeader ? documents[1] : first;
  if (content !== undefined && content !== null && !isPlainObject(content))
    return { ok: false, errors: [`${name}: Invalid configuration format`] };
  return {
    ok: true,
    value: {
      header: hasHeader ? (first) : undefined,
      content: (content ?? {}),
    },
  };
}

/** The input specifications of a header, checked as GitLab's header entry checks them. */
export function inputSpecs(header: Record<string, unknown> | undefined): Result<InputSpec[]> {
  if (!header) return { ok: true, value: [] };
  const errors: string[] = [];
  const spec = header.spec;
  if (!isPlainObject(spec)) return { ok: false, errors: ['header:spec config should be a hash'] };
  for (const key of Object.keys(spec))
    if (key !== 'inputs' && key !== 'component')
      errors.push(`header:spec config contains unknown keys: ${key}`);
  const inputs = spec.inputs ?? {};
  if (!isPlainObject(inputs)) return { ok: false, errors: ['header:spec:inputs config should be a hash'] };
  const specs: InputSpec[] = [];
  for (const [name, raw] of Object.entries(inputs)) {
    const where = `header:spec:inputs:${name}`;
    if (raw !== null && !isPlainObject(raw)) {
      errors.push(`${where} config should be a hash`);
      continue;
    }
    const body = raw ?? {};
    const unknown = Object.keys(body).filter((key) => !SPEC_KEYS.has(key));
    if (unknown.length > 0) errors.push(`${where} config contains unknown keys: ${unknown.join(', ')}`);
    const type = body.type ?? 'string';
    if (!INPUT_TYPES.includes(type as InputType)) {
      errors.push(`unknown input specification for \`${name}\` (valid types: ${INPUT_TYPES.join(', ')})`);
      continue;
    }
    if (
      body.description !== undefined &&
      (typeof body.description !== 'string' || body.description.length > 1024)
    )
      errors.push(`${where} description should be a string of at most 1024 characters`);
    if (body.options !== undefined && (!Array.isArray(body.options) || body.options.length > 50))
      errors.push(`${where} options should be an array of at most 50 values`);
    if (body.regex !== undefined && typeof body.regex !== 'string')
      errors.push(`${where} regex should be a string`);
    if (body.rules !== undefined) errors.push(`${where}: conditional input rules are not modelled here`);
    const entry: InputSpec = { name, type: type as InputType, hasDefault: 'default' in body };
    if ('default' in body) entry.default = body.default;
    if (typeof body.description === 'string') entry.description = body.description;
    if (Array.isArray(body.options)) entry.options = body.options;
    if (typeof body.regex === 'string') entry.regex = body.regex;
    specs.push(entry);
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, value: specs };
}

/** Values given as text to a number, boolean or array input are read as JSON, as GitLab does. */
function coerce(type: InputType, value: unknown): unknown {
  if (type === 'string') return typeof value === 'string' ? value : rubyToS(value);
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}

function typeError(type: InputType, value: unknown): string | undefined {
  switch (type) {
    case 'string':
      return undefined;
    case 'number':
      return typeof value === 'number' ? undefined : 'a number';
    case 'boolean':
      return typeof value === 'boolean' ? undefined : 'a boolean';
    case 'array':
      return Array.isArray(value) ? undefined : 'an array';
  }
}

function validateValue(spec: InputSpec, raw: unknown, isDefault: boolean, errors: string[]): void {
  const fail = (message: string): void => {
    errors.push(`\`${spec.name}\` input: ${message}`);
  };
  const value = coerce(spec.type, raw);
  const which = isDefault ? 'default' : 'provided';
  const wrongType = typeError(spec.type, value);
  if (wrongType) fail(`${which} value is not ${wrongType}`);
  if (spec.options) {
    if (spec.type === 'string') {
      if (!spec.options.map((option) => rubyToS(option)).includes(value as string))
        fail(`\`${rubyToS(value)}\` cannot be used because it is not in the list of allowed options`);
    } else if (spec.type === 'number') {
      if (!spec.options.includes(value))
        fail(`\`${rubyToS(value)}\` cannot be used because it is not in the list of the allowed options`);
    } else {
      fail('Options can only be used with string and number inputs');
    }
  }
  if (spec.regex !== undefined) {
    if (spec.type !== 'string') fail('RegEx validation can only be used with string inputs');
    else {
      let pattern: RegExp | undefined;
      try {
        pattern = new RegExp(spec.regex, 'u');
      } catch {
        fail('invalid regular expression');
      }
      if (pattern && !pattern.test(value as string))
        fail(`${which} value does not match required RegEx pattern`);
    }
  }
}

/** The values of the inputs: the arguments given, checked against the specs, else the defaults. */
function resolveInputs(
  specs: readonly InputSpec[],
  args: Record<string, unknown>,
): Result<Record<string, unknown>> {
  const errors: string[] = [];
  const known = new Set(specs.map((spec) => spec.name));
  const unknown = Object.keys(args).filter((name) => !known.has(name));
  if (unknown.length > 0) errors.push(`unknown input arguments: ${unknown.join(', ')}`);
  const values: Record<string, unknown> = {};
  for (const spec of specs) {
    const given = args[spec.name];
    if (!spec.hasDefault && (given === undefined || given === null)) {
      errors.push(`\`${spec.name}\` input: required value has not been provided`);
      continue;
    }
    const before = errors.length;
    if (spec.hasDefault && spec.default !== null) validateValue(spec, spec.default, true, errors);
    if (given !== undefined && given !== null) validateValue(spec, given, false, errors);
    if (errors.length > before) continue;
    const chosen = given === undefined || given === null ? spec.default : given;
    values[spec.name] = chosen === null || chosen === undefined ? null : coerce(spec.type, chosen);
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, value: values };
}

/** How Ruby prints a value into a string (`"#{value}"`), which is what GitLab inserts. */
function rubyToS(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return String(value);
  return rubyInspect(value);
}

function rubyInspect(value: unknown): string {
  if (value === null || value === undefined) return 'nil';
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(rubyInspect).join(', ')}]`;
  if (isPlainObject(value))
    return `{${Object.entries(value)
      .map(([k, v]) => `${k}: ${rubyInspect(v)}`)
      .join(', ')}}`;
  return textOf(value);
}

/** Ruby's Shellwords.shellescape, which `posix_escape` applies. */
export function shellEscape(text: string): string {
  if (text === '') return "''";
  return text.replace(/[^A-Za-z0-9_\-.,:+/@\n]/g, '\\$&').replace(/\n/g, "'\n'");
}

/** `expand_vars`: `$VAR` and `${VAR}` of known variables are replaced; unknown ones stay. */
function expandKnown(text: string, variables: Record<string, string>): string {
  return text.replace(
    /\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))/g,
    (whole, braced, bare) => {
      const name = (braced ?? bare) as string;
      return Object.hasOwn(variables, name) ? (variables[name] as string) : whole;
    },
  );
}

function applyFunction(
  expression: string,
  value: unknown,
  variables: Record<string, string>,
): Result<unknown> {
  const bad = (message: string): Result<unknown> => ({ ok: false, errors: [message] });
  const truncate = /^truncate\(\s*(\d+)\s*,\s*(\d+)\s*\)$/.exec(expression);
  if (truncate) {
    if (typeof value !== 'string')
      return bad('invalid input type: truncate can only be used with string inputs');
    const start = Number(truncate[1]);
    return { ok: true, value: [...value].slice(start, start + Number(truncate[2])).join('') };
  }
  if (expression === 'expand_vars' || expression === 'posix_escape') {
    if (typeof value !== 'string')
      return bad(`invalid input type: ${expression} can only be used with string inputs`);
    return {
      ok: true,
      value: expression === 'expand_vars' ? expandKnown(value, variables) : shellEscape(value),
    };
  }
  return bad(
    `no function matching \`${expression}\`: check that the function name, arguments, and types are correct`,
  );
}

function evaluateBlock(
  data: string,
  context: Record<string, unknown>,
  variables: Record<string, string>,
): Result<unknown> {
  const [access = '', ...functions] = data.split('|').map((part) => part.trim());
  const objects = splitLimit(access, '.', 5);
  const errors: string[] = [];
  if (objects.length <= 1) errors.push('invalid interpolation access pattern');
  if (Buffer.byteLength(access) > MAX_ACCESS_BYTES)
    errors.push('maximum interpolation expression size exceeded');
  if (errors.length > 0) return { ok: false, errors };
  let value: unknown = context;
  for (const key of objects) {
    if (!isPlainObject(value) || !Object.hasOwn(value, key))
      return { ok: false, errors: [`unknown interpolation key: \`${key}\``] };
    value = value[key];
  }
  if (functions.length > MAX_FUNCTIONS)
    return { ok: false, errors: ['too many functions in interpolation block'] };
  for (const expression of functions) {
    const result = applyFunction(expression, value, variables);
    if (!result.ok) return result;
    value = result.value;
  }
  return { ok: true, value };
}

/** Ruby's String#split(separator, limit). */
function splitLimit(text: string, separator: string, limit: number): string[] {
  const parts = text.split(separator);
  if (parts.length <= limit) return parts;
  return [...parts.slice(0, limit - 1), parts.slice(limit - 1).join(separator)];
}

/** Replaces every interpolation block in the keys and values of the content. */
function interpolateContent(
  content: Record<string, unknown>,
  context: Record<string, unknown>,
  variables: Record<string, string> = {},
): Result<Record<string, unknown>> {
  const blocks = new Map<string, Result<unknown>>();
  let visited = 0;
  const errors: string[] = [];

  const replaceString = (node: string): unknown => {
    if (Buffer.byteLength(node) > MAX_NODE_BYTES) throw new InterpolationStop('config node too large');
    if (!node.includes('$[[')) return node;
    const matches = [...node.matchAll(BLOCK)];
    if (matches.length === 0) return node;
    const values: { text: string; value: unknown }[] = [];
    for (const match of matches) {
      const text = match[0];
      let result = blocks.get(text);
      if (!result) {
        result = evaluateBlock(match[1] as string, context, variables);
        blocks.set(text, result);
        if (blocks.size > MAX_BLOCKS) throw new InterpolationStop('too many interpolation blocks');
      }
      if (!result.ok) {
        errors.push(...result.errors);
        throw new InterpolationStop();
      }
      values.push({ text, value: result.value });
    }
    const whole = values.length === 1 && (values[0] as { text: string }).text.length === node.length;
    if (whole) return (values[0] as { value: unknown }).value;
    return values.reduce((text, block) => text.split(block.text).join(rubyToS(block.value)), node);
  };

  const walk = (node: unknown): unknown => {
    if (++visited > MAX_NODES) throw new InterpolationStop('config too large');
    if (typeof node === 'string') return replaceString(node);
    if (Array.isArray(node)) return node.map(walk);
    if (isPlainObject(node)) {
      const out: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(node)) {
        const newKey = walk(key);
        out[typeof newKey === 'string' ? newKey : rubyToS(newKey)] = walk(value);
      }
      return out;
    }
    return node;
  };

  try {
    return { ok: true, value: walk(content) as Record<string, unknown> };
  } catch (error) {
    if (!(error instanceof InterpolationStop)) throw error;
    if (error.message) errors.push(error.message);
    return { ok: false, errors };
  }
}

class InterpolationStop extends Error {}

/**
 * What GitLab does to an included file: check the header, resolve the inputs, interpolate. Without
 * a header the content is used as it is, and inputs are refused.
 */
export function interpolateFile(
  file: CiFile,
  args: Record<string, unknown>,
  variables: Record<string, string> = {},
): Result<Record<string, unknown>> {
  if (!file.header) {
    if (Object.keys(args).length > 0) return { ok: false, errors: ['unknown input arguments'] };
    return { ok: true, value: file.content };
  }
  const specs = inputSpecs(file.header);
  if (!specs.ok) return specs;
  const inputs = resolveInputs(specs.value, args);
  if (!inputs.ok) return inputs;
  return interpolateContent(file.content, { inputs: inputs.value }, variables);
}

/** GitLab's one-line error: the first three problems. */
export function errorMessage(errors: readonly string[]): string {
  return errors.slice(0, 3).join(', ');
}
