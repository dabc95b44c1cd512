// Paging at a boundary: many events sharing one timestamp (a Loki nanosecond, an Elasticsearch
// millisecond) exactly where a page ends; every event read once, none lost, none repeated.
import { afterEach, describe, expect, it } from 'vitest';
import { elasticsearchSource } from '../../src/impact/sources/elasticsearch.js';
import { lokiSource } from '../../src/impact/sources/loki.js';
import type { EventSink, EventSource } from '../../src/impact/sources/index.js';
import { ElasticsearchServer } from '../store-servers/elasticsearch.js';
import { esDocumentOf, lokiStreamOf } from '../store-servers/falcosidekick.js';
import type { FalcoPayload } from '../store-servers/falcosidekick.js';
import { LokiServer } from '../store-servers/loki.js';
import { nsToRfc3339 } from '../../src/impact/sources/window.js';

const START_NS = 1_795_000_000_000_000_000n;
const DAY_NS = 86_400_000_000_000n;

/**
 * `count` payloads over 7 days in time order, `shared` of them (from `at` on) at one timestamp;
 * each with its number in evt.num and a uuid, spread over a few rules and pods (streams).
 */
function payloads(count: number, at: number, shared: number, step: bigint): FalcoPayload[] {
  const out: FalcoPayload[] = [];
  let ts = START_NS;
  for (let i = 0; i < count; i++) {
    if (!(i > at && i < at + shared)) ts += step;
    out.push({
      uuid: `00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`,
      output: `event ${i}`,
      priority: 'Debug',
      rule: `rule ${i % 3}`,
      time: nsToRfc3339(ts),
      output_fields: {
        'evt.num': i,
        'evt.type': 'openat',
        'k8s.ns.name': 'shop',
        'k8s.pod.name': `pod-${i % 5}`,
      },
      source: 'syscall',
      tags: ['chs'],
    });
  }
  return out;
}

async function readAll(source: EventSource): Promise<{ numbers: number[]; bad: string[] }> {
  const numbers: number[] = [];
  const bad: string[] = [];
  const sink: EventSink = {
    event: (e) => void numbers.push(e.fields['evt.num'] as number),
    bad: (where, message) => void bad.push(`${where}: ${message}`),
    progress: () => undefined,
  };
  await source.read(sink);
  return { numbers, bad };
}

function expectEachOnce(numbers: number[], count: number): void {
  expect(numbers).toHaveLength(count);
  expect(new Set(numbers).size).toBe(count);
  // In time order: the numbers only go down inside the group that shares a timestamp.
}

const servers: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

const WINDOW = { from: nsToRfc3339(START_NS), to: nsToRfc3339(START_NS + 7n * DAY_NS + DAY_NS) };

describe('paging at a boundary that many events share', () => {
  it('Loki: 100 lines of one nanosecond across the 5,000-line page end', async () => {
    const count = 12_000;
    // Spread over 7 days; lines 4,951 to 5,050 share one nanosecond, the first page ends among them.
    const all = payloads(count, 4_950, 100, (7n * DAY_NS) / BigInt(count));
    const loki = await new LokiServer().start();
    servers.push(loki);
    loki.push(all.map((p) => lokiStreamOf(p)));
    const source = lokiSource(
      { url: loki.url, query: '{source="syscall"}', split: '8d', ...WINDOW },
      { env: {} },
    );
    const { numbers, bad } = await readAll(source);
    expect(bad).toEqual([]);
    expectEachOnce(numbers, count);
    const queries = loki.requests.filter((r) => r.path.endsWith('/query_range'));
    expect(
      queries.every((q) => q.params.get('direction') === 'forward' && q.params.get('limit') === '5000'),
    ).toBe(true);
    // The second page starts at the shared nanosecond: the 49 lines read there are skipped.
    expect(queries.map((q) => q.params.get('start'))[1]).toBe(lokiStartOf(all[4_951] as FalcoPayload));
    expect(queries).toHaveLength(3);
  });

  it('Loki: a window longer than a piece is read in pieces of split', async () => {
    const count = 3_000;
    const all = payloads(count, 100, 10, (7n * DAY_NS) / BigInt(count));
    const loki = await new LokiServer().start();
    servers.push(loki);
    loki.maxQueryLengthNs = 25n * 3_600_000_000_000n;
    loki.push(all.map((p) => lokiStreamOf(p)));
    const { numbers } = await readAll(
      lokiSource({ url: loki.url, query: '{source="syscall"}', ...WINDOW }, { env: {} }),
    );
    expectEachOnce(numbers, count);
    expect(loki.requests).toHaveLength(8);
  });

  it('Loki: a page that ends inside a group of equal timestamps, limit 40, groups of 30', async () => {
    const all = payloads(500, 35, 30, 1_000_000_000n).concat(payloads(0, 0, 0, 1n));
    const loki = await new LokiServer().start();
    servers.push(loki);
    loki.push(all.map((p) => lokiStreamOf(p)));
    const { numbers } = await readAll(
      lokiSource({ url: loki.url, query: '{source="syscall"}', limit: 40, ...WINDOW }, { env: {} }),
    );
    expectEachOnce(numbers, 500);
  });

  it('Loki: more lines at one nanosecond than a page holds is a clear error, not a loop', async () => {
    const loki = await new LokiServer().start();
    servers.push(loki);
    loki.push(payloads(100, 10, 60, 1_000_000n).map((p) => lokiStreamOf(p)));
    const error = await readAll(
      lokiSource({ url: loki.url, query: '{source="syscall"}', limit: 50, ...WINDOW }, { env: {} }),
    ).catch((e: unknown) => e);
    expect(String(error)).toMatch(/more than 50 lines share the timestamp .*; raise limit/);
  });

  for (const flavour of ['elasticsearch', 'opensearch'] as const) {
    it(`${flavour}: 100 documents of one millisecond across the 1,000-document page end`, async () => {
      const count = 5_000;
      const all = payloads(count, 950, 100, (7n * DAY_NS) / BigInt(count));
      const es = await new ElasticsearchServer().start();
      servers.push(es);
      es.flavour = flavour;
      es.version = flavour === 'opensearch' ? '2.17.0' : '8.15.0';
      // Indexed out of time order, as several falcosidekick instances would.
      const docs = all.map((p) => esDocumentOf(p));
      es.add(
        'falco-a',
        docs.filter((_, i) => i % 2 === 0),
      );
      es.add(
        'falco-b',
        docs.filter((_, i) => i % 2 === 1),
      );
      const { numbers } = await readAll(
        elasticsearchSource({ url: es.url, index: 'falco-*', ...WINDOW }, { env: {} }),
      );
      expectEachOnce(numbers, count);
      const searches = es.requests.filter((r) => r.path === '/_search');
      expect(searches).toHaveLength(5 + 1);
      expect(es.openContexts).toBe(0);
    });
  }
});

function lokiStartOf(payload: FalcoPayload): string {
  return (lokiStreamOf(payload).values[0] as [string, string])[0];
}
