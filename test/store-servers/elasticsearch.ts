/**
 * A small Elasticsearch (or OpenSearch) for the tests: documents in indices (`_bulk`, `_doc`),
 * the root's version, and `_search` as documented: `size` and `from` within
 * index.max_result_window (10,000), `sort` on `@timestamp` (a date: milliseconds) and a
 * tiebreaker (`_shard_doc` under a point in time on Elasticsearch, `_id` on OpenSearch),
 * `search_after`, `track_total_hits`, a query of `bool.filter`, `range`, `term` and `match_all`;
 * points in time (`/_pit` on Elasticsearch 7.10 on, `/_search/point_in_time` on OpenSearch 2.4 on)
 * that keep the documents of their opening; scrolls; errors in Elasticsearch's JSON shape.
 */
import { StoreServer } from './http.js';
import type { Answer, LoggedRequest } from './http.js';

interface Doc {
  index: string;
  id: string;
  /** Order of indexing: what `_shard_doc` sorts by here. */
  seq: number;
  source: Record<string, unknown>;
  ms: number;
}

export type Flavour = 'elasticsearch' | 'opensearch';

const MAX_RESULT_WINDOW = 10_000;

function error(status: number, type: string, reason: string): Answer {
  return { status, body: { error: { root_cause: [{ type, reason }], type, reason }, status } };
}

/** A document's value at a dotted path (`output_fields.k8s.ns.name`, dots in keys allowed). */
function valueAt(source: unknown, path: string): unknown {
  if (source === null || typeof source !== 'object') return undefined;
  const record = source as Record<string, unknown>;
  if (path in record) return record[path];
  const parts = path.split('.');
  for (let i = parts.length - 1; i > 0; i--) {
    const head = parts.slice(0, i).join('.');
    if (head in record) return valueAt(record[head], parts.slice(i).join('.'));
  }
  return undefined;
}

function dateMs(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string') return Number.NaN;
  return Date.parse(value);
}

type Predicate = (doc: Doc) => boolean;

/** A query as a predicate, or the error Elasticsearch answers. */
function compileQuery(query: unknown): Predicate | Answer {
  if (query === undefined) return () => true;
  if (query === null || typeof query !== 'object' || Array.isArray(query))
    return error(400, 'parsing_exception', 'query malformed, must start with start_object');
  const entries = Object.entries(query as Record<string, unknown>);
  if (entries.length !== 1)
    return error(400, 'parsing_exception', '[query] malformed query, expected one query');
  const [type, body] = entries[0] as [string, Record<string, unknown>];
  if (type === 'match_all') return () => true;
  if (type === 'bool') {
    const parts: Predicate[] = [];
    for (const clause of ['filter', 'must'] as const) {
      const list =
        body[clause] === undefined
          ? []
          : Array.isArray(body[clause])
            ? (body[clause] as unknown[])
            : [body[clause]];
      for (const q of list) {
        const p = compileQuery(q);
        if (typeof p !== 'function') return p;
        parts.push(p);
      }
    }
    const should: Predicate[] = [];
    const shouldList =
      body.should === undefined
        ? []
        : Array.isArray(body.should)
          ? (body.should as unknown[])
          : [body.should];
    for (const q of shouldList) {
      const p = compileQuery(q);
      if (typeof p !== 'function') return p;
      should.push(p);
    }
    const minimumShould =
      body.minimum_should_match === undefined
        ? parts.length === 0 && should.length > 0
          ? 1
          : 0
        : Number(body.minimum_should_match);
    const not: Predicate[] = [];
    const list =
      body.must_not === undefined
        ? []
        : Array.isArray(body.must_not)
          ? (body.must_not as unknown[])
          : [body.must_not];
    for (const q of list) {
      const p = compileQuery(q);
      if (typeof p !== 'function') return p;
      not.push(p);
    }
    return (doc) =>
      parts.every((p) => p(doc)) &&
      !not.some((p) => p(doc)) &&
      should.filter((p) => p(doc)).length >= minimumShould;
  }
  if (type === 'range') {
    const [field, spec] = Object.entries(body)[0] as [string, Record<string, unknown>];
    const bound = (key: string): number | undefined =>
      spec[key] === undefined ? undefined : dateMs(spec[key]);
    const gte = bound('gte');
    const gt = bound('gt');
    const lte = bound('lte');
    const lt = bound('lt');
    return (doc) => {
      const v = field === '@timestamp' ? doc.ms : dateMs(valueAt(doc.source, field));
      return (
        (gte === undefined || v >= gte) &&
        (gt === undefined || v > gt) &&
        (lte === undefined || v <= lte) &&
        (lt === undefined || v < lt)
      );
    };
  }
  if (type === 'term') {
    const [field, spec] = Object.entries(body)[0] as [string, unknown];
    const wanted = spec !== null && typeof spec === 'object' ? (spec as { value?: unknown }).value : spec;
    const path = field.endsWith('.keyword') ? field.slice(0, -'.keyword'.length) : field;
    return (doc) => valueAt(doc.source, path) === wanted;
  }
  if (type === 'terms') {
    const [field, values] = Object.entries(body)[0] as [string, unknown];
    if (!Array.isArray(values))
      return error(400, 'parsing_exception', '[terms] query does not support [' + field + ']');
    const path = field.endsWith('.keyword') ? field.slice(0, -'.keyword'.length) : field;
    return (doc) => values.includes(valueAt(doc.source, path));
  }
  return error(400, 'parsing_exception', `unknown query [${type}]`);
}

