/**
 * A small Loki for the tests: push (`/loki/api/v1/push`) and `query_range` as Loki documents them.
 * Log queries only: a stream selector (`=`, `!=`, `=~`, `!~`) and line filters (`|=`, `!=`,
 * `|~`, `!~`; `| json` accepted); `limit` (default 100, at most max_entries_limit_per_query,
 * 5,000 by default) over every matching stream at once, in time order (`direction` backward by
 * default, or forward); `start` inclusive and `end` exclusive, at most max_query_length apart
 * (721h by default). Tenants (X-Scope-OrgID) when `multiTenant`, a bearer token when
 * `authorization` is set, faults, and a log of every request.
 */
import { StoreServer } from './http.js';
import type { Answer, LoggedRequest } from './http.js';

interface Stream {
  labels: Record<string, string>;
  /** Ascending by time; at one time, in insertion order. */
  ts: bigint[];
  lines: string[];
  keys: Set<string>;
}

type Matcher = { label: string; op: '=' | '!=' | '=~' | '!~'; value: string; re?: RegExp };
type LineFilter = { op: '|=' | '!=' | '|~' | '!~'; value: string; re?: RegExp };

const HOUR_NS = 3_600_000_000_000n;

function unquote(text: string): string {
  return JSON.parse(text.startsWith('`') ? JSON.stringify(text.slice(1, -1)) : text) as string;
}

/** A log query, or the parse error Loki would answer with. */
export function parseLogQuery(query: string): { matchers: Matcher[]; filters: LineFilter[] } | string {
  const selector = /^\s*\{([^}]*)\}/.exec(query);
  if (!selector)
    return `parse error at line 1, col 1: syntax error: unexpected ${query.trim().slice(0, 10) || 'end'}`;
  const matchers: Matcher[] = [];
  const matcherRe = /\s*([A-Za-z_][A-Za-z0-9_]*)\s*(=~|!~|!=|=)\s*("(?:[^"\\]|\\.)*"|`[^`]*`)\s*(,|$)/y;
  const body = selector[1] as string;
  let at = 0;
  while (at < body.length) {
    matcherRe.lastIndex = at;
    const m = matcherRe.exec(body);
    if (!m) return `parse error: invalid matcher near "${body.slice(at, at + 20)}"`;
    const op = m[2] as Matcher['op'];
    const value = unquote(m[3] as string);
    matchers.push({
      label: m[1] as string,
      op,
      value,
      ...(op.endsWith('~') ? { re: new RegExp(`^(?:${value})$`) } : {}),
    });
    at = matcherRe.lastIndex;
  }
  if (!matchers.some((m) => (m.op === '=' && m.value !== '') || (m.op === '=~' && !m.re?.test(''))))
    return 'parse error: queries require at least one regexp or equality matcher that does not have an empty-compatible value';
  const filters: LineFilter[] = [];
  const rest = query.slice(selector[0].length);
  const filterRe = /\s*(\|=|!=|\|~|!~|\|\s*json)\s*("(?:[^"\\]|\\.)*"|`[^`]*`)?/y;
  at = 0;
  while (at < rest.trimEnd().length) {
    filterRe.lastIndex = at;
    const f = filterRe.exec(rest);
    if (!f) return `parse error: unexpected "${rest.slice(at, at + 20).trim()}"`;
    at = filterRe.lastIndex;
    if ((f[1] as string).replace(/\s/g, '') === '|json') continue;
    if (f[2] === undefined) return 'parse error: a line filter needs a string';
    const op = f[1] as LineFilter['op'];
    const value = unquote(f[2]);
    filters.push({ op, value, ...(op.endsWith('~') ? { re: new RegExp(value) } : {}) });
  }
  return { matchers, filters };
}

function matches(labels: Record<string, string>, m: Matcher): boolean {
  const value = labels[m.label] ?? '';
  switch (m.op) {
    case '=':
      return value === m.value;
    case '!=':
      return value !== m.value;
    case '=~':
      return (m.re as RegExp).test(value);
    case '!~':
      return !(m.re as RegExp).test(value);
  }
}

function passes(line: string, f: LineFilter): boolean {
  switch (f.op) {
    case '|=':
      return line.includes(f.value);
    case '!=':
      return !line.includes(f.value);
    case '|~':
      return (f.re as RegExp).test(line);
    case '!~':
      return !(f.re as RegExp).test(line);
  }
}

