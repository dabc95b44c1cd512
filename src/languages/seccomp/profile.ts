/**
 * A seccomp profile read from its JSON with the position of every part, kept lenient: values of
 * the wrong type are left out of the model (the schema reports them) so that one bad key never
 * hides the findings about the rest of the profile. Values come from JSON.parse and positions from
 * the compact JSON tree; lists of names keep no object per name (see LocatedStrings).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../core/config.js';
import type { Range } from '../../core/diagnostic.js';
import { parseJsonTree } from '../../core/json-tree.js';
import type { JsonNode, JsonTree } from '../../core/json-tree.js';
import type { Mode } from '../../core/kinds.js';
import { MAX_FINDINGS_PER_RULE } from '../../core/finding-cap.js';
import { validateDocument } from '../../core/schema.js';
import type { SchemaProblem } from '../../core/schema.js';
import type { SourceFile } from '../../core/source.js';

export type Runtime = 'kubernetes' | 'docker';

/** A value of the profile and where it is. */
export interface Located<T> {
  value: T;
  range: Range;
}

/**
 * A list of strings (`names`, `architectures`, `caps`...): the values, and each one's position
 * only when asked. A profile may list 750,000 names: an object and a range per name were most of
 * the memory a large profile took.
 */
export class LocatedStrings implements Iterable<Located<string>> {
  constructor(
    /** The strings of the list, in order (items of another type left out). */
    readonly values: readonly string[],
    private readonly nodes: ArrayLike<JsonNode>,
    private readonly tree?: JsonTree,
  ) {}

  get length(): number {
    return this.values.length;
  }

  at(i: number): Located<string> {
    const node = this.nodes[i];
    return {
      value: this.values[i] as string,
      range: this.tree && node !== undefined ? this.tree.range(node) : { start: 0, end: 0 },
    };
  }

  *[Symbol.iterator](): Iterator<Located<string>> {
    for (let i = 0; i < this.values.length; i++) yield this.at(i);
  }
}

const NO_STRINGS = new LocatedStrings([], []);

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
  arches: LocatedStrings;
  caps: LocatedStrings;
  minKernel?: Located<string>;
  range: Range;
}

export interface ProfileEntry {
  /** Position in `syscalls`. */
  index: number;
  range: Range;
  names: LocatedStrings;
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
  subArchitectures: LocatedStrings;
  range: Range;
}

