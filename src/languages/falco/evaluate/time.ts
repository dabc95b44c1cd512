/**
 * Event times with Falco's nanosecond precision: an ISO 8601 string (`2026-11-28T12:00:00.123456789Z`)
 * or nanoseconds since the epoch (a number or a string of digits), kept as a bigint.
 */

const ISO = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9})\d*)?(Z|[+-]\d\d:?\d\d)$/;

/** Nanoseconds since the epoch, or undefined when the value is no time. */
export function parseEventTime(value: unknown): bigint | undefined {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return BigInt(Math.trunc(value));
  if (typeof value !== 'string') return undefined;
  if (/^\d{1,20}$/.test(value)) return BigInt(value);
  const m = ISO.exec(value);
  if (!m) return undefined;
  const ms = Date.parse(`${m[1]}${m[3]}`);
  if (Number.isNaN(ms)) return undefined;
  const fraction = BigInt((m[2] ?? '').padEnd(9, '0'));
  return BigInt(ms) * 1_000_000n + fraction;
}

function split(ns: bigint): { date: Date; fraction: string } {
  const ms = ns / 1_000_000n;
  const fraction = (ns % 1_000_000_000n).toString().padStart(9, '0');
  return { date: new Date(Number(ms)), fraction };
}

/** `2026-11-28T12:00:00.123456789Z`, as Falco's JSON `time`. */
export function isoTime(ns: bigint): string {
  const { date, fraction } = split(ns);
  return `${date.toISOString().slice(0, 19)}.${fraction}Z`;
}

/** `12:00:00.123456789`, the prefix of Falco's output line (UTC here; Falco uses local time). */
export function clockTime(ns: bigint): string {
  const { date, fraction } = split(ns);
  return `${date.toISOString().slice(11, 19)}.${fraction}`;
}
