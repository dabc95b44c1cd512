/**
 * A seccomp profile read from its JSON with the position of every part, kept lenient: values of
 * the wrong type are left out of the model (the schema reports them) so that one bad key never
 * hides the findings about the rest of the profile.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../core/config.js';
import type { Range } from '../../core/diagnostic.js';
import type { Mode } from '../../core/kinds.js';
import { validateAgainstSchema } from '../../core/schema.js';
import type { SourceFile } from '../../core/source.js';
import { pairOf, parseYaml } from '../../core/yaml.js';
import type { YamlNode } from '../../core/yaml.js';
import { jsonSyntaxError } from './json.js';

export type Runtime = 'kubernetes' | 'docker';

/** A value of the profile and where it is. */
export interface Located<T> {
  value: T;
  range: Range;
}

export interface ArgComparison {
  /** As written (may be out of range: the rules report it). */
  index: Located<number>;
  value: Located<bigint>;
  valueTwo?: Located<bigint>;
  op: Located<string>;
  range: Range;
}

/** Docker's `includes` / `excludes`. */
export interface DockerFilter {
  arches: Located<string>[];
  caps: Located<string>[];
  minKernel?: Located<string>;
  range: Range;
}

export interface ProfileEntry {
  /** Position in `syscalls`. */
  index: number;
  range: Range;
  names: Located<string>[];
  /** Docker's deprecated singular `name`. */
  name?: Located<string>;
  action?: Located<string>;
  errnoRet?: Located<number>;
  args: ArgComparison[];
  /** Argument values that Go's encoding/json cannot read as an unsigned 64-bit integer. */
  badValues: Located<string>[];
  includes?: DockerFilter;
  excludes?: DockerFilter;
  /** Keys present in the entry, with the range of each key. */
  keys: Map<string, Range>;
}

interface ArchMapEntry {
  architecture?: Located<string>;
  subArchitectures: Located<string>[];
  range: Range;
}

export interface SeccompProfile {
  /** The file as the user named it. */
  file: string;
  /** The JSON value. */
  value: Record<string, unknown>;
  root: YamlNode;
  defaultAction?: Located<string>;
  defaultErrnoRet?: Located<number>;
  architectures: Located<string>[];
  archMap: ArchMapEntry[];
  listenerPath?: Located<string>;
  entries: ProfileEntry[];
  /** Top-level keys and their ranges. */
  keys: Map<string, Range>;
  /** `x-chs.mode`. */
  mode?: Located<Mode>;
  /** Who loads the profile: `x-chs.runtime`, else the caller's (chs.yaml), else kubernetes. */
  runtime: Runtime;
}

interface ProfileProblem {
  kind: 'syntax' | 'schema' | 'duplicate-key';
  message: string;
  range: Range;
}

export interface ParsedProfile {
  profile?: SeccompProfile;
  problems: ProfileProblem[];
}

let schemaCache: Record<string, unknown> | undefined;

function seccompSchema(): Record<string, unknown> {
  schemaCache ??= JSON.parse(
    readFileSync(join(packageRoot(), 'schemas', 'seccomp.schema.json'), 'utf8'),
  ) as Record<string, unknown>;
  return schemaCache;
}

const span = (node: YamlNode): Range => ({ start: node.start, end: node.end });

function str(node: YamlNode | undefined): Located<string> | undefined {
  return node && node.kind === 'scalar' && typeof node.value === 'string'
    ? { value: node.value, range: span(node) }
    : undefined;
}

function int(node: YamlNode | undefined): Located<number> | undefined {
  return node && node.kind === 'scalar' && typeof node.value === 'number' && Number.isInteger(node.value)
    ? { value: node.value, range: span(node) }
    : undefined;
}

/** An unsigned 64-bit value exactly as written (JSON numbers beyond 2^53 lose precision as numbers). */
function uint64(node: YamlNode | undefined): Located<bigint> | undefined {
  if (!node || node.kind !== 'scalar' || typeof node.value !== 'number') return undefined;
  if (!/^\d+$/.test(node.text)) return undefined;
  const value = BigInt(node.text);
  return value < 1n << 64n ? { value, range: span(node) } : undefined;
}

function strings(node: YamlNode | undefined): Located<string>[] {
  if (!node || node.kind !== 'seq') return [];
  return node.items.map(str).filter((s): s is Located<string> => s !== undefined);
}

function keysOf(node: YamlNode): Map<string, Range> {
  const keys = new Map<string, Range>();
  if (node.kind === 'map') for (const pair of node.pairs) keys.set(pair.key, span(pair.keyNode));
  return keys;
}

function filterOf(node: YamlNode | undefined): DockerFilter | undefined {
  if (!node || node.kind !== 'map') return undefined;
  const filter: DockerFilter = {
    arches: strings(pairOf(node, 'arches')?.value),
    caps: strings(pairOf(node, 'caps')?.value),
    range: span(node),
  };
  const minKernel = str(pairOf(node, 'minKernel')?.value);
  if (minKernel) filter.minKernel = minKernel;
  return filter;
}