/** A time parameter: nanoseconds, or RFC 3339. */
function timeParam(text: string | null, fallback: bigint): bigint | undefined {
  if (text === null || text === '') return fallback;
  if (/^\d+$/.test(text)) return BigInt(text);
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : BigInt(ms) * 1_000_000n;
}

function lowerBound(ts: readonly bigint[], value: bigint): number {
  let lo = 0;
  let hi = ts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((ts[mid] as bigint) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export class LokiServer extends StoreServer {
  /** Streams by tenant ('' when single-tenant), then by their labels. */
  private readonly tenants = new Map<string, Map<string, Stream>>();
  maxEntriesLimitPerQuery = 5000;
  maxQueryLengthNs = 721n * HOUR_NS;
  /** Require X-Scope-OrgID, as Loki with auth_enabled does. */
  multiTenant = false;
  /** The clock for the default window (now - 1h to now). */
  now: () => number = Date.now;

  /** Stores entries as a push does: an entry equal to one stored (stream, time, line) is dropped. */
  push(
    streams: readonly { stream: Record<string, string>; values: readonly (readonly [string, string])[] }[],
    tenant = '',
  ): void {
    let store = this.tenants.get(tenant);
    if (!store) this.tenants.set(tenant, (store = new Map<string, Stream>()));
    for (const { stream, values } of streams) {
      const key = JSON.stringify(Object.entries(stream).sort(([a], [b]) => (a < b ? -1 : 1)));
      let s = store.get(key);
      if (!s) store.set(key, (s = { labels: { ...stream }, ts: [], lines: [], keys: new Set() }));
      for (const [time, line] of values) {
        const entryKey = `${time}\n${line}`;
        if (s.keys.has(entryKey)) continue;
        s.keys.add(entryKey);
        const ts = BigInt(time);
        const last = s.ts[s.ts.length - 1];
        if (last === undefined || last <= ts) {
          s.ts.push(ts);
          s.lines.push(line);
        } else {
          const at = lowerBound(s.ts, ts + 1n);
          s.ts.splice(at, 0, ts);
          s.lines.splice(at, 0, line);
        }
      }
    }
  }

  protected unauthorized(): Answer {
    return { status: 401, text: 'Unauthorized\n' };
  }

  protected handle(request: LoggedRequest): Answer {
    const tenant = request.headers['x-scope-orgid'] ?? '';
    if (this.multiTenant && tenant === '') return { status: 401, text: 'no org id\n' };
    if (request.path === '/loki/api/v1/push' && request.method === 'POST') {
      const body = JSON.parse(request.body) as {
        streams: { stream: Record<string, string>; values: [string, string][] }[];
      };
      this.push(body.streams, tenant);
      return { status: 204, text: '' };
    }
    if (request.path === '/loki/api/v1/query_range' && request.method === 'GET')
      return this.queryRange(request.params, tenant);
    if (request.path === '/loki/api/v1/query' && request.method === 'GET')
      return this.countByLabel(request.params, tenant);
    return { status: 404, text: '404 page not found\n' };
  }

  /**
   * The one metric query the tests need, as an instant query: `sum by (label)
   * (count_over_time({selector} [Ns]))`, counting the entries of (time - N s, time].
   */
  private countByLabel(params: URLSearchParams, tenant: string): Answer {
    const bad = (text: string): Answer => ({ status: 400, text: `${text}\n` });
    const match = /^sum by \((\w+)\) \(count_over_time\((.*) \[(\d+)s\]\)\)$/.exec(params.get('query') ?? '');
    if (!match)
      return bad('parse error: this test server answers sum by (label) (count_over_time({...} [Ns])) only');
    const parsed = parseLogQuery(match[2] as string);
    if (typeof parsed === 'string') return bad(parsed);
    const rangeNs = BigInt(match[3] as string) * 1_000_000_000n;
    if (rangeNs > this.maxQueryLengthNs) return bad('the query time range exceeds the limit');
    const time = timeParam(params.get('time'), BigInt(this.now()) * 1_000_000n);
    if (time === undefined) return bad('invalid time');
    const counts = new Map<string, number>();
    for (const stream of this.tenants.get(tenant)?.values() ?? []) {
      if (!parsed.matchers.every((m) => matches(stream.labels, m))) continue;
      const from = lowerBound(stream.ts, time - rangeNs + 1n);
      const to = lowerBound(stream.ts, time + 1n);
      let n = 0;
      for (let i = from; i < to; i++)
        if (parsed.filters.every((f) => passes(stream.lines[i] as string, f))) n++;
      if (n === 0) continue;
      const key = stream.labels[match[1] as string] ?? '';
      counts.set(key, (counts.get(key) ?? 0) + n);
    }
    return {
      status: 200,
      body: {
        status: 'success',
        data: {
          resultType: 'vector',
          result: [...counts].map(([value, n]) => ({
            metric: { [match[1] as string]: value },
            value: [Number(time / 1_000_000n) / 1000, String(n)],
          })),
        },
      },
    };
  }

  private queryRange(params: URLSearchParams, tenant: string): Answer {
    const bad = (text: string): Answer => ({ status: 400, text: `${text}\n` });
    const query = params.get('query');
    if (!query) return bad('query must be supplied');
    const parsed = parseLogQuery(query);
    if (typeof parsed === 'string') return bad(parsed);
    const nowNs = BigInt(this.now()) * 1_000_000n;
    const end = timeParam(params.get('end'), nowNs);
    const start = timeParam(params.get('start'), (end ?? nowNs) - HOUR_NS);
    if (end === undefined || start === undefined)
      return bad('invalid start or end: not a nanosecond timestamp or RFC 3339 date');
    if (end < start)
      return bad('invalid start and end: end timestamp must not be before or equal to start time');
    if (end - start > this.maxQueryLengthNs)
      return bad(
        `the query time range exceeds the limit (query length: ${(Number(end - start) / 3.6e12).toFixed(0)}h, limit: ${(Number(this.maxQueryLengthNs) / 3.6e12).toFixed(0)}h)`,
      );
    const limitText = params.get('limit') ?? '100';
    if (!/^\d+$/.test(limitText) || Number(limitText) === 0) return bad('limit must be a positive value');
    const limit = Number(limitText);
    if (limit > this.maxEntriesLimitPerQuery)
      return bad(
        `max entries limit per query exceeded, limit > max_entries_limit_per_query (${limit} > ${this.maxEntriesLimitPerQuery})`,
      );
    const direction = params.get('direction') ?? 'backward';
    if (direction !== 'forward' && direction !== 'backward') return bad(`invalid direction "${direction}"`);
    const forward = direction === 'forward';
    // The matching streams' entries of [start, end) that pass the filters, merged in direction
    // order across streams until `limit` (each stream is sorted: a merge, not a sort).
    const cursors: { stream: Stream; next: number; stop: number }[] = [];
    for (const stream of this.tenants.get(tenant)?.values() ?? []) {
      if (!parsed.matchers.every((m) => matches(stream.labels, m))) continue;
      const from = lowerBound(stream.ts, start);
      const to = lowerBound(stream.ts, end);
      if (from < to)
        cursors.push(forward ? { stream, next: from, stop: to } : { stream, next: to - 1, stop: from - 1 });
    }
    const step = forward ? 1 : -1;
    const chosen: { stream: Stream; index: number }[] = [];
    while (chosen.length < limit) {
      let best: (typeof cursors)[number] | undefined;
      for (const cursor of cursors) {
        if (cursor.next === cursor.stop) continue;
        if (!best) best = cursor;
        else {
          const a = cursor.stream.ts[cursor.next] as bigint;
          const b = best.stream.ts[best.next] as bigint;
          if (forward ? a < b : a > b) best = cursor;
        }
      }
      if (!best) break;
      const index = best.next;
      best.next += step;
      if (parsed.filters.every((f) => passes(best.stream.lines[index] as string, f)))
        chosen.push({ stream: best.stream, index });
    }
    const byStream = new Map<Stream, [string, string][]>();
    for (const { stream, index } of chosen) {
      let values = byStream.get(stream);
      if (!values) byStream.set(stream, (values = []));
      values.push([(stream.ts[index] as bigint).toString(), stream.lines[index] as string]);
    }
    return {
      status: 200,
      body: {
        status: 'success',
        data: {
          resultType: 'streams',
          result: [...byStream].map(([stream, values]) => ({ stream: stream.labels, values })),
          stats: { summary: { totalEntriesReturned: chosen.length } },
        },
      },
    };
  }
}
