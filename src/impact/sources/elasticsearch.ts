/**
 * Events from Elasticsearch or OpenSearch, oldest first, through a point in time and
 * `search_after`: Elasticsearch's `/_pit` with its `_shard_doc` tiebreaker (7.10 on), OpenSearch's
 * `/_search/point_in_time` (2.4 on) with `_id` as tiebreaker, and a scroll where neither exists.
 * `@timestamp` has milliseconds, which many events share: the tiebreaker is what keeps a page
 * boundary from losing or repeating them. A page is at most 10,000 documents
 * (index.max_result_window); only one is in memory at a time.
 */
import type { ElasticsearchSourceConfig } from '../../core/config.js';
import { UserError } from '../../core/errors.js';
import { eventFromDocument } from './falcosidekick.js';
import { StoreError, authorization, storeJson } from './http.js';
import type { StoreHttpOptions, StoreRequest } from './http.js';
import type { EventSink, EventSource, SourceCounts } from './source.js';
import { nsToRfc3339, windowOf } from './window.js';
import { textOf } from '../../core/text.js';

const DEFAULT_PAGE = 1000;
const KEEP_ALIVE = '5m';

interface Hit {
  _id?: string;
  _source?: unknown;
  sort?: unknown[];
}

interface SearchAnswer {
  pit_id?: string;
  _scroll_id?: string;
  hits?: { total?: { value?: number } | number; hits?: Hit[] };
}

type Paging = { kind: 'pit-es' } | { kind: 'pit-opensearch' } | { kind: 'scroll' };

/** The version a store reports at its root, as the paging it supports. */
function pagingOf(root: unknown): Paging {
  const version = (root as { version?: { number?: unknown; distribution?: unknown } }).version;
  const [major = 0, minor = 0] = (textOf(version?.number) || '0.0')
    .split('.')
    .map((p) => Number.parseInt(p, 10) || 0);
  const at = (m: number, n: number): boolean => major > m || (major === m && minor >= n);
  if (version?.distribution === 'opensearch')
    return at(2, 4) ? { kind: 'pit-opensearch' } : { kind: 'scroll' };
  return at(7, 10) ? { kind: 'pit-es' } : { kind: 'scroll' };
}

function elasticsearchDisplay(config: ElasticsearchSourceConfig): string {
  return `elasticsearch ${config.url} ${config.index}`;
}

