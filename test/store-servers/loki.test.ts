// The Loki test server answers as Loki documents query_range: limits, direction, window, errors.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LokiServer, parseLogQuery } from './loki.js';

let server: LokiServer;
beforeEach(async () => {
  server = await new LokiServer().start();
  server.push([
    {
      stream: { source: 'syscall', rule: 'a' },
      values: [
        ['1000', 'one'],
        ['3000', 'three'],
        ['3000', 'three'],
        ['5000', 'five'],
      ],
    },
    {
      stream: { source: 'syscall', rule: 'b' },
      values: [
        ['2000', 'two'],
        ['4000', 'four error'],
      ],
    },
    { stream: { source: 'k8s_audit', rule: 'c' }, values: [['2500', 'audit']] },
  ]);
});
afterEach(async () => {
  await server.close();
});

async function query(
  params: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: unknown }> {
  const url = new URL('/loki/api/v1/query_range', server.url);
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  const response = await fetch(url, { headers });
  const text = await response.text();
  return {
    status: response.status,
    body: response.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text,
  };
}

function lines(body: unknown): string[] {
  const result = (body as { data: { result: { values: [string, string][] }[] } }).data.result;
  return result
    .flatMap((s) => s.values)
    .sort((a, b) => Number(a[0]) - Number(b[0]))
    .map((v) => v[1]);
}

describe('Loki test server', () => {
  it('answers log streams in [start, end), forward or backward (the default), limited across streams', async () => {
    const forward = await query({
      query: '{source="syscall"}',
      start: '1000',
      end: '5000',
      direction: 'forward',
      limit: '3',
    });
    expect(forward.status).toBe(200);
    expect(lines(forward.body)).toEqual(['one', 'two', 'three']);
    const backward = await query({ query: '{source="syscall"}', start: '1000', end: '5001', limit: '2' });
    expect(lines(backward.body)).toEqual(['four error', 'five']);
    // A pushed duplicate (same stream, time and line) is stored once.
    const all = await query({ query: '{source=~"sys.*"}', start: '0', end: '9999', limit: '100' });
    expect(lines(all.body)).toEqual(['one', 'two', 'three', 'four error', 'five']);
  });

  it('filters lines and matches labels', async () => {
    expect(
      lines((await query({ query: '{source="syscall"} |= "error"', start: '0', end: '9999' })).body),
    ).toEqual(['four error']);
    expect(
      lines(
        (await query({ query: '{source="syscall", rule!="a"} != "error"', start: '0', end: '9999' })).body,
      ),
    ).toEqual(['two']);
    expect(lines((await query({ query: '{rule=~"a|c"} | json', start: '0', end: '9999' })).body)).toEqual([
      'one',
      'audit',
      'three',
      'five',
    ]);
  });

  it('refuses what Loki refuses, with its messages', async () => {
    const cases: [Record<string, string>, string][] = [
      [
        { query: '{source="syscall"}', start: '0', end: '9', limit: '5001' },
        'max entries limit per query exceeded, limit > max_entries_limit_per_query (5001 > 5000)',
      ],
      [
        { query: '{source="syscall"}', start: '0', end: String(722n * 3_600_000_000_000n) },
        'the query time range exceeds the limit (query length: 722h, limit: 721h)',
      ],
      [
        { query: '{source=""}', start: '0', end: '9' },
        'parse error: queries require at least one regexp or equality matcher that does not have an empty-compatible value',
      ],
      [
        { query: 'sum(rate({a="b"}[1m]))', start: '0', end: '9' },
        'parse error at line 1, col 1: syntax error: unexpected sum(rate({',
      ],
      [
        { query: '{source="syscall"}', start: '9', end: '0' },
        'invalid start and end: end timestamp must not be before or equal to start time',
      ],
      [{ query: '{source="syscall"}', direction: 'sideways' }, 'invalid direction "sideways"'],
    ];
    for (const [params, message] of cases) {
      const { status, body } = await query(params);
      expect(status).toBe(400);
      expect(body).toBe(`${message}\n`);
    }
  });

  it('keeps tenants apart and wants X-Scope-OrgID when multi-tenant; checks the bearer token', async () => {
    server.multiTenant = true;
    expect(await query({ query: '{source="syscall"}', start: '0', end: '9999' })).toEqual({
      status: 401,
      body: 'no org id\n',
    });
    const other = await query(
      { query: '{source="syscall"}', start: '0', end: '9999' },
      { 'x-scope-orgid': 'other' },
    );
    expect(lines(other.body)).toEqual([]);
    server.authorization = 'Bearer t';
    expect((await query({ query: '{source="syscall"}' }, { 'x-scope-orgid': 'other' })).status).toBe(401);
    expect(
      (await query({ query: '{source="syscall"}' }, { 'x-scope-orgid': 'other', authorization: 'Bearer t' }))
        .status,
    ).toBe(200);
    // The log keeps the scheme only.
    expect(server.requests.at(-1)?.headers.authorization).toBe('Bearer');
  });

  it('answers injected faults with their status and Retry-After', async () => {
    server.faults.push({ status: 429, retryAfter: '3' });
    const response = await fetch(`${server.url}/loki/api/v1/query_range?query=%7Ba%3D%22b%22%7D`);
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('3');
    expect((await query({ query: '{a="b"}' })).status).toBe(200);
  });

  it('parses selectors and line filters', () => {
    expect(parseLogQuery('{a="x", b=~`y.*`} |~ "z" !~ "w"')).toMatchObject({
      matchers: [
        { label: 'a', op: '=', value: 'x' },
        { label: 'b', op: '=~', value: 'y.*' },
      ],
      filters: [
        { op: '|~', value: 'z' },
        { op: '!~', value: 'w' },
      ],
    });
  });
});