interface Context {
  docs: Doc[];
  /** Scroll contexts: the sorted hits and how far they were read. */
  offset?: number;
  size?: number;
}

export class ElasticsearchServer extends StoreServer {
  private readonly docs: Doc[] = [];
  private seq = 0;
  private readonly contexts = new Map<string, Context>();
  private nextContext = 1;
  flavour: Flavour = 'elasticsearch';
  version = '8.15.0';
  /** Open points in time and scrolls, for tests that check they were closed. */
  get openContexts(): number {
    return this.contexts.size;
  }

  /** Indexes documents (their `_source`). */
  add(index: string, sources: readonly Record<string, unknown>[]): void {
    for (const source of sources) {
      const seq = this.seq++;
      this.docs.push({ index, id: `doc-${seq}`, seq, source, ms: dateMs(source['@timestamp']) });
    }
  }

  protected unauthorized(): Answer {
    return error(401, 'security_exception', 'missing authentication credentials for REST request');
  }

  private indexMatcher(pattern: string): (index: string) => boolean {
    const parts = decodeURIComponent(pattern)
      .split(',')
      .map((p) => new RegExp(`^${p.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`));
    return (index) => parts.some((re) => re.test(index));
  }

  protected handle(request: LoggedRequest): Answer {
    const { method, path } = request;
    const body = (): Record<string, unknown> =>
      request.body === '' ? {} : (JSON.parse(request.body) as Record<string, unknown>);
    const opensearch = this.flavour === 'opensearch';
    const [major = 0, minor = 0] = this.version.split('.').map(Number);
    const since = (m: number, n: number): boolean => major > m || (major === m && minor >= n);
    if (path === '/' && method === 'GET')
      return {
        status: 200,
        body: {
          name: 'test',
          cluster_name: 'chs-test',
          version: { number: this.version, ...(opensearch ? { distribution: 'opensearch' } : {}) },
          tagline: opensearch ? 'The OpenSearch Project: https://opensearch.org/' : 'You Know, for Search',
        },
      };
    if (path === '/_bulk' && method === 'POST') {
      const lines = request.body.split('\n').filter((l) => l.trim() !== '');
      for (let i = 0; i + 1 < lines.length; i += 2) {
        const action = JSON.parse(lines[i] as string) as Record<string, { _index?: string }>;
        const index = Object.values(action)[0]?._index ?? 'default';
        this.add(index, [JSON.parse(lines[i + 1] as string) as Record<string, unknown>]);
      }
      return { status: 200, body: { errors: false, items: [] } };
    }
    let m: RegExpExecArray | null;
    if ((m = /^\/([^/_][^/]*)\/_doc$/.exec(path)) && method === 'POST') {
      this.add(decodeURIComponent(m[1] as string), [body()]);
      return { status: 201, body: { result: 'created' } };
    }
    // Points in time.
    if ((m = /^\/([^/]+)\/_pit$/.exec(path)) && method === 'POST' && !opensearch && since(7, 10))
      return this.openContext(m[1] as string, request, 'id');
    if (
      (m = /^\/([^/]+)\/_search\/point_in_time$/.exec(path)) &&
      method === 'POST' &&
      opensearch &&
      since(2, 4)
    )
      return this.openContext(m[1] as string, request, 'pit_id');
    if (path === '/_pit' && method === 'DELETE' && !opensearch) {
      const id = body().id;
      const freed = typeof id === 'string' && this.contexts.delete(id);
      return freed
        ? { status: 200, body: { succeeded: true, num_freed: 1 } }
        : error(404, 'search_context_missing_exception', 'No search context found');
    }
    if (path === '/_search/point_in_time' && method === 'DELETE' && opensearch) {
      const ids = (body().pit_id as string[] | undefined) ?? [];
      return {
        status: 200,
        body: { pits: ids.map((id) => ({ pit_id: id, successful: this.contexts.delete(id) })) },
      };
    }
    // Scrolls.
    if (path === '/_search/scroll' && method === 'POST') {
      const b = body();
      const context = this.contexts.get(String(b.scroll_id));
      if (!context || context.offset === undefined)
        return error(
          404,
          'search_context_missing_exception',
          `No search context found for id [${String(b.scroll_id)}]`,
        );
      const hits = context.docs.slice(context.offset, context.offset + (context.size ?? 10));
      context.offset += hits.length;
      return {
        status: 200,
        body: {
          _scroll_id: b.scroll_id,
          hits: {
            total: { value: context.docs.length, relation: 'eq' },
            hits: hits.map((d) => this.hit(d, undefined)),
          },
        },
      };
    }
    if (path === '/_search/scroll' && method === 'DELETE') {
      this.contexts.delete(String(body().scroll_id));
      return { status: 200, body: { succeeded: true, num_freed: 1 } };
    }
    // Search: under a point in time (no index in the path), or of an index.
    if ((m = /^(?:\/([^/]+))?\/_search$/.exec(path)) && (method === 'POST' || method === 'GET'))
      return this.search(m[1], body(), request.params);
    if (/\/_pit$|\/_search\/point_in_time$/.test(path))
      return error(
        405,
        'illegal_argument_exception',
        `Incorrect HTTP method for uri [${path}] and method [${method}]`,
      );
    return error(404, 'index_not_found_exception', `no such index [${path}]`);
  }

