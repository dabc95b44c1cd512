// `chs preview` as users run it (the built command), the snapshot read in its worker thread beside
// the events: the same report as the snapshot read on the main thread (CHS_SNAPSHOT_WORKER=0), and
// a broken snapshot still ends the preview with its file, line and column (exit 2).
import { cpSync, mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { load } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { runChs } from '../helpers/cli.js';

/** A copy of the example merge request: examples/ in <tmp>/head, examples/base in <tmp>/base. */
function example(): string {
  const dir = mkdtempSync(join(tmpdir(), 'chs-preview-worker-'));
  cpSync(resolve('examples'), join(dir, 'head'), { recursive: true });
  renameSync(join(dir, 'head', 'base'), join(dir, 'base'));
  return join(dir, 'head');
}

/**
 * The example's snapshot as JSON with `pods` more pods of its cart Deployment (a large enough
 * file that the events are streamed while it is read), and events from those pods.
 */
function largerExample(head: string, pods: number): void {
  const list = load(readFileSync(join(head, 'cluster/snapshot.yaml'), 'utf8')) as {
    items: Record<string, unknown>[];
  };
  const cart = list.items.find(
    (item) => item.kind === 'Pod' && (item.metadata as { name: string }).name === 'cart-7d9f8-abcde',
  ) as Record<string, unknown>;
  const names: string[] = [];
  for (let i = 0; i < pods; i++) {
    const name = `cart-7d9f8-${i.toString(36).padStart(5, 'q')}`;
    names.push(name);
    list.items.push({ ...cart, metadata: { ...(cart.metadata as object), name } });
  }
  writeFileSync(join(head, 'cluster/large.json'), JSON.stringify(list, null, 2));
  const lines = readFileSync(join(head, 'events/shop.jsonl'), 'utf8').trim().split('\n');
  const events: string[] = [];
  for (let i = 0; i < 20_000; i++) {
    const event = JSON.parse(lines[i % lines.length] as string) as Record<string, Record<string, unknown>>;
    const fields = event.fields ?? event.output_fields ?? {};
    if (fields['k8s.pod.name'] === 'cart-7d9f8-abcde') fields['k8s.pod.name'] = names[(i * 31) % pods];
    events.push(JSON.stringify(event));
  }
  writeFileSync(join(head, 'events/large.jsonl'), `${events.join('\n')}\n`);
}

const preview = (head: string, snapshot: string, events: string, env: Record<string, string> = {}) =>
  runChs(
    [
      'preview',
      '--base-dir',
      '../base',
      '--events',
      events,
      '--snapshot',
      snapshot,
      '--format',
      'json',
      '--out',
      'out.md',
    ],
    { cwd: head, env, timeoutMs: 120_000 },
  );

describe('chs preview: the snapshot read in a worker thread', () => {
  it('gives the report the main thread gives, on the example and on a larger snapshot', async () => {
    const head = example();
    largerExample(head, 5_000);
    for (const [snapshot, events] of [
      ['cluster/snapshot.yaml', 'events/shop.jsonl'],
      ['cluster/large.json', 'events/large.jsonl'],
    ] as const) {
      const beside = await preview(head, snapshot, events, { CHS_SNAPSHOT_WORKER: '1' });
      const markdown = readFileSync(join(head, 'out.md'), 'utf8');
      const here = await preview(head, snapshot, events, { CHS_SNAPSHOT_WORKER: '0' });
      expect(beside.stderr).toBe('');
      expect(beside.code).toBe(1);
      expect(here.code).toBe(1);
      expect(beside.stdout).toBe(here.stdout);
      expect(readFileSync(join(head, 'out.md'), 'utf8')).toBe(markdown);
      // The workloads were evaluated and the events attributed to them.
      const report = JSON.parse(beside.stdout) as {
        sections: { kind: string; notes: string[]; impacts: unknown[] }[];
      };
      const notes = report.sections.flatMap((s) => s.notes).join('\n');
      expect(notes).toContain(`workload(s) of ${snapshot} evaluated`);
      expect(report.sections.find((s) => s.kind === 'apparmor')?.impacts.length).toBeGreaterThan(0);
    }
  });

  it('ends on a broken snapshot with its file, line and column (exit 2), as before', async () => {
    const head = example();
    writeFileSync(
      join(head, 'cluster/broken.json'),
      '{"apiVersion": "v1", "kind": "List", "items": [\n  {"kind": "Pod",\n   "metadata": {"name": }}\n]}\n',
    );
    const beside = await preview(head, 'cluster/broken.json', 'events/shop.jsonl', {
      CHS_SNAPSHOT_WORKER: '1',
    });
    const here = await preview(head, 'cluster/broken.json', 'events/shop.jsonl', {
      CHS_SNAPSHOT_WORKER: '0',
    });
    expect(beside.code).toBe(2);
    expect(beside.stderr).toMatch(/^chs: cluster\/broken\.json:3:\d+: /);
    expect(beside.stderr.trim().split('\n')).toHaveLength(1);
    expect(beside.stderr).toBe(here.stderr);
    expect(beside.stdout).toBe('');
  });
});