export interface SeccompProfile {
  /** The file as the user named it. */
  file: string;
  /** The JSON value. */
  value: Record<string, unknown>;
  /** The root object's range. */
  root: Range;
  defaultAction?: Located<string>;
  defaultErrnoRet?: Located<number>;
  architectures: LocatedStrings;
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

export interface ProfileProblem {
  kind: 'syntax' | 'schema' | 'duplicate-key';
  message: string;
  range: Range;
}

export interface ParsedProfile {
  profile?: SeccompProfile;
  problems: ProfileProblem[];
  /**
   * Schema problems beyond the first MAX_FINDINGS_PER_RULE (by position), counted but not made,
   * and the first of them: the findings' cap would drop them anyway.
   */
  omitted?: { count: number; first: ProfileProblem };
}

let schemaCache: Record<string, unknown> | undefined;

function seccompSchema(): Record<string, unknown> {
  schemaCache ??= JSON.parse(
    readFileSync(join(packageRoot(), 'schemas', 'seccomp.schema.json'), 'utf8'),
  ) as Record<string, unknown>;
  return schemaCache;
}

/** A node of the profile's JSON tree beside its value from JSON.parse. */
interface At {
  tree: JsonTree;
  node: JsonNode;
  value: unknown;
}

function field(at: At | undefined, key: string): At | undefined {
  if (!at || at.value === null || typeof at.value !== 'object' || Array.isArray(at.value)) return undefined;
  if (!Object.hasOwn(at.value, key)) return undefined;
  const node = at.tree.member(at.node, key);
  if (node === undefined) return undefined;
  return { tree: at.tree, node, value: (at.value as Record<string, unknown>)[key] };
}

function itemsOf(at: At | undefined): At[] {
  if (!at || !Array.isArray(at.value)) return [];
  const values: unknown[] = at.value;
  const nodes = at.tree.items(at.node);
  return values.map((value, i) => ({ tree: at.tree, node: nodes[i] as JsonNode, value }));
}

const isMap = (at: At): boolean =>
  at.value !== null && typeof at.value === 'object' && !Array.isArray(at.value);

function str(at: At | undefined): Located<string> | undefined {
  return at && typeof at.value === 'string' ? { value: at.value, range: at.tree.range(at.node) } : undefined;
}

function int(at: At | undefined): Located<number> | undefined {
  return at && typeof at.value === 'number' && Number.isInteger(at.value)
    ? { value: at.value, range: at.tree.range(at.node) }
    : undefined;
}

/** An unsigned 64-bit value exactly as written (JSON numbers beyond 2^53 lose precision as numbers). */
function uint64(at: At | undefined): Located<bigint> | undefined {
  if (!at || typeof at.value !== 'number') return undefined;
  const text = at.tree.source(at.node);
  if (!/^\d+$/.test(text)) return undefined;
  const value = BigInt(text);
  return value < 1n << 64n ? { value, range: at.tree.range(at.node) } : undefined;
}

function strings(at: At | undefined): LocatedStrings {
  if (!at || !Array.isArray(at.value)) return NO_STRINGS;
  const values: unknown[] = at.value;
  const nodes = at.tree.items(at.node);
  // Usually every item is a string: the list and the nodes are used as they are, without a copy.
  if (values.every((v) => typeof v === 'string')) return new LocatedStrings(values, nodes, at.tree);
  const kept: string[] = [];
  const keptNodes: JsonNode[] = [];
  values.forEach((v, i) => {
    if (typeof v !== 'string') return;
    kept.push(v);
    keptNodes.push(nodes[i] as JsonNode);
  });
  return new LocatedStrings(kept, keptNodes, at.tree);
}

function keysOf(at: At): Map<string, Range> {
  const keys = new Map<string, Range>();
  if (isMap(at))
    for (const member of at.tree.items(at.node)) keys.set(at.tree.key(member), at.tree.keyRange(member));
  return keys;
}

function filterOf(at: At | undefined): DockerFilter | undefined {
  if (!at || !isMap(at)) return undefined;
  const filter: DockerFilter = {
    arches: strings(field(at, 'arches')),
    caps: strings(field(at, 'caps')),
    range: at.tree.range(at.node),
  };
  const minKernel = str(field(at, 'minKernel'));
  if (minKernel) filter.minKernel = minKernel;
  return filter;
}

function entryOf(at: At, index: number): ProfileEntry {
  const entry: ProfileEntry = {
    index,
    range: at.tree.range(at.node),
    names: strings(field(at, 'names')),
    args: [],
    badValues: [],
    keys: keysOf(at),
  };
  const name = str(field(at, 'name'));
  if (name) entry.name = name;
  const action = str(field(at, 'action'));
  if (action) entry.action = action;
  const errnoRet = int(field(at, 'errnoRet'));
  if (errnoRet) entry.errnoRet = errnoRet;
  for (const item of itemsOf(field(at, 'args'))) {
    for (const key of ['value', 'valueTwo']) {
      const raw = field(item, key);
      if (raw && typeof raw.value === 'number' && !uint64(raw)) {
        entry.badValues.push({ value: raw.tree.source(raw.node), range: raw.tree.range(raw.node) });
      }
    }
    const argIndex = int(field(item, 'index'));
    const value = uint64(field(item, 'value'));
    const op = str(field(item, 'op'));
    if (!argIndex || !value || !op) continue;
    const comparison: ArgComparison = { index: argIndex, value, op, range: item.tree.range(item.node) };
    const valueTwo = uint64(field(item, 'valueTwo'));
    if (valueTwo) comparison.valueTwo = valueTwo;
    entry.args.push(comparison);
  }
  const includes = filterOf(field(at, 'includes'));
  if (includes) entry.includes = includes;
  const excludes = filterOf(field(at, 'excludes'));
  if (excludes) entry.excludes = excludes;
  return entry;
}

export interface ParseOptions {
  /** chs.yaml's `seccomp.runtime`; a profile's `x-chs.runtime` wins. */
  runtime?: Runtime;
}

/** Reads a profile: JSON syntax, schema, then the model. Never throws for bad input. */
export function parseSeccompProfile(file: SourceFile, options: ParseOptions = {}): ParsedProfile {
  const parsed = parseJsonTree(file.text);
  if (!parsed.ok) {
    const { message, offset } = parsed.error;
    return {
      problems: [
        {
          kind: 'syntax',
          message: `invalid JSON: ${message}`,
          range: { start: offset, end: Math.min(file.text.length, offset + 1) },
        },
      ],
    };
  }
  const { tree } = parsed;
  const root: At = { tree, node: 0, value: tree.value };
  if (!isMap(root)) {
    return {
      problems: [{ kind: 'schema', message: 'a seccomp profile is a JSON object', range: tree.range(0) }],
    };
  }
  const value = tree.value as Record<string, unknown>;
  const checked = validateDocument(seccompSchema(), value, tree, MAX_FINDINGS_PER_RULE);
  const problemOf = (p: SchemaProblem): ProfileProblem => ({
    kind: 'schema',
    message: p.message,
    range: p.range ?? tree.range(0),
  });
  const problems = checked.problems.map(problemOf);
  const omitted = checked.firstOmitted
    ? { count: checked.omitted, first: problemOf(checked.firstOmitted) }
    : undefined;
  for (const duplicate of tree.duplicateKeys) {
    problems.push({
      kind: 'duplicate-key',
      message: `duplicate key "${tree.key(duplicate)}": the runtime keeps only the last value`,
      range: tree.keyRange(duplicate),
    });
  }

  const hint = field(root, 'x-chs');
  const hintRuntime = str(field(hint, 'runtime'))?.value;
  const hintMode = str(field(hint, 'mode'));
  const profile: SeccompProfile = {
    file: file.path,
    value,
    root: tree.range(0),
    architectures: strings(field(root, 'architectures')),
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
  const defaultAction = str(field(root, 'defaultAction'));
  if (defaultAction) profile.defaultAction = defaultAction;
  const defaultErrnoRet = int(field(root, 'defaultErrnoRet'));
  if (defaultErrnoRet) profile.defaultErrnoRet = defaultErrnoRet;
  const listenerPath = str(field(root, 'listenerPath'));
  if (listenerPath) profile.listenerPath = listenerPath;
  for (const item of itemsOf(field(root, 'archMap'))) {
    const entry: ArchMapEntry = {
      subArchitectures: strings(field(item, 'subArchitectures')),
      range: tree.range(item.node),
    };
    const architecture = str(field(item, 'architecture'));
    if (architecture) entry.architecture = architecture;
    profile.archMap.push(entry);
  }
  itemsOf(field(root, 'syscalls')).forEach((item, index) => {
    if (isMap(item)) profile.entries.push(entryOf(item, index));
  });
  return { profile, problems, ...(omitted ? { omitted } : {}) };
}