  private openContext(pattern: string, request: LoggedRequest, key: 'id' | 'pit_id'): Answer {
    if (!request.params.get('keep_alive'))
      return error(
        400,
        'action_request_validation_exception',
        'Validation Failed: 1: [keep_alive] is not specified;',
      );
    const matcher = this.indexMatcher(pattern);
    const docs = this.docs.filter((d) => matcher(d.index));
    const id = `ctx-${this.nextContext++}`;
    this.contexts.set(id, { docs });
    return { status: 200, body: { [key]: id, _shards: { total: 1, successful: 1, failed: 0 } } };
  }

  private hit(doc: Doc, sort: unknown[] | undefined): Record<string, unknown> {
    return { _index: doc.index, _id: doc.id, _score: null, _source: doc.source, ...(sort ? { sort } : {}) };
  }

  private search(
    pattern: string | undefined,
    body: Record<string, unknown>,
    params: URLSearchParams,
  ): Answer {
    const opensearch = this.flavour === 'opensearch';
    const pit = body.pit as { id?: unknown } | undefined;
    let docs: Doc[];
    if (pit) {
      if (pattern !== undefined)
        return error(
          400,
          'action_request_validation_exception',
          'Validation Failed: 1: [indices] cannot be used with point in time;',
        );
      const context = this.contexts.get(String(pit.id));
      if (!context)
        return error(
          404,
          'search_context_missing_exception',
          `No search context found for id [${String(pit.id)}]`,
        );
      docs = context.docs;
    } else {
      const matcher = this.indexMatcher(pattern ?? '*');
      docs = this.docs.filter((d) => matcher(d.index));
    }
    const size = body.size === undefined ? 10 : Number(body.size);
    const from = body.from === undefined ? 0 : Number(body.from);
    const scroll = params.get('scroll');
    if (!scroll && from + size > MAX_RESULT_WINDOW)
      return error(
        400,
        'illegal_argument_exception',
        `Result window is too large, from + size must be less than or equal to: [${MAX_RESULT_WINDOW}] but was [${from + size}]. See the scroll api for a more efficient way to request large data sets.`,
      );
    if (scroll && size > MAX_RESULT_WINDOW)
      return error(
        400,
        'illegal_argument_exception',
        `Batch size is too large, size must be less than or equal to: [${MAX_RESULT_WINDOW}] but was [${size}].`,
      );
    const predicate = compileQuery(body.query);
    if (typeof predicate !== 'function') return predicate;
    // The sort: field names with their order; a date formatted when a format is asked for.
    const sorts: { field: string; desc: boolean; format?: string }[] = [];
    for (const s of (body.sort as unknown[] | undefined) ?? []) {
      if (typeof s === 'string') sorts.push({ field: s, desc: false });
      else {
        const [field, spec] = Object.entries(s as Record<string, unknown>)[0] as [string, unknown];
        const order = typeof spec === 'string' ? spec : (spec as { order?: string }).order;
        const format =
          typeof spec === 'object' && spec !== null ? (spec as { format?: string }).format : undefined;
        sorts.push({ field, desc: order === 'desc', ...(format ? { format } : {}) });
      }
    }
    for (const s of sorts) {
      if (s.field === '_shard_doc' && (opensearch || !pit))
        return error(
          400,
          'illegal_argument_exception',
          opensearch
            ? 'No mapping found for [_shard_doc] in order to sort on'
            : '[_shard_doc] sort field cannot be used without [point in time]',
        );
      if (s.field === '_id' && !opensearch)
        return error(
          400,
          'illegal_argument_exception',
          'Fielddata access on the _id field is disallowed, you can re-enable it by updating the dynamic cluster setting: indices.id_field_data.enabled',
        );
    }
    const keyOf = (doc: Doc): unknown[] =>
      sorts.map((s) =>
        s.field === '@timestamp'
          ? doc.ms
          : s.field === '_shard_doc'
            ? doc.seq
            : s.field === '_id'
              ? doc.id
              : s.field === '_doc'
                ? doc.seq
                : valueAt(doc.source, s.field),
      );
    const compare = (a: unknown[], b: unknown[]): number => {
      for (let i = 0; i < sorts.length; i++) {
        const x = a[i] as number | string;
        const y = b[i] as number | string;
        if (x === y) continue;
        const c = x < y ? -1 : 1;
        return sorts[i]?.desc ? -c : c;
      }
      return 0;
    };
    let matched = docs.filter(predicate).map((doc) => ({ doc, key: keyOf(doc) }));
    if (sorts.length > 0) matched.sort((a, b) => compare(a.key, b.key));
    const total = matched.length;
    const after = body.search_after as unknown[] | undefined;
    if (after !== undefined) {
      if (!Array.isArray(after) || after.length !== sorts.length)
        return error(
          400,
          'illegal_argument_exception',
          `search_after has ${Array.isArray(after) ? after.length : 0} value(s) but sort has ${sorts.length}.`,
        );
      const key = after.map((v, i) => (sorts[i]?.field === '@timestamp' ? dateMs(v) : v));
      matched = matched.filter((m) => compare(m.key, key) > 0);
    }
    const shown = (key: unknown[]): unknown[] =>
      key.map((v, i) =>
        sorts[i]?.field === '@timestamp' && sorts[i]?.format ? new Date(v as number).toISOString() : v,
      );
    const trackTotal = body.track_total_hits;
    const totalShown =
      trackTotal === true
        ? { value: total, relation: 'eq' }
        : trackTotal === false
          ? undefined
          : { value: Math.min(total, 10_000), relation: total > 10_000 ? 'gte' : 'eq' };
    if (scroll) {
      const id = `scroll-${this.nextContext++}`;
      this.contexts.set(id, { docs: matched.map((m) => m.doc), offset: size, size });
      return {
        status: 200,
        body: {
          _scroll_id: id,
          hits: {
            ...(totalShown ? { total: totalShown } : {}),
            hits: matched.slice(0, size).map((m) => this.hit(m.doc, sorts.length ? shown(m.key) : undefined)),
          },
        },
      };
    }
    const page = matched.slice(from, from + size);
    const aggs = body.aggs as Record<string, { terms?: { field?: string; size?: number } }> | undefined;
    const aggregations: Record<string, unknown> = {};
    for (const [name, agg] of Object.entries(aggs ?? {})) {
      const field = agg.terms?.field;
      if (!field)
        return error(400, 'parsing_exception', `aggregation [${name}]: this test server knows terms only`);
      const path = field.endsWith('.keyword') ? field.slice(0, -'.keyword'.length) : field;
      const counts = new Map<string, number>();
      for (const m of matched) {
        const value = valueAt(m.doc.source, path);
        if (typeof value === 'string') counts.set(value, (counts.get(value) ?? 0) + 1);
      }
      const buckets = [...counts]
        .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
        .slice(0, agg.terms?.size ?? 10)
        .map(([key, doc_count]) => ({ key, doc_count }));
      aggregations[name] = { doc_count_error_upper_bound: 0, sum_other_doc_count: 0, buckets };
    }
    return {
      status: 200,
      body: {
        ...(pit ? { pit_id: String(pit.id) } : {}),
        took: 1,
        timed_out: false,
        hits: {
          ...(totalShown ? { total: totalShown } : {}),
          max_score: null,
          hits: page.map((m) => this.hit(m.doc, sorts.length ? shown(m.key) : undefined)),
        },
        ...(aggs ? { aggregations } : {}),
      },
    };
  }
}
