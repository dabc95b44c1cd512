/**
 * Reading a field from a recorded event. An event is the map of fields Falco printed
 * (`output_fields`) or recorded (`fields`); a field that is not there, or is `null` (Falco
 * prints absent fields as null), is absent. Falco names some values twice (`proc.pname` is
 * `proc.aname[1]`, `evt.arg.flags` is `evt.arg[flags]`): either spelling in the event serves.
 */
import type { FieldExpr } from '../condition/ast.js';

/** One event's fields, as JSON.parse gave them (never copied). */
export type Fields = Readonly<Record<string, unknown>>;

/** Extracts a value: undefined when absent. */
export type Extract = (fields: Fields) => unknown;

/** The ancestor fields: without an index they stand for every ancestor (parent first). */
const ANCESTORS: Readonly<Record<string, { self: string; parent: string }>> = {
  'proc.aname': { self: 'proc.name', parent: 'proc.pname' },
  'proc.aexe': { self: 'proc.exe', parent: 'proc.pexe' },
  'proc.aexepath': { self: 'proc.exepath', parent: 'proc.pexepath' },
  'proc.acmdline': { self: 'proc.cmdline', parent: 'proc.pcmdline' },
  'proc.apid': { self: 'proc.pid', parent: 'proc.ppid' },
  'proc.aenv': { self: 'proc.env', parent: 'proc.penv' },
};
const PARENT_OF: ReadonlyMap<string, string> = new Map(
  Object.entries(ANCESTORS).map(([name, { parent }]) => [parent, `${name}[1]`]),
);
const NET_ADDRESS: Readonly<Record<string, string>> = {
  'fd.cnet': 'fd.cip',
  'fd.snet': 'fd.sip',
  'fd.lnet': 'fd.lip',
  'fd.rnet': 'fd.rip',
};
/** How far up an event may record ancestors one key each (`proc.aname[2]`...). */
const MAX_RECORDED_ANCESTORS = 32;

export function fieldKey(field: FieldExpr): string {
  return field.arg === undefined ? field.name : `${field.name}[${field.arg}]`;
}

/** Whether the field, as written, means "any ancestor" (`proc.aname` without an index). */
export function isAnyAncestor(field: FieldExpr): boolean {
  return field.arg === undefined && field.name in ANCESTORS;
}

/** The keys under which an event may hold the field, preferred first. */
export function candidateKeys(field: FieldExpr): string[] {
  const key = fieldKey(field);
  const keys = [key];
  const ancestor = ANCESTORS[field.name];
  if (ancestor && field.arg !== undefined) {
    if (field.arg === '0') keys.push(ancestor.self);
    if (field.arg === '1') keys.push(ancestor.parent);
  }
  const parentKey = PARENT_OF.get(key);
  if (parentKey) keys.push(parentKey);
  // The network of an end is its address, compared with a CIDR (fd.snet in (10.0.0.0/8)).
  const address = NET_ADDRESS[key];
  if (address) keys.push(address);
  for (const prefix of ['evt.arg', 'evt.rawarg']) {
    if (field.name === prefix && field.arg !== undefined) keys.push(`${prefix}.${field.arg}`);
    if (field.name.startsWith(`${prefix}.`) && field.arg === undefined)
      keys.push(`${prefix}[${field.name.slice(prefix.length + 1)}]`);
  }
  return keys;
}

/**
 * How a recorded value is converted to its field's type, as Falco holds it: a number field
 * written as text (`"fd.rport": "22"`) compares as a number, a text field written as a number
 * (`container.id: 123456` in YAML) as text, a boolean written `"true"` as a boolean.
 */
export type Conversion = 'none' | 'number' | 'text' | 'boolean';

const NUMERIC_TYPES =
  /^(?:U?INT(?:8|16|32|64)|PID|PORT|ERRNO|FD|SYSCALLID|SIGTYPE|RELTIME|ABSTIME|UID|GID|MODE|DOUBLE)$/;

/** The conversion for a field of a catalogue type (libsinsp's type name without `PT_`). */
export function conversionFor(type: string | undefined): Conversion {
  if (type === undefined) return 'none';
  if (NUMERIC_TYPES.test(type)) return 'number';
  if (type === 'BOOL') return 'boolean';
  if (type === 'CHARBUF' || type === 'FSPATH' || type === 'FSRELPATH') return 'text';
  return 'none';
}

/** Text that reads as a number (`"22"`, `"-1"`, `"0.5"`) and converts for a number field. */
export const NUMERIC_TEXT = /^-?[0-9]+(?:\.[0-9]+)?$/;

/**
 * The conversion as a JavaScript expression over the present value in variable `v`, for
 * generated code; `numericText` names a variable holding NUMERIC_TEXT (a literal would build a
 * new RegExp each time the expression runs).
 */
function conversionCode(conversion: Conversion, v: string, numericText: string): string {
  switch (conversion) {
    case 'none':
      return v;
    case 'number':
      return `(typeof ${v} === "string" && ${numericText}.test(${v}) ? Number(${v}) : ${v})`;
    case 'text':
      return `(typeof ${v} === "number" || typeof ${v} === "boolean" ? String(${v}) : ${v})`;
    case 'boolean':
      return `(${v} === "true" ? true : ${v} === "false" ? false : typeof ${v} === "number" ? ${v} !== 0 : ${v})`;
  }
}

