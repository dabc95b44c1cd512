/**
 * Events from Loki's `query_range`, oldest first (`direction=forward`). Loki answers at most
 * `limit` lines a query (max_entries_limit_per_query, 5,000 by default) over at most
 * max_query_length, so the window is cut into `split` pieces and each is paged by time: the next
 * query starts at the last timestamp seen (start is inclusive), and the lines already read at
 * that nanosecond are skipped by their stream and text. Loki keeps one entry per stream,
 * timestamp and line, so that key is exact: nothing is lost or read twice at a page boundary,
 * however many lines share it, as long as fewer than `limit` do.
 */
import type { LokiSourceConfig } from '../../core/config.js';
import { UserError } from '../../core/errors.js';
import { eventFromLokiLine } from './falcosidekick.js';
import { StoreError, authorization, storeJson } from './http.js';
import type { StoreHttpOptions } from './http.js';
import type { EventSink, EventSource, SourceCounts } from './source.js';
import { nsToRfc3339, parseDuration, windowOf } from './window.js';
import type { Window } from './window.js';

const LOKI_DEFAULT_LIMIT = 5000;
const DEFAULT_SPLIT = '24h';

interface LokiStream {
  stream: Record<string, string>;
  values: [string, string][];
}

/** The `streams` of a query_range answer, checked. */
function streamsOf(body: unknown, where: string): LokiStream[] {
  const data = (body as { status?: unknown; data?: { resultType?: unknown; result?: unknown } }).data;
  if (data?.resultType !== 'streams' || !Array.isArray(data.result))
    throw new StoreError(
      `${where}: query_range did not answer log streams (resultType ${String(data?.resultType)}); the query must be a log query ({selector} and line filters), not a metric query`,
    );
  return data.result as LokiStream[];
}

/**
 * A line filter that keeps the payloads of the given event types: falcosidekick writes the
 * payload with Go's encoding/json, so a field reads `"evt.type":"openat"`, without spaces.
 */
function typeFilter(types: ReadonlySet<string>): string {
  const names = [...types].sort().map((t) => t.replace(/[^A-Za-z0-9_]/g, ''));
  return ` |~ ${JSON.stringify(`"evt\\.type":"(${names.join('|')})"`)}`;
}

/** The display name of a Loki source: its URL and query, never a credential. */
function lokiDisplay(config: LokiSourceConfig): string {
  return `loki ${config.url} ${config.query}`;
}

