/**
 * The field catalogue: which fields each event source has, their types and argument rules, as
 * generated from Falco's own catalogues (scripts/gen-falco-fields.mjs), and how a field written in
 * a condition (`evt.arg.name`, `proc.aname[2]`, `k8s.pod.label[app]`) resolves against it.
 */
import { didYouMean } from '../../../core/did-you-mean.js';
import { EVENT_TYPES, FIELD_SOURCES } from './catalog.generated.js';

export const SYSCALL_SOURCE = 'syscall';

interface FieldInfo {
  name: string;
  /** libsinsp's type without the PT_ prefix: CHARBUF, UINT64, BOOL, IPADDR... */
  type: string;
  argRequired: boolean;
  argAllowed: boolean;
  indexArg: boolean;
  deprecated: boolean;
  list: boolean;
  noRhs: boolean;
  noTransformer: boolean;
}

export interface Catalog {
  source: string;
  fields: Map<string, FieldInfo>;
  names: string[];
}

const catalogs = new Map<string, Catalog>();

/** The catalogue of an event source, or undefined for a source chs does not know. */
export function catalogOf(source: string): Catalog | undefined {
  const cached = catalogs.get(source);
  if (cached) return cached;
  const rows = FIELD_SOURCES[source];
  if (!rows) return undefined;
  const fields = new Map<string, FieldInfo>();
  for (const [name, type, flags] of rows) {
    fields.set(name, {
      name,
      type,
      argRequired: flags.includes('R'),
      argAllowed: flags.includes('R') || flags.includes('A'),
      indexArg: flags.includes('I'),
      deprecated: flags.includes('D'),
      list: flags.includes('L'),
      noRhs: flags.includes('N'),
      noTransformer: flags.includes('T'),
    });
  }
  const catalog = { source, fields, names: [...fields.keys()] };
  catalogs.set(source, catalog);
  return catalog;
}

export const KNOWN_SOURCES: readonly string[] = Object.keys(FIELD_SOURCES);

/** Fields Falco 0.44 reports as deprecated wherever they are used. */
export const DEPRECATED_FIELDS: readonly string[] = [
  'evt.dir',
  'evt.latency',
  'evt.latency.s',
  'evt.latency.ns',
  'evt.latency.human',
  'evt.wait_latency',
];

export type FieldResolution =
  { ok: true; info: FieldInfo; arg: string | undefined } | { ok: false; message: string; unknown: boolean };

/** Resolves a field of a condition (name as written, bracket argument apart). */
export function resolveField(catalog: Catalog, name: string, arg: string | undefined): FieldResolution {
  const written = arg === undefined ? name : `${name}[${arg}]`;
  let info = catalog.fields.get(name);
  let actualArg = arg;
  if (!info) {
    // A dotted argument: evt.arg.name, evt.type.is.open.
    for (let dot = name.lastIndexOf('.'); dot > 0; dot = name.lastIndexOf('.', dot - 1)) {
      const prefix = catalog.fields.get(name.slice(0, dot));
      if (prefix && prefix.argAllowed && arg === undefined) {
        info = prefix;
        actualArg = name.slice(dot + 1);
        break;
      }
    }
  }
  if (!info) {
    return {
      ok: false,
      unknown: true,
      message: `filter_check called with nonexistent field ${written}${meantSuffix(fieldMeant(catalog, name, arg))}`,
    };
  }
  if (actualArg === undefined && info.argRequired) {
    return { ok: false, unknown: false, message: `filter error: field '${info.name}' requires an argument` };
  }
  if (actualArg !== undefined && !info.argAllowed) {
    return { ok: false, unknown: true, message: `filter_check called with nonexistent field ${written}` };
  }
  if (actualArg !== undefined && info.indexArg && !/^\d+$/.test(actualArg)) {
    return {
      ok: false,
      unknown: false,
      message: `filter error: field '${info.name}' requires a numeric index argument, got '${actualArg}'`,
    };
  }
  return { ok: true, info, arg: actualArg };
}

/** Fields written under the class they would belong to in other tools: the gid is the group's. */
const ELSEWHERE: Readonly<Record<string, string>> = { 'user.gid': 'group.gid', 'user.group': 'group.name' };

/** The field meant by a misspelt one (its bracket argument kept), if one is close. */
export function fieldMeant(catalog: Catalog, name: string, arg: string | undefined): string | undefined {
  const moved = ELSEWHERE[name];
  const guess = moved !== undefined && catalog.names.includes(moved) ? moved : didYouMean(name, catalog.names);
  if (guess === undefined) return undefined;
  return arg === undefined ? guess : `${guess}[${arg}]`;
}

function meantSuffix(meant: string | undefined): string {
  return meant === undefined ? '' : `; did you mean "${meant}"?`;
}

/** Event type names and their number of event codes. */
export function eventCodes(name: string): number | undefined {
  return EVENT_TYPES[name];
}

export const EVENT_TYPE_NAMES: readonly string[] = Object.keys(EVENT_TYPES);