export function elasticsearchSource(
  config: ElasticsearchSourceConfig,
  options: StoreHttpOptions,
): EventSource {
  const display = elasticsearchDisplay(config);
  const where = `elasticsearch ${config.url}`;
  const base = config.url.endsWith('/') ? config.url : `${config.url}/`;
  const index = encodeURIComponent(config.index).replace(/%2A/gi, '*').replace(/%2C/gi, ',');
  const prepare = (): {
    range: unknown;
    call: (method: StoreRequest['method'], path: string, body?: unknown) => Promise<unknown>;
  } => {
    const window = windowOf(config, (options.now ?? Date.now)());
    if (typeof window === 'string') throw new UserError(`${where}: ${window}`);
    const headers: Record<string, string> = {};
    const auth = authorization(config, options.env, where);
    if (auth) headers.authorization = auth;
    const range = {
      range: {
        '@timestamp': {
          gte: nsToRfc3339(window.startNs),
          lt: nsToRfc3339(window.endNs),
          format: 'strict_date_optional_time_nanos',
        },
      },
    };
    const call = (method: StoreRequest['method'], path: string, body?: unknown): Promise<unknown> =>
      storeJson(
        {
          method,
          url: new URL(path, base),
          headers,
          where,
          auth: config,
          ...(body === undefined ? {} : { body }),
        },
        options,
      );
    return { range, call };
  };
  return {
    display,
    store: true,
    async countByRule(): Promise<Map<string, number>> {
      const { range, call } = prepare();
      const answer = (await call('POST', `${index}/_search`, {
        size: 0,
        query: { bool: { filter: config.query ? [range, config.query] : [range] } },
        aggs: { rules: { terms: { field: 'rule.keyword', size: 10_000 } } },
      })) as { aggregations?: { rules?: { buckets?: { key?: unknown; doc_count?: unknown }[] } } };
      const buckets = answer.aggregations?.rules?.buckets;
      if (!Array.isArray(buckets)) throw new StoreError(`${where}: the count per rule answered no buckets`);
      return new Map(buckets.map((b) => [String(b.key), Number(b.doc_count)]));
    },
    async read(sink: EventSink): Promise<SourceCounts> {
      const { range, call } = prepare();
      const size = config.pageSize ?? DEFAULT_PAGE;
      const paging = pagingOf(await call('GET', ''));
      const filter: unknown[] = config.query ? [range, config.query] : [range];
      if (sink.types) {
        // The field as dynamic mapping keeps it, and as flattenfields (or the index template) writes it.
        const types = [...sink.types].sort();
        filter.push({
          bool: {
            should: [
              { terms: { 'output_fields.evt.type.keyword': types } },
              { terms: { 'output_fields.evt_type.keyword': types } },
            ],
            minimum_should_match: 1,
          },
        });
      }
      const query = { bool: { filter } };
      const timeSort = { '@timestamp': { order: 'asc', format: 'strict_date_optional_time_nanos' } };
      const counts: SourceCounts = { events: 0, bad: 0 };
      let total: number | undefined;
      const take = async (answer: SearchAnswer): Promise<Hit[]> => {
        const hits = answer.hits?.hits;
        if (!Array.isArray(hits)) throw new StoreError(`${where}: a search answered without hits.hits`);
        const t = answer.hits?.total;
        if (total === undefined) total = typeof t === 'number' ? t : t?.value;
        for (const hit of hits) {
          const n = counts.events + counts.bad + 1;
          const event = eventFromDocument(hit._source, n);
          if ('fields' in event) {
            counts.events++;
            sink.event(event);
          } else {
            counts.bad++;
            sink.bad(`${where} document ${hit._id ?? `#${n}`}`, event.message);
          }
        }
        await sink.progress(total ? Math.min(1, (counts.events + counts.bad) / total) : undefined);
        return hits;
      };

      if (paging.kind === 'scroll') {
        let answer = (await call('POST', `${index}/_search?scroll=${KEEP_ALIVE}`, {
          size,
          query,
          sort: [timeSort, '_doc'],
          track_total_hits: true,
        })) as SearchAnswer;
        let scrollId = answer._scroll_id;
        try {
          while ((await take(answer)).length > 0 && scrollId) {
            answer = (await call('POST', '_search/scroll', {
              scroll: KEEP_ALIVE,
              scroll_id: scrollId,
            })) as SearchAnswer;
            scrollId = answer._scroll_id ?? scrollId;
          }
        } finally {
          if (scrollId)
            await call('DELETE', '_search/scroll', { scroll_id: scrollId }).catch(() => undefined);
        }
        return counts;
      }

      const opensearch = paging.kind === 'pit-opensearch';
      const opened = (await call(
        'POST',
        opensearch
          ? `${index}/_search/point_in_time?keep_alive=${KEEP_ALIVE}`
          : `${index}/_pit?keep_alive=${KEEP_ALIVE}`,
      )) as { id?: unknown; pit_id?: unknown };
      let pit = opensearch ? opened.pit_id : opened.id;
      if (typeof pit !== 'string') throw new StoreError(`${where}: opening a point in time answered no id`);
      try {
        let after: unknown[] | undefined;
        for (let first = true; ; first = false) {
          const answer = (await call('POST', '_search', {
            size,
            query,
            pit: { id: pit, keep_alive: KEEP_ALIVE },
            sort: [timeSort, opensearch ? { _id: 'asc' } : { _shard_doc: 'asc' }],
            track_total_hits: first,
            ...(after ? { search_after: after } : {}),
          })) as SearchAnswer;
          if (typeof answer.pit_id === 'string') pit = answer.pit_id;
          const hits = await take(answer);
          if (hits.length < size) break;
          after = hits[hits.length - 1]?.sort;
          if (!Array.isArray(after))
            throw new StoreError(`${where}: a sorted search answered hits without sort values`);
        }
      } finally {
        const id = pit;
        await (
          opensearch
            ? call('DELETE', '_search/point_in_time', { pit_id: [id] })
            : call('DELETE', '_pit', { id })
        ).catch(() => undefined);
      }
      return counts;
    },
  };
}
