/** An alert in the shape of Falco's JSON output (`json_output: true`). */
import type { CompiledRule } from './engine.js';
import type { RecordedEvent } from './events.js';
import { priorityName } from './output.js';
import { clockTime, isoTime, parseEventTime } from './time.js';

export interface Alert {
  time: string;
  rule: string;
  priority: string;
  source: string;
  output: string;
  output_fields: Record<string, unknown>;
  tags: string[];
  hostname: string;
}

/** The event's time in nanoseconds: its line's `time`, else its `evt.time` field, else the epoch. */
function eventTime(event: RecordedEvent): bigint {
  return parseEventTime(event.time) ?? parseEventTime(event.fields['evt.time']) ?? 0n;
}

export function buildAlert(rule: CompiledRule, event: RecordedEvent, defaultHostname: string): Alert {
  const ns = eventTime(event);
  const priority = priorityName(rule.rule.priority);
  return {
    time: isoTime(ns),
    rule: rule.rule.name,
    priority,
    source: rule.rule.source,
    output: `${clockTime(ns)}: ${priority} ${rule.output.render(event.fields)}`,
    // Falco puts the event time first; it is nanoseconds, beyond a double's precision.
    output_fields: { 'evt.time': ns, ...rule.output.values(event.fields) },
    tags: [...rule.rule.tags],
    hostname: event.hostname ?? defaultHostname,
  };
}

/** One JSON line, bigints (the nanosecond time) written as exact integers. */
export function alertJson(alert: Alert): string {
  return JSON.stringify(alert, (_key, value: unknown) =>
    typeof value === 'bigint' ? `\u0000bigint:${value}` : value,
  ).replace(/"\\u0000bigint:(\d+)"/g, '$1');
}
