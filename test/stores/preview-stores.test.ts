// The example merge request previewed with its events read from the JSON Lines files, from the
// Loki test server and from the Elasticsearch and OpenSearch test servers, loaded in
// falcosidekick's shapes: the same report, the sources aside.
import { cpSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { UserError } from '../../src/core/errors.js';
import { previewCommand } from '../../src/cli/preview.js';
import type { PreviewFlags } from '../../src/cli/preview.js';
import type { CommandContext } from '../../src/cli/run.js';
import type { ImpactReport } from '../../src/impact/model.js';
import { ElasticsearchServer } from '../store-servers/elasticsearch.js';
import { esDocumentOf, lokiStreamOf, payloadOf } from '../store-servers/falcosidekick.js';
import { LokiServer } from '../store-servers/loki.js';

const EXAMPLE = resolve('examples');
const EVENT_FILES = ['events/shop.jsonl', 'events/shop-2026-11-23.jsonl'];
const WINDOW = { from: '2026-11-01T00:00:00Z', to: '2026-12-01T00:00:00Z' };

function exampleCopy(): { head: string } {
  const dir = mkdtempSync(join(tmpdir(), 'chs-preview-stores-'));
  cpSync(EXAMPLE, join(dir, 'head'), { recursive: true });
  renameSync(join(dir, 'head', 'base'), join(dir, 'base'));
  return { head: join(dir, 'head') };
}

function sink(append: (s: string) => void): NodeJS.WriteStream {
  return new Writable({
    write(chunk: Buffer, _enc, done) {
      append(chunk.toString());
      done();
    },
  }) as unknown as NodeJS.WriteStream;
}

async function preview(
  head: string,
  flags: PreviewFlags,
  env: Record<string, string> = {},
): Promise<{ report: ImpactReport; err: string }> {
  let out = '';
  let err = '';
  const ctx: CommandContext = { cwd: head, root: head, stdout: sink((s) => (out += s)), stderr: sink((s) => (err += s)) };
  await previewCommand(
    ctx,
    { baseDir: '../base', snapshot: 'cluster/snapshot.yaml', format: 'json', ...flags },
    { env },
  );
  return { report: JSON.parse(out) as ImpactReport, err };
}

function exampleLines(): Record<string, unknown>[] {
  return EVENT_FILES.flatMap((file) =>
    readFileSync(join(EXAMPLE, file), 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as Record<string, unknown>),
  );
}

/** The report without its inputs (they name the sources). */
function withoutInputs(report: ImpactReport): Omit<ImpactReport, 'inputs'> {
  const { inputs: _inputs, ...rest } = report;
  return rest;
}

const servers: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

describe('the example preview from event stores', () => {
  it('gives the same report from Loki, Elasticsearch and OpenSearch as from the files', async () => {
    const { head } = exampleCopy();
    const fromFiles = await preview(head, { events: EVENT_FILES });
    const events = fromFiles.report.inputs.eventCounts?.reduce((a, b) => a + b, 0);
    expect(events).toBe(27);

    const loki = await new LokiServer().start();
    servers.push(loki);
    loki.multiTenant = true;
    loki.authorization = 'Bearer loki-secret';
    loki.push(
      exampleLines().map((l) => lokiStreamOf(payloadOf(l))),
      'security',
    );
    const fromLoki = await preview(
      head,
      {
        eventsFrom: 'loki',
        storeUrl: loki.url,
        storeQuery: '{source="syscall"}',
        tenant: 'security',
        tokenEnv: 'CHS_LOKI_TOKEN',
        ...WINDOW,
      },
      { CHS_LOKI_TOKEN: 'loki-secret' },
    );
    expect(withoutInputs(fromLoki.report)).toEqual(withoutInputs(fromFiles.report));
    expect(fromLoki.report.inputs.events).toEqual([`loki ${loki.url} {source="syscall"}`]);
    expect(fromLoki.report.inputs.eventCounts).toEqual([27]);
    expect(fromLoki.err).not.toContain('loki-secret');

    for (const [flavour, version, flatten] of [
      ['elasticsearch', '8.15.0', false],
      ['elasticsearch', '8.15.0', true],
      ['opensearch', '2.17.0', true],
      ['elasticsearch', '7.9.3', false],
    ] as const) {
      const es = await new ElasticsearchServer().start();
      servers.push(es);
      es.flavour = flavour;
      es.version = version;
      es.authorization = 'ApiKey es-secret';
      const docs = exampleLines().map((l) => esDocumentOf(payloadOf(l), flatten));
      es.add('falco-2026.11.20', docs.slice(0, 13));
      es.add('falco-2026.11.23', docs.slice(13));
      es.add('other', docs.slice(0, 2));
      const fromEs = await preview(
        head,
        {
          eventsFrom: 'elasticsearch',
          storeUrl: es.url,
          storeIndex: 'falco-*',
          apiKeyEnv: 'CHS_ES_KEY',
          ...WINDOW,
        },
        { CHS_ES_KEY: 'es-secret' },
      );
      expect(withoutInputs(fromEs.report), `${flavour} ${version} flattened: ${flatten}`).toEqual(
        withoutInputs(fromFiles.report),
      );
      expect(fromEs.report.inputs.eventCounts).toEqual([27]);
      expect(es.openContexts).toBe(0);
    }
  });

  /** Sets chs.yaml's preview.events of a side to one Loki store. */
  function configureLoki(side: string, url: string): void {
    const config = readFileSync(join(side, 'chs.yaml'), 'utf8');
    writeFileSync(
      join(side, 'chs.yaml'),
      `${config.replace(/\npreview:[\s\S]*?(?=\n\S|$)/, '')}\npreview:\n  events:\n    - loki:\n        url: ${url}\n        query: '{source="syscall"}'\n        from: ${WINDOW.from}\n        to: ${WINDOW.to}\n        split: 7d\n`,
    );
  }

  it('reads the stores configured in chs.yaml (the target branch\'s)', async () => {
    const { head } = exampleCopy();
    const loki = await new LokiServer().start();
    servers.push(loki);
    loki.push(exampleLines().map((l) => lokiStreamOf(payloadOf(l))));
    configureLoki(head, loki.url);
    configureLoki(join(head, '..', 'base'), loki.url);
    const { report } = await preview(head, {});
    expect(report.inputs.eventCounts).toEqual([27]);
    expect(report.configurationChanges).toBeUndefined();
    // Five pieces of 7 days over 30 days, each one query (27 lines < 5,000).
    expect(loki.requests.filter((r) => r.path === '/loki/api/v1/query_range')).toHaveLength(5);
  });

  it('never sends a request to a store URL that the merge request changes, and shows the change', async () => {
    const { head } = exampleCopy();
    const trusted = await new LokiServer().start();
    const attacker = await new LokiServer().start();
    servers.push(trusted, attacker);
    trusted.push(exampleLines().map((l) => lokiStreamOf(payloadOf(l))));
    configureLoki(join(head, '..', 'base'), trusted.url);
    configureLoki(head, attacker.url);
    const { report } = await preview(head, {});
    expect(attacker.requests).toEqual([]);
    expect(trusted.requests.length).toBeGreaterThan(0);
    expect(report.inputs.eventCounts).toEqual([27]);
    const changes = JSON.stringify(report.configurationChanges ?? []);
    expect(changes).toContain('preview.events');
    expect(changes).toContain(attacker.url);
  });

  it('refuses store flags that do not fit, each with what to write', async () => {
    const { head } = exampleCopy();
    const cases: [PreviewFlags, string][] = [
      [
        { storeUrl: 'https://l' },
        '--store-url, --since and the other store flags need --events-from loki|elasticsearch',
      ],
      [{ eventsFrom: 'loki' }, '--events-from loki needs --store-url http(s)://host:port'],
      [
        { eventsFrom: 'loki', storeUrl: 'loki:3100' },
        '--events-from loki needs --store-url http(s)://host:port',
      ],
      [
        { eventsFrom: 'loki', storeUrl: 'https://l' },
        '--events-from loki needs --store-query, a LogQL selector such as \'{source="syscall"}\'',
      ],
      [
        { eventsFrom: 'loki', storeUrl: 'https://l', storeQuery: '{a="b"}', storeIndex: 'x' },
        '--store-index is for --events-from elasticsearch; Loki takes --store-query',
      ],
      [
        { eventsFrom: 'elasticsearch', storeUrl: 'https://e' },
        '--events-from elasticsearch needs --store-index, an index or pattern such as falco-*',
      ],
      [
        { eventsFrom: 'elasticsearch', storeUrl: 'https://e', storeIndex: 'f', tenant: 't' },
        '--tenant is for --events-from loki',
      ],
      [
        { eventsFrom: 'elasticsearch', storeUrl: 'https://e', storeIndex: 'f', storeQuery: '[1]' },
        '--store-query for elasticsearch must be a JSON object of query DSL, such as \'{"term":{"source":"syscall"}}\'',
      ],
    ];
    for (const [flags, message] of cases) {
      const error = await preview(head, flags).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UserError);
      expect((error as Error).message).toBe(message);
    }
  });

  it('shows the events of each source in the Inputs fold', async () => {
    const { head } = exampleCopy();
    const loki = await new LokiServer().start();
    servers.push(loki);
    loki.push(
      exampleLines()
        .slice(0, 5)
        .map((l) => lokiStreamOf(payloadOf(l))),
    );
    const { report } = await preview(head, {
      events: ['events/shop.jsonl'],
      eventsFrom: 'loki',
      storeUrl: loki.url,
      storeQuery: '{source="syscall"}',
      ...WINDOW,
    });
    const { impactMarkdown } = await import('../../src/report/markdown.js');
    expect(impactMarkdown(report, { artifact: 'a.md' })).toContain(
      `- Recorded events: \`events/shop.jsonl\` (13 events), \`loki ${loki.url} {source="syscall"}\` (5 events)`,
    );
  });

  it('asks the stores only for the event types the changed Falco rules can match', async () => {
    // The example with only its Falco rules changed: the other kinds as in the base.
    const { head } = exampleCopy();
    for (const kind of ['apparmor/k8s-nginx', 'pod-security/no-root.yaml', 'seccomp/shop-api.json'])
      cpSync(join(head, '..', 'base', 'policies', kind), join(head, 'policies', kind));
    rmSync(join(head, 'policies', 'tests', 'apparmor-nginx.yaml'));
    const fromFiles = await preview(head, { events: EVENT_FILES });
    const falcoOf = (report: ImpactReport) => {
      const section = report.sections.find((s) => s.kind === 'falco');
      return { items: section?.items, impacts: section?.impacts };
    };
    expect(fromFiles.report.sections.map((s) => s.kind)).toEqual(['falco']);

    const loki = await new LokiServer().start();
    servers.push(loki);
    loki.push(exampleLines().map((l) => lokiStreamOf(payloadOf(l))));
    const fromLoki = await preview(head, {
      eventsFrom: 'loki',
      storeUrl: loki.url,
      storeQuery: '{source="syscall"}',
      ...WINDOW,
    });
    expect(falcoOf(fromLoki.report)).toEqual(falcoOf(fromFiles.report));
    const query = loki.requests[0]?.params.get('query') ?? '';
    expect(query).toMatch(/^\{source="syscall"\} \|~ "\\"evt\\\\.type\\":\\"\(.*execve.*\)\\""$/);
    const read = fromLoki.report.inputs.eventCounts?.[0] ?? 0;
    expect(read).toBeLessThan(27);
    expect(read).toBeGreaterThan(0);
    expect(fromLoki.report.sections[0]?.notes.join('\n')).toContain(
      'Event stores were asked only for the event types the changed rules can match',
    );
    // The rules the change leaves alone: counted by the store, not transferred.
    const counted =
      /Alerts of the rules the change does not touch, the same before and after, counted by the stores: (.*)\./.exec(
        fromLoki.report.sections[0]?.notes.join('\n') ?? '',
      );
    expect(counted?.[1]).toBe('chs recorder 25, Terminal shell in container 1');
    expect(loki.requests.filter((r) => r.path === '/loki/api/v1/query').length).toBe(30);

    for (const flatten of [false, true]) {
      const es = await new ElasticsearchServer().start();
      servers.push(es);
      es.add(
        'falco',
        exampleLines().map((l) => esDocumentOf(payloadOf(l), flatten)),
      );
      const fromEs = await preview(head, {
        eventsFrom: 'elasticsearch',
        storeUrl: es.url,
        storeIndex: 'falco',
        ...WINDOW,
      });
      expect(falcoOf(fromEs.report)).toEqual(falcoOf(fromFiles.report));
      expect(fromEs.report.inputs.eventCounts).toEqual([read]);
      expect(fromEs.report.sections[0]?.notes.join('\n')).toContain(
        'counted by the stores: chs recorder 25, Terminal shell in container 1.',
      );
    }
  });
});
