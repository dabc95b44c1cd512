// What the store sources do when a store fails or the configuration is wrong: 429 and 5xx retried
// as Retry-After says (bounded), 401/403 one line naming the credential's variable, an unset
// variable or a bad window refused before any request; no credential in any message.
import { afterEach, describe, expect, it } from 'vitest';
import { UserError } from '../../src/core/errors.js';
import { EventFeed } from '../../src/impact/events.js';
import { elasticsearchSource } from '../../src/impact/sources/elasticsearch.js';
import { StoreError } from '../../src/impact/sources/http.js';
import type { StoreHttpOptions } from '../../src/impact/sources/http.js';
import { lokiSource } from '../../src/impact/sources/loki.js';
import type { EventSink, EventSource } from '../../src/impact/sources/index.js';
import { ElasticsearchServer } from '../store-servers/elasticsearch.js';
import { esDocumentOf, lokiStreamOf, payloadOf } from '../store-servers/falcosidekick.js';
import { LokiServer } from '../store-servers/loki.js';

const WINDOW = { from: '2026-11-01T00:00:00Z', to: '2026-11-02T00:00:00Z' };
const EVENT = {
  time: '2026-11-01T10:00:00.000000001Z',
  source: 'syscall',
  fields: { 'evt.type': 'openat', 'fd.name': '/etc/shadow' },
};

const servers: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

function options(env: Record<string, string> = {}): StoreHttpOptions & { waits: number[]; lines: string[] } {
  const waits: number[] = [];
  const lines: string[] = [];
  return {
    env,
    waits,
    lines,
    sleep: async (ms) => void waits.push(ms),
    onRetry: (line) => void lines.push(line),
    retry: { maxAttempts: 4, maxTotalMs: 600_000, baseDelayMs: 100, maxDelayMs: 30_000 },
  };
}

async function read(source: EventSource): Promise<number> {
  let events = 0;
  const sink: EventSink = { event: () => void events++, bad: () => undefined, progress: () => undefined };
  await source.read(sink);
  return events;
}

async function loki(): Promise<LokiServer> {
  const server = await new LokiServer().start();
  servers.push(server);
  server.push([lokiStreamOf(payloadOf(EVENT))]);
  return server;
}

async function es(): Promise<ElasticsearchServer> {
  const server = await new ElasticsearchServer().start();
  servers.push(server);
  server.add('falco', [esDocumentOf(payloadOf(EVENT))]);
  return server;
}

