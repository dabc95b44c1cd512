// The Elasticsearch test server answers as Elasticsearch and OpenSearch document _search, points
// in time, search_after, sort, the result window and their errors.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ElasticsearchServer } from './elasticsearch.js';

let server: ElasticsearchServer;
beforeEach(async () => {
  server = await new ElasticsearchServer().start();
  server.add('falco-1', [
    { '@timestamp': '2026-11-20T00:00:00.002Z', n: 3 },
    { '@timestamp': '2026-11-20T00:00:00.001Z', n: 1 },
  ]);
  server.add('falco-2', [{ '@timestamp': '2026-11-20T00:00:00.001Z', n: 2 }]);
  server.add('other', [{ '@timestamp': '2026-11-20T00:00:00.001Z', n: 9 }]);
});
afterEach(async () => {
  await server.close();
});

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; body: Answer }> {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as Answer };
}

/** What the tests read of an answer. */
interface Answer {
  id: string;
  pit_id: string;
  _scroll_id: string;
  version: unknown;
  pits: { successful: boolean }[];
  error: { reason: string };
  hits: { total: unknown; hits: { _source: { n: number }; sort: unknown[] }[] };
}

const ns = (hits: { _source: { n: number } }[]): number[] => hits.map((h) => h._source.n);

describe('Elasticsearch test server', () => {
  it('pages a point in time with search_after and _shard_doc; a PIT keeps the documents of its opening', async () => {
    const { body: opened } = await call('POST', '/falco-*/_pit?keep_alive=1m');
    server.add('falco-1', [{ '@timestamp': '2026-11-20T00:00:00.000Z', n: 0 }]);
    const sort = [{ '@timestamp': 'asc' }, { _shard_doc: 'asc' }];
    const first = await call('POST', '/_search', {
      size: 2,
      pit: { id: opened.id, keep_alive: '1m' },
      sort,
      track_total_hits: true,
    });
    expect(first.body.hits.total).toEqual({ value: 3, relation: 'eq' });
    expect(ns(first.body.hits.hits)).toEqual([1, 2]);
    const after = first.body.hits.hits[1]?.sort;
    const second = await call('POST', '/_search', {
      size: 2,
      pit: { id: opened.id, keep_alive: '1m' },
      sort,
      search_after: after,
    });
    expect(ns(second.body.hits.hits)).toEqual([3]);
    expect((await call('DELETE', '/_pit', { id: opened.id })).body).toEqual({
      succeeded: true,
      num_freed: 1,
    });
    expect((await call('POST', '/_search', { pit: { id: opened.id } })).status).toBe(404);
  });

  it('refuses what Elasticsearch refuses', async () => {
    const cases: [string, string, unknown, number, string][] = [
      [
        'POST',
        '/falco-*/_search',
        { size: 10_001 },
        400,
        'Result window is too large, from + size must be less than or equal to: [10000] but was [10001]. See the scroll api for a more efficient way to request large data sets.',
      ],
      [
        'POST',
        '/falco-*/_search',
        { sort: [{ _shard_doc: 'asc' }] },
        400,
        '[_shard_doc] sort field cannot be used without [point in time]',
      ],
      [
        'POST',
        '/falco-*/_search',
        { sort: [{ _id: 'asc' }] },
        400,
        'Fielddata access on the _id field is disallowed, you can re-enable it by updating the dynamic cluster setting: indices.id_field_data.enabled',
      ],
      ['POST', '/falco-*/_search', { query: { fuzzy: {} } }, 400, 'unknown query [fuzzy]'],
      ['POST', '/falco-*/_pit', undefined, 400, 'Validation Failed: 1: [keep_alive] is not specified;'],
      [
        'POST',
        '/falco-*/_search',
        { sort: ['n'], search_after: [1, 2] },
        400,
        'search_after has 2 value(s) but sort has 1.',
      ],
    ];
    for (const [method, path, body, status, reason] of cases) {
      const answer = await call(method, path, body);
      expect(answer.status).toBe(status);
      expect(answer.body.error.reason).toBe(reason);
    }
  });

  it('filters by range and term; answers 429 with Retry-After when told', async () => {
    const ranged = await call('POST', '/falco-*,other/_search', {
      query: {
        bool: {
          filter: [
            { range: { '@timestamp': { gte: '2026-11-20T00:00:00.001Z', lt: '2026-11-20T00:00:00.002Z' } } },
            { term: { n: 9 } },
          ],
        },
      },
    });
    expect(ns(ranged.body.hits.hits)).toEqual([9]);
    server.faults.push({ path: '_search', status: 429, retryAfter: '1' });
    const response = await fetch(`${server.url}/falco-*/_search`, { method: 'POST' });
    expect([response.status, response.headers.get('retry-after')]).toEqual([429, '1']);
  });

  it('as OpenSearch: /_search/point_in_time and _id as tiebreaker; no /_pit', async () => {
    server.flavour = 'opensearch';
    server.version = '2.17.0';
    expect((await call('GET', '/')).body.version).toEqual({ number: '2.17.0', distribution: 'opensearch' });
    expect((await call('POST', '/falco-*/_pit?keep_alive=1m')).status).toBe(405);
    const { body: opened } = await call('POST', '/falco-*/_search/point_in_time?keep_alive=1m');
    const page = await call('POST', '/_search', {
      size: 5,
      pit: { id: opened.pit_id },
      sort: [{ '@timestamp': 'asc' }, { _id: 'asc' }],
    });
    expect(ns(page.body.hits.hits)).toEqual([1, 2, 3]);
    expect(
      (await call('DELETE', '/_search/point_in_time', { pit_id: [opened.pit_id] })).body.pits[0]?.successful,
    ).toBe(true);
  });

  it('scrolls where there is no point in time', async () => {
    server.version = '7.9.3';
    expect((await call('POST', '/falco-*/_pit?keep_alive=1m')).status).toBe(405);
    const first = await call('POST', '/falco-*/_search?scroll=1m', {
      size: 2,
      sort: [{ '@timestamp': 'asc' }, '_doc'],
    });
    expect(ns(first.body.hits.hits)).toEqual([1, 2]);
    const next = await call('POST', '/_search/scroll', { scroll: '1m', scroll_id: first.body._scroll_id });
    expect(ns(next.body.hits.hits)).toEqual([3]);
    await call('DELETE', '/_search/scroll', { scroll_id: first.body._scroll_id });
    expect(server.openContexts).toBe(0);
  });
});