function entryOf(node: YamlNode, index: number): ProfileEntry {
  const entry: ProfileEntry = {
    index,
    range: span(node),
    names: strings(pairOf(node, 'names')?.value),
    args: [],
    badValues: [],
    keys: keysOf(node),
  };
  const name = str(pairOf(node, 'name')?.value);
  if (name) entry.name = name;
  const action = str(pairOf(node, 'action')?.value);
  if (action) entry.action = action;
  const errnoRet = int(pairOf(node, 'errnoRet')?.value);
  if (errnoRet) entry.errnoRet = errnoRet;
  const args = pairOf(node, 'args')?.value;
  if (args?.kind === 'seq') {
    for (const item of args.items) {
      for (const key of ['value', 'valueTwo']) {
        const raw = pairOf(item, key)?.value;
        if (raw?.kind === 'scalar' && typeof raw.value === 'number' && !uint64(raw)) {
          entry.badValues.push({ value: raw.text, range: span(raw) });
        }
      }
      const argIndex = int(pairOf(item, 'index')?.value);
      const value = uint64(pairOf(item, 'value')?.value);
      const op = str(pairOf(item, 'op')?.value);
      if (!argIndex || !value || !op) continue;
      const comparison: ArgComparison = { index: argIndex, value, op, range: span(item) };
      const valueTwo = uint64(pairOf(item, 'valueTwo')?.value);
      if (valueTwo) comparison.valueTwo = valueTwo;
      entry.args.push(comparison);
    }
  }
  const includes = filterOf(pairOf(node, 'includes')?.value);
  if (includes) entry.includes = includes;
  const excludes = filterOf(pairOf(node, 'excludes')?.value);
  if (excludes) entry.excludes = excludes;
  return entry;
}

export interface ParseOptions {
  /** chs.yaml's `seccomp.runtime`; a profile's `x-chs.runtime` wins. */
  runtime?: Runtime;
}

/** Reads a profile: JSON syntax, schema, then the model. Never throws for bad input. */
export function parseSeccompProfile(file: SourceFile, options: ParseOptions = {}): ParsedProfile {
  const text = file.text;
  const syntax = jsonSyntaxError(text);
  if (syntax) {
    return {
      problems: [
        {
          kind: 'syntax',
          message: `invalid JSON: ${syntax.message}`,
          range: { start: syntax.offset, end: Math.min(text.length, syntax.offset + 1) },
        },
      ],
    };
  }
  const parsed = parseYaml(text);
  if (!parsed.ok) {
    const at = parsed.error.offset;
    return {
      problems: [
        { kind: 'syntax', message: `invalid JSON: ${parsed.error.message}`, range: { start: at, end: at } },
      ],
    };
  }
  const document = parsed.documents[0];
  const root = document?.root;
  if (!document || !root || root.kind !== 'map') {
    const range = root ? span(root) : { start: 0, end: 0 };
    return { problems: [{ kind: 'schema', message: 'a seccomp profile is a JSON object', range }] };
  }
  const value = document.value as Record<string, unknown>;
  const problems: ProfileProblem[] = validateAgainstSchema(seccompSchema(), value, root).map((p) => ({
    kind: 'schema' as const,
    message: p.message,
    range: p.range ?? span(root),
  }));
  for (const duplicate of document.duplicateKeys) {
    problems.push({
      kind: 'duplicate-key',
      message: `duplicate key "${String(duplicate.value)}": the runtime keeps only the last value`,
      range: span(duplicate),
    });
  }

  const hint = pairOf(root, 'x-chs')?.value;
  const hintRuntime = str(pairOf(hint, 'runtime')?.value)?.value;
  const hintMode = str(pairOf(hint, 'mode')?.value);
  const profile: SeccompProfile = {
    file: file.path,
    value,
    root,
    architectures: strings(pairOf(root, 'architectures')?.value),
    archMap: [],
    entries: [],
    keys: keysOf(root),
    runtime:
      hintRuntime === 'docker' || hintRuntime === 'kubernetes'
        ? hintRuntime
        : (options.runtime ?? 'kubernetes'),
  };
  if (hintMode && (hintMode.value === 'monitor' || hintMode.value === 'block')) {
    profile.mode = { value: hintMode.value, range: hintMode.range };
  }
  const defaultAction = str(pairOf(root, 'defaultAction')?.value);
  if (defaultAction) profile.defaultAction = defaultAction;
  const defaultErrnoRet = int(pairOf(root, 'defaultErrnoRet')?.value);
  if (defaultErrnoRet) profile.defaultErrnoRet = defaultErrnoRet;
  const listenerPath = str(pairOf(root, 'listenerPath')?.value);
  if (listenerPath) profile.listenerPath = listenerPath;
  const archMap = pairOf(root, 'archMap')?.value;
  if (archMap?.kind === 'seq') {
    for (const item of archMap.items) {
      const entry: ArchMapEntry = {
        subArchitectures: strings(pairOf(item, 'subArchitectures')?.value),
        range: span(item),
      };
      const architecture = str(pairOf(item, 'architecture')?.value);
      if (architecture) entry.architecture = architecture;
      profile.archMap.push(entry);
    }
  }
  const syscalls = pairOf(root, 'syscalls')?.value;
  if (syscalls?.kind === 'seq') {
    syscalls.items.forEach((item, index) => {
      if (item.kind === 'map') profile.entries.push(entryOf(item, index));
    });
  }
  return { profile, problems };
}
