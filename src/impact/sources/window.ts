/**
 * The time window a store is read over: `since` (a duration back from now: 90s, 30m, 24h, 7d,
 * 2w) or `from`/`to` (RFC 3339; `to` defaults to now). Nanoseconds since the epoch, as BigInt:
 * Loki's timestamps are nanoseconds and do not fit a double.
 */
export interface Window {
  /** Inclusive. */
  startNs: bigint;
  /** Exclusive. */
  endNs: bigint;
}

const UNIT_NS: Record<string, bigint> = {
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
  d: 86_400_000_000_000n,
  w: 604_800_000_000_000n,
};

/** A duration such as `7d` in nanoseconds, or undefined when it is not one. */
export function parseDuration(text: string): bigint | undefined {
  const match = /^(\d{1,6})([smhdw])$/.exec(text.trim());
  if (!match) return undefined;
  return BigInt(match[1] as string) * (UNIT_NS[match[2] as string] as bigint);
}

const RFC3339 = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/;

/** An RFC 3339 date (nanoseconds kept) in nanoseconds since the epoch, or undefined. */
export function parseRfc3339(text: string): bigint | undefined {
  const match = RFC3339.exec(text.trim());
  if (!match) return undefined;
  const ms = Date.parse(`${match[1] as string}${match[3] as string}`);
  if (Number.isNaN(ms)) return undefined;
  const fraction = (match[2] ?? '').padEnd(9, '0');
  return BigInt(ms) * 1_000_000n + BigInt(fraction);
}

export interface WindowSpec {
  since?: string;
  from?: string;
  to?: string;
}

/** The window, or the message that says which setting is wrong and how to write it. */
export function windowOf(spec: WindowSpec, nowMs: number): Window | string {
  const nowNs = BigInt(nowMs) * 1_000_000n;
  if (spec.since !== undefined && (spec.from !== undefined || spec.to !== undefined))
    return 'give either since or from/to, not both';
  if (spec.since !== undefined) {
    const back = parseDuration(spec.since);
    if (back === undefined)
      return `since: "${spec.since}" is not a duration; write it as 90s, 30m, 24h, 7d or 2w`;
    return { startNs: nowNs - back, endNs: nowNs };
  }
  if (spec.from === undefined) return 'a store needs since (for example 7d) or from (RFC 3339)';
  const start = parseRfc3339(spec.from);
  if (start === undefined)
    return `from: "${spec.from}" is not an RFC 3339 date; write it as 2026-11-20T00:00:00Z`;
  const end = spec.to === undefined ? nowNs : parseRfc3339(spec.to);
  if (end === undefined)
    return `to: "${spec.to ?? ''}" is not an RFC 3339 date; write it as 2026-11-27T00:00:00Z`;
  if (end <= start) return `to (${spec.to ?? 'now'}) must come after from (${spec.from})`;
  return { startNs: start, endNs: end };
}

/** Nanoseconds as RFC 3339 with nanoseconds, UTC. */
export function nsToRfc3339(ns: bigint): string {
  const ms = ns / 1_000_000n;
  const iso = new Date(Number(ms)).toISOString().slice(0, 19);
  const fraction = (ns % 1_000_000_000n).toString().padStart(9, '0');
  return `${iso}.${fraction}Z`;
}
