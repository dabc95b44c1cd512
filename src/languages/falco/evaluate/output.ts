/**
 * Rule outputs and alerts as Falco formats them: `%field` (or `%field[arg]`, `%(field)`) becomes
 * the event's value and an absent field `<NA>`; the alert's `output` is prefixed with the event
 * time and priority, and `output_fields` holds every field of the output (absent ones as null)
 * plus `evt.time`, as Falco's JSON output does.
 */
import { fieldExtractor } from './fields.js';
import type { Extract, Fields } from './fields.js';
import { textOf } from '../../../core/text.js';

export interface OutputFormat {
  /** Fields the output names, in order of first appearance (each once). */
  readonly keys: readonly string[];
  render(fields: Fields): string;
  values(fields: Fields): Record<string, unknown>;
}

const TOKEN = /%(?:\(([^)\s]+)\)|([A-Za-z_][A-Za-z0-9_.]*(?:\[[^\]\s]*\])?))/g;

function extractorFor(key: string): Extract {
  const bracket = /^([^[]+)\[([^\]]*)\]$/.exec(key);
  const name = bracket ? (bracket[1] as string) : key;
  const field = bracket
    ? { kind: 'field' as const, name, arg: bracket[2] as string, start: 0, end: 0 }
    : { kind: 'field' as const, name, start: 0, end: 0 };
  return fieldExtractor(field);
}

/** How Falco prints one value in an output string. */
function displayValue(value: unknown): string {
  if (value === undefined || value === null) return '<NA>';
  if (Array.isArray(value)) return `(${value.map(displayValue).join(',')})`;
  return textOf(value);
}

export function compileOutput(format: string): OutputFormat {
  const parts: (string | Extract)[] = [];
  const keys: string[] = [];
  const extractors = new Map<string, Extract>();
  let last = 0;
  for (const match of format.matchAll(TOKEN)) {
    let key = (match[1] ?? match[2]) as string;
    let tail = '';
    // A sentence may end right after a field: "%proc.name." names proc.name.
    while (key.endsWith('.')) {
      key = key.slice(0, -1);
      tail += '.';
    }
    parts.push(format.slice(last, match.index));
    let extract = extractors.get(key);
    if (extract === undefined) {
      extract = extractorFor(key);
      extractors.set(key, extract);
      keys.push(key);
    }
    parts.push(extract);
    if (tail) parts.push(tail);
    last = match.index + match[0].length;
  }
  parts.push(format.slice(last));
  const ordered = keys.map((key) => [key, extractors.get(key) as Extract] as const);
  return {
    keys,
    render: (fields) => {
      let out = '';
      for (const part of parts) out += typeof part === 'string' ? part : displayValue(part(fields));
      return out;
    },
    values: (fields) => {
      const out: Record<string, unknown> = {};
      for (const [key, extract] of ordered) out[key] = extract(fields) ?? null;
      return out;
    },
  };
}

const PRIORITIES: Readonly<Record<string, string>> = {
  emergency: 'Emergency',
  alert: 'Alert',
  critical: 'Critical',
  error: 'Error',
  warning: 'Warning',
  notice: 'Notice',
  info: 'Informational',
  informational: 'Informational',
  debug: 'Debug',
};

/** Falco's spelling of a priority (`WARNING` -> `Warning`, `INFO` -> `Informational`). */
export function priorityName(priority: string): string {
  return PRIORITIES[priority.toLowerCase()] ?? priority;
}