/**
 * The value of the first of `keys` present in event `f` (null is absent), converted, or
 * undefined: a JavaScript expression that uses the variable `s` as scratch.
 */
export function keysLoadCode(keys: readonly string[], conversion: Conversion, numericText: string): string {
  const loads = keys.map(
    (key) =>
      `(s = f[${JSON.stringify(key)}]) !== undefined && s !== null ? ${conversionCode(conversion, 's', numericText)} : `,
  );
  return `${loads.join('')}undefined`;
}

const keyExtractors = new Map<string, Extract>();

/**
 * The reader of a field held under one of `keys`, the first present one winning, converted to
 * the field's type. Each list of keys gets its own generated function, so that every property
 * load in it sees one name and the few shapes of a file's events: V8 then caches the lookup (a
 * monomorphic inline cache) instead of hashing the name on every event. Keys are embedded as
 * JSON string literals, which escape them.
 */
function keysExtractor(keys: readonly string[], conversion: Conversion): Extract {
  const id = `${conversion}\u0000${keys.join('\u0000')}`;
  let extract = keyExtractors.get(id);
  if (extract === undefined) {
    const code = keysLoadCode(keys, conversion, 'N');
    extract = new Function('N', `return (f) => { let s; return ${code}; };`)(NUMERIC_TEXT) as Extract;
    keyExtractors.set(id, extract);
  }
  return extract;
}

export function fieldExtractor(field: FieldExpr, conversion: Conversion = 'none'): Extract {
  return keysExtractor(candidateKeys(field), conversion);
}

/** JavaScript statements that push the value of `key` in event `f` onto `out` when present. */
const pushPresent = (key: string): string =>
  `v = f[${JSON.stringify(key)}]; if (v !== undefined && v !== null) out.push(v);`;

/**
 * The ancestors an event records for an ancestor field, parent first: an array under the bare
 * name (`"proc.aname": ["bash", "sshd"]`), else the indexed keys (`proc.pname` or
 * `proc.aname[1]`, then `proc.aname[2]`...). Gaps are skipped: an alert prints only some levels.
 * The body of a function of `f`; every key is a literal, so that each property load keeps an
 * inline cache of its own (a load by a computed key would go through V8's megamorphic cache).
 */
function ancestorCode(name: string, parent: string): string {
  const lines = [
    `let v = f[${JSON.stringify(name)}];`,
    'if (Array.isArray(v)) return v.filter((x) => x !== undefined && x !== null);',
    'const out = [];',
    `v = f[${JSON.stringify(`${name}[1]`)}];`,
    `if (v === undefined || v === null) v = f[${JSON.stringify(parent)}];`,
    'if (v !== undefined && v !== null) out.push(v);',
  ];
  for (let i = 2; i <= MAX_RECORDED_ANCESTORS; i++) lines.push(pushPresent(`${name}[${i}]`));
  lines.push('return out;');
  return lines.join('\n');
}

/**
 * The fields that stand for both ends of a connection (`fd.ip`, `fd.net`, `fd.port`,
 * `fd.proto`): libsinsp tests the client's and the server's value. An event may also hold the
 * field itself (a recording that resolved it).
 */
const ENDPOINTS: Readonly<Record<string, readonly (readonly string[])[]>> = {
  'fd.ip': [
    ['fd.cip', 'fd.lip'],
    ['fd.sip', 'fd.rip'],
  ],
  'fd.net': [
    ['fd.cip', 'fd.lip'],
    ['fd.sip', 'fd.rip'],
  ],
  'fd.port': [
    ['fd.cport', 'fd.lport'],
    ['fd.sport', 'fd.rport'],
  ],
  'fd.proto': [
    ['fd.cproto', 'fd.lproto'],
    ['fd.sproto', 'fd.rproto'],
  ],
};

/** The values of both ends: the field itself when the event holds it, else each end's first key present. */
function endpointsCode(name: string, ends: readonly (readonly string[])[]): string {
  const lines = [
    `let v = f[${JSON.stringify(name)}];`,
    'if (v !== undefined && v !== null) return [v];',
    'const out = [];',
  ];
  for (const keys of ends) {
    const loads = keys.map((key) => `(v = f[${JSON.stringify(key)}]) !== undefined && v !== null`);
    lines.push(`if (${loads.join(' || ')}) out.push(v);`);
  }
  lines.push('return out;');
  return lines.join('\n');
}

/**
 * The body of a function of `f` that returns the values an "either end" or "any ancestor"
 * field has in the event, or undefined for other fields.
 */
export function multiValueCode(field: FieldExpr): string | undefined {
  if (isAnyAncestor(field)) {
    const ancestor = ANCESTORS[field.name] as { parent: string };
    return ancestorCode(field.name, ancestor.parent);
  }
  const ends = field.arg === undefined ? ENDPOINTS[field.name] : undefined;
  return ends ? endpointsCode(field.name, ends) : undefined;
}

const multiValueExtractors = new Map<string, (fields: Fields) => unknown[]>();

/** The values an "either end" or "any ancestor" field has in an event, or undefined for other fields. */
export function multiValueExtractor(field: FieldExpr): ((fields: Fields) => unknown[]) | undefined {
  const key = fieldKey(field);
  let extract = multiValueExtractors.get(key);
  if (extract === undefined) {
    const code = multiValueCode(field);
    if (code === undefined) return undefined;
    extract = new Function('f', code) as (fields: Fields) => unknown[];
    multiValueExtractors.set(key, extract);
  }
  return extract;
}