export function lokiSource(config: LokiSourceConfig, options: StoreHttpOptions): EventSource {
  const display = lokiDisplay(config);
  const where = `loki ${config.url}`;
  const base = config.url.endsWith('/') ? config.url : `${config.url}/`;
  const prepare = (): { window: Window; split: bigint; headers: Record<string, string> } => {
    const window = windowOf(config, (options.now ?? Date.now)());
    if (typeof window === 'string') throw new UserError(`${where}: ${window}`);
    const split = parseDuration(config.split ?? DEFAULT_SPLIT);
    if (split === undefined || split <= 0n)
      throw new UserError(`${where}: split: "${config.split ?? ''}" is not a duration such as 24h`);
    const headers: Record<string, string> = {};
    const auth = authorization(config, options.env, where, 'Bearer');
    if (auth) headers.authorization = auth;
    if (config.tenant) headers['x-scope-orgid'] = config.tenant;
    return { window, split, headers };
  };
  return {
    display,
    store: true,
    async countByRule(): Promise<Map<string, number>> {
      const { window, split, headers } = prepare();
      const counts = new Map<string, number>();
      // One instant query per piece, at its end, over its length: Loki's max_query_length holds.
      for (let pieceStart = window.startNs; pieceStart < window.endNs; pieceStart += split) {
        const pieceEnd = pieceStart + split < window.endNs ? pieceStart + split : window.endNs;
        const seconds = (pieceEnd - pieceStart + 999_999_999n) / 1_000_000_000n;
        const url = new URL('loki/api/v1/query', base);
        url.searchParams.set('query', `sum by (rule) (count_over_time(${config.query} [${seconds}s]))`);
        url.searchParams.set('time', pieceEnd.toString());
        const body = (await storeJson({ method: 'GET', url, headers, where, auth: config }, options)) as {
          data?: { resultType?: unknown; result?: { metric?: { rule?: unknown }; value?: unknown[] }[] };
        };
        if (body.data?.resultType !== 'vector' || !Array.isArray(body.data.result))
          throw new StoreError(`${where}: the count per rule did not answer a vector`);
        for (const sample of body.data.result) {
          const rule = typeof sample.metric?.rule === 'string' ? sample.metric.rule : '';
          const n = Number(sample.value?.[1]);
          if (Number.isFinite(n)) counts.set(rule, (counts.get(rule) ?? 0) + n);
        }
      }
      return counts;
    },
    async read(sink: EventSink): Promise<SourceCounts> {
      const { window, split, headers } = prepare();
      const limit = config.limit ?? LOKI_DEFAULT_LIMIT;
      const counts: SourceCounts = { events: 0, bad: 0 };
      const query = sink.types ? `${config.query}${typeFilter(sink.types)}` : config.query;
      const span = Number(window.endNs - window.startNs);
      for (let pieceStart = window.startNs; pieceStart < window.endNs; pieceStart += split) {
        const pieceEnd = pieceStart + split < window.endNs ? pieceStart + split : window.endNs;
        await readPiece({ startNs: pieceStart, endNs: pieceEnd }, async (at) => {
          await sink.progress(Number(at - window.startNs) / span);
        });
      }
      return counts;

      async function readPiece(piece: Window, progress: (at: bigint) => Promise<void>): Promise<void> {
        let start = piece.startNs;
        // The lines read at `start` (the previous page's last nanosecond), by stream and text.
        let seenAtStart = new Set<string>();
        for (;;) {
          const url = new URL('loki/api/v1/query_range', base);
          url.searchParams.set('query', query);
          url.searchParams.set('start', start.toString());
          url.searchParams.set('end', piece.endNs.toString());
          url.searchParams.set('limit', String(limit));
          url.searchParams.set('direction', 'forward');
          const body = await storeJson({ method: 'GET', url, headers, where, auth: config }, options);
          const entries: { ts: bigint; key: string; line: string }[] = [];
          for (const stream of streamsOf(body, where)) {
            const labels = JSON.stringify(
              Object.entries(stream.stream).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
            );
            for (const [ts, line] of stream.values)
              entries.push({ ts: BigInt(ts), key: `${labels}\n${line}`, line });
          }
          // Streams come one after the other: the events go on in time order.
          entries.sort((a, b) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : 0));
          let last = start;
          let fresh = 0;
          for (const entry of entries) {
            if (entry.ts === start && seenAtStart.has(entry.key)) continue;
            fresh++;
            last = entry.ts;
            const n = counts.events + counts.bad + 1;
            const event = eventFromLokiLine(entry.line, n);
            if ('fields' in event) {
              counts.events++;
              sink.event(event);
            } else {
              counts.bad++;
              sink.bad(`${where} line at ${nsToRfc3339(entry.ts)}`, event.message);
            }
          }
          if (entries.length < limit) return progress(piece.endNs);
          if (fresh === 0)
            throw new StoreError(
              `${where}: more than ${limit} lines share the timestamp ${nsToRfc3339(start)}; raise limit (and Loki's max_entries_limit_per_query) to read them all`,
            );
          const lastTs = entries[entries.length - 1]?.ts ?? last;
          const atLast = new Set<string>(lastTs === start ? seenAtStart : []);
          for (const entry of entries) if (entry.ts === lastTs) atLast.add(entry.key);
          seenAtStart = atLast;
          start = lastTs;
          await progress(start);
        }
      }
    },
  };
}