describe('store failures', () => {
  it('Loki: 429 and 503 are retried, waiting what Retry-After says', async () => {
    const server = await loki();
    server.faults.push(
      { path: 'query_range', status: 429, retryAfter: '7' },
      { path: 'query_range', status: 503 },
    );
    const o = options();
    expect(await read(lokiSource({ url: server.url, query: '{source="syscall"}', ...WINDOW }, o))).toBe(1);
    expect(o.waits[0]).toBe(7000);
    expect(o.waits).toHaveLength(2);
    expect(o.lines[0]).toBe(
      `chs: loki ${server.url} answered 429 (fault 429) to GET /loki/api/v1/query_range; retrying in 7 s (attempt 2)`,
    );
  });

  it('Elasticsearch: a 429 with Retry-After is retried; retries are bounded', async () => {
    const server = await es();
    server.faults.push({
      path: '_search',
      status: 429,
      retryAfter: '2',
      body: '{"error":{"type":"es_rejected_execution_exception","reason":"rejected execution"},"status":429}',
    });
    const o = options();
    expect(await read(elasticsearchSource({ url: server.url, index: 'falco', ...WINDOW }, o))).toBe(1);
    expect(o.waits).toEqual([2000]);
    expect(o.lines[0]).toContain('answered 429 (rejected execution) to POST /_search');

    server.faults.push({ path: '_search', status: 502, times: 10 });
    const error = await read(
      elasticsearchSource({ url: server.url, index: 'falco', ...WINDOW }, options()),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreError);
    expect((error as Error).message).toBe(
      `elasticsearch ${server.url}: POST /_search failed 4 time(s), last with 502 (fault 502)`,
    );
  });

  it('a Retry-After longer than the longest wait ends the retries at once', async () => {
    const server = await loki();
    server.faults.push({ status: 429, retryAfter: '3600' });
    const o = options();
    const error = await read(
      lokiSource({ url: server.url, query: '{source="syscall"}', ...WINDOW }, o),
    ).catch((e: unknown) => e);
    expect(o.waits).toEqual([]);
    expect((error as Error).message).toContain('failed 1 time(s), last with 429');
  });

  it('401 and 403: one line naming the variable, never its value', async () => {
    const server = await loki();
    server.authorization = 'Bearer right';
    const error = await read(
      lokiSource(
        { url: server.url, query: '{source="syscall"}', tokenEnv: 'CHS_LOKI_TOKEN', ...WINDOW },
        options({ CHS_LOKI_TOKEN: 'wrong-secret' }),
      ),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toBe(
      `loki ${server.url}: 401 Unauthorized for GET /loki/api/v1/query_range (Unauthorized): check the credential in $CHS_LOKI_TOKEN`,
    );
    expect(server.requests[0]?.headers.authorization).toBe('Bearer');

    const elastic = await es();
    elastic.faults.push({
      path: '_pit',
      status: 403,
      body: '{"error":{"type":"security_exception","reason":"action [indices:data/read/open_point_in_time] is unauthorized"},"status":403}',
    });
    const forbidden = await read(
      elasticsearchSource(
        { url: elastic.url, index: 'falco', userEnv: 'ES_USER', passwordEnv: 'ES_PASSWORD', ...WINDOW },
        options({ ES_USER: 'u', ES_PASSWORD: 'p4ss' }),
      ),
    ).catch((e: unknown) => e);
    expect((forbidden as Error).message).toBe(
      `elasticsearch ${elastic.url}: 403 Forbidden for POST /falco/_pit (action [indices:data/read/open_point_in_time] is unauthorized): check the credential in $ES_USER and $ES_PASSWORD and that it may read this data`,
    );
  });

  it('an unset credential variable or a bad window is refused before any request', async () => {
    const server = await loki();
    const cases: [Record<string, unknown>, string][] = [
      [
        { tokenEnv: 'CHS_LOKI_TOKEN', ...WINDOW },
        `loki ${server.url}: the environment variable CHS_LOKI_TOKEN (tokenEnv) is not set; set it in the job's CI/CD variables, or remove tokenEnv`,
      ],
      [
        { since: '7 days' },
        `loki ${server.url}: since: "7 days" is not a duration; write it as 90s, 30m, 24h, 7d or 2w`,
      ],
      [
        { from: '2026-11-01' },
        `loki ${server.url}: from: "2026-11-01" is not an RFC 3339 date; write it as 2026-11-20T00:00:00Z`,
      ],
      [
        { from: '2026-11-02T00:00:00Z', to: '2026-11-01T00:00:00Z' },
        `loki ${server.url}: to (2026-11-01T00:00:00Z) must come after from (2026-11-02T00:00:00Z)`,
      ],
      [{}, `loki ${server.url}: a store needs since (for example 7d) or from (RFC 3339)`],
    ];
    for (const [config, message] of cases) {
      const error = await read(
        lokiSource({ url: server.url, query: '{source="syscall"}', ...config }, options()),
      ).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UserError);
      expect((error as Error).message).toBe(message);
    }
    expect(server.requests).toEqual([]);
  });

  it('a store that stays down is a note of the report; a refused credential stops the preview', async () => {
    const server = await loki();
    server.faults.push({ status: 500, times: 100 });
    const feed = new EventFeed([
      lokiSource({ url: server.url, query: '{source="syscall"}', ...WINDOW }, options()),
    ]);
    void feed.subscribe(() => undefined);
    const stats = await feed.run();
    expect(stats.unreadable).toEqual([
      `loki ${server.url}: GET /loki/api/v1/query_range failed 4 time(s), last with 500 (fault 500)`,
    ]);

    server.faults.length = 0;
    server.authorization = 'Bearer x';
    const refused = new EventFeed([
      lokiSource({ url: server.url, query: '{source="syscall"}', ...WINDOW }, options()),
    ]);
    void refused.subscribe(() => undefined);
    await expect(refused.run()).rejects.toThrow(/401 Unauthorized .*no credential is configured/);
  });

  it('Loki: a metric query or a bad selector is a clear message', async () => {
    const server = await loki();
    const error = await read(
      lokiSource({ url: server.url, query: 'source="syscall"', ...WINDOW }, options()),
    ).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(
      /^loki .*: GET \/loki\/api\/v1\/query_range answered 400 \(parse error/,
    );
  });
});
