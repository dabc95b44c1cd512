/**
 * Events in the shapes falcosidekick writes, for loading the test stores: the Falco payload
 * (`uuid`, `output`, `priority`, `rule`, `time`, `output_fields`, `source`, `tags`, `hostname`),
 * a Loki stream labelled as its Loki output labels one (line: the payload's JSON, `format: json`),
 * and the Elasticsearch document (the payload and its `@timestamp`, dots of the field names
 * flattened to underscores when asked). A raw event (`fields`) becomes the payload of the chs
 * recorder's rule, as the recorder ships it.
 */
import { randomUUID } from 'node:crypto';
import { parseRfc3339 } from '../../src/impact/sources/window.js';

export interface FalcoPayload {
  uuid: string;
  output: string;
  priority: string;
  rule: string;
  time: string;
  output_fields: Record<string, unknown>;
  source: string;
  tags?: string[];
  hostname?: string;
}

/** A JSON Lines event (an alert or `{"time","source","fields"}`) as the payload falcosidekick receives. */
export function payloadOf(line: Record<string, unknown>, uuid: string = randomUUID()): FalcoPayload {
  if (line.output_fields !== undefined) return { uuid, ...(line as unknown as Omit<FalcoPayload, 'uuid'>) };
  return {
    uuid,
    output: '',
    priority: 'Debug',
    rule: 'chs recorder',
    time: String(line.time),
    output_fields: line.fields as Record<string, unknown>,
    source: typeof line.source === 'string' ? line.source : 'syscall',
    tags: ['chs'],
    ...(typeof line.hostname === 'string' ? { hostname: line.hostname } : {}),
  };
}

/** The Loki stream falcosidekick pushes for a payload (`loki.format: json`, or `text`). */
export function lokiStreamOf(
  payload: FalcoPayload,
  format: 'json' | 'text' = 'json',
): { stream: Record<string, string>; values: [string, string][] } {
  const stream: Record<string, string> = {
    rule: payload.rule,
    source: payload.source,
    priority: payload.priority,
  };
  const ns = payload.output_fields['k8s.ns.name'];
  if (typeof ns === 'string') stream.k8s_ns_name = ns;
  const pod = payload.output_fields['k8s.pod.name'];
  if (typeof pod === 'string') stream.k8s_pod_name = pod;
  if (payload.hostname) stream.hostname = payload.hostname;
  if (payload.tags && payload.tags.length > 0) stream.tags = [...payload.tags].sort().join(',');
  const ts = parseRfc3339(payload.time);
  if (ts === undefined) throw new Error(`not an RFC 3339 time: ${payload.time}`);
  return { stream, values: [[ts.toString(), format === 'json' ? JSON.stringify(payload) : payload.output]] };
}

/** The Elasticsearch document falcosidekick indexes for a payload. */
export function esDocumentOf(payload: FalcoPayload, flatten = false): Record<string, unknown> {
  const outputFields = flatten
    ? Object.fromEntries(Object.entries(payload.output_fields).map(([k, v]) => [k.replaceAll('.', '_'), v]))
    : payload.output_fields;
  return { ...payload, output_fields: outputFields, '@timestamp': payload.time };
}
