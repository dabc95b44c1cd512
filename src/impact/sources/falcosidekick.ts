/**
 * The shapes falcosidekick writes, read back as the events a file would give for the same
 * payload. Loki: a stream per alert labelled rule, source, priority, hostname, tags,
 * k8s_ns_name and k8s_pod_name, its line the payload's JSON (`loki.format: json`) or only the
 * output text (the default, `text`). Elasticsearch: the payload as the document with an
 * `@timestamp`; with `flattenfields` (or `createindextemplate`) the dots of the output field names
 * became underscores.
 */
import { eventFromValue, parseEventLine } from '../../languages/falco/index.js';
import type { BadLine, RecordedEvent } from '../../languages/falco/index.js';
import { KNOWN_SOURCES, catalogOf } from '../../languages/falco/index.js';

/** A Loki line: the JSON payload is an event; a text line holds no fields to replay. */
export function eventFromLokiLine(line: string, n: number): RecordedEvent | BadLine {
  if (!line.trimStart().startsWith('{'))
    return {
      line: n,
      message:
        'a text line (falcosidekick loki.format: text) holds no output fields; set loki.format: json in falcosidekick to replay its events',
    };
  return parseEventLine(line, n);
}

let flattened: Map<string, { name: string; argAllowed: boolean }> | undefined;

/** Falco field names by their flattened form (`k8s_ns_name` -> `k8s.ns.name`), every source. */
function flattenedNames(): Map<string, { name: string; argAllowed: boolean }> {
  if (flattened) return flattened;
  flattened = new Map();
  for (const source of KNOWN_SOURCES) {
    const catalog = catalogOf(source);
    if (!catalog) continue;
    for (const field of catalog.fields.values()) {
      const key = field.name.replaceAll('.', '_');
      if (!flattened.has(key)) flattened.set(key, { name: field.name, argAllowed: field.argAllowed });
    }
  }
  return flattened;
}

/**
 * `k8s_ns_name` -> `k8s.ns.name`, `proc_aname[2]` -> `proc.aname[2]`, `evt_arg_flags` ->
 * `evt.arg.flags` (a field taking an argument, its argument after a dot); a name Falco does not
 * know is kept as written.
 */
function unflattenFieldName(key: string): string {
  if (key.includes('.')) return key;
  const names = flattenedNames();
  const bracket = key.indexOf('[');
  const base = bracket === -1 ? key : key.slice(0, bracket);
  const known = names.get(base);
  if (known) return known.name + key.slice(base.length);
  if (bracket !== -1) return key;
  for (let at = key.lastIndexOf('_'); at > 0; at = key.lastIndexOf('_', at - 1)) {
    const field = names.get(key.slice(0, at));
    if (field?.argAllowed) return `${field.name}.${key.slice(at + 1)}`;
  }
  return key;
}

/** An Elasticsearch document's `_source`: the Falco payload, its field names restored. */
export function eventFromDocument(source: unknown, n: number): RecordedEvent | BadLine {
  const event = eventFromValue(source, n);
  if (!('fields' in event)) return event;
  let fields = event.fields;
  for (const key of Object.keys(fields)) {
    if (key.includes('.') || !key.includes('_')) continue;
    // Flattened: rebuild the object with the dotted names, in the same order.
    const restored: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(fields)) restored[unflattenFieldName(k)] = v;
    fields = restored;
    break;
  }
  event.fields = fields;
  return event;
}
