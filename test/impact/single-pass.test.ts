// The preview reads the events once and replays Falco's base and head together (each side through
// its chains, the changed conditions tested once per event), and reads a well-formed snapshot
// without node positions. These tests hold the shortcuts to what the plain ways give: separate
// replays, the positioned parse.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseYaml } from '../../src/core/yaml.js';
import { loadFalcoSide } from '../../src/impact/falco.js';
import { ConditionEvidence } from '../../src/impact/falco-pair.js';
import type { ChangedCondition } from '../../src/impact/falco-pair.js';
import { loadTree } from '../../src/impact/tree.js';
import type { CompiledRule, EngineEvent, Ruleset } from '../../src/languages/falco/evaluate/engine.js';
import { Ruleset as Engine } from '../../src/languages/falco/evaluate/engine.js';
import { parseSnapshot } from '../../src/kube/snapshot.js';
import { parseEventLine } from '../../src/languages/falco/evaluate/events.js';
import type { RecordedEvent } from '../../src/languages/falco/evaluate/events.js';
import { random } from '../helpers/random.js';

const EXAMPLES = resolve('examples');

const recorded: EngineEvent[] = ['shop.jsonl', 'shop-2026-11-23.jsonl'].flatMap((file) =>
  readFileSync(join(EXAMPLES, 'events', file), 'utf8')
    .split('\n')
    .map((line, i) => (line.trim() === '' ? undefined : parseEventLine(line, i + 1)))
    .filter((e): e is RecordedEvent => e !== undefined && 'fields' in e),
);

/**
 * Events mixed from the recorded ones: each field's value taken from any recorded event that has
 * the field (or dropped), so that conditions meet combinations the recordings do not hold.
 */
function randomEvents(count: number, seed: number): EngineEvent[] {
  const next = random(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T;
  const values = new Map<string, unknown[]>();
  for (const event of recorded)
    for (const [field, value] of Object.entries(event.fields)) {
      const list = values.get(field) ?? [];
      list.push(value);
      values.set(field, list);
    }
  const events: EngineEvent[] = [];
  for (let i = 0; i < count; i++) {
    const fields: Record<string, unknown> = {};
    for (const [field, list] of values) if (next() < 0.8) fields[field] = pick(list);
    events.push({ source: next() < 0.95 ? 'syscall' : 'k8s_audit', fields: fields });
  }
  return [...recorded.map((e) => ({ source: e.source ?? 'syscall', fields: e.fields })), ...events];
}

function names(rules: readonly CompiledRule[]): string[] {
  return rules.map((r) => r.rule.name);
}

function separately(set: Ruleset, event: EngineEvent): string[] {
  return names(set.evaluate(event));
}

/** As the preview replays a side: its rules fired through the engine's chains, no list built. */
function together(set: Ruleset, event: EngineEvent): string[] {
  const fired: CompiledRule[] = [];
  set.fire(event, (rule) => fired.push(rule));
  return names(fired);
}

/** The rules of both sides that share a name and differ in their condition, as the preview pairs them. */
function changedBetween(b: Ruleset, h: Ruleset): ChangedCondition[] {
  const before = new Map(b.compiled.map((c) => [c.rule.name, c]));
  return h.compiled.flatMap((after) => {
    const was = before.get(after.rule.name);
    return was && JSON.stringify(was.rule.condition) !== JSON.stringify(after.rule.condition)
      ? [{ name: after.rule.name, before: was, after }]
      : [];
  });
}

/** What the evidence says of one event, beside each condition's own closure. */
function disagreements(
  evidence: ConditionEvidence,
  event: EngineEvent,
): { chains: string[]; closures: string[] } {
  const chains: string[] = [];
  evidence.compare(event, (name, after) => chains.push(`${name} ${after ? 'after' : 'before'}`));
  // A rule meets only the events of its source.
  const closures = evidence.changed.flatMap((c) => {
    if (event.source !== c.after.rule.source) return [];
    const b = c.before.test(event.fields);
    const a = c.after.test(event.fields);
    return a === b ? [] : [`${c.name} ${a ? 'after' : 'before'}`];
  });
  return { chains: chains.sort(), closures: closures.sort() };
}

describe('Falco base and head replayed together', () => {
  const base = loadFalcoSide(loadTree(join(EXAMPLES, 'base')));
  const head = loadFalcoSide(loadTree(EXAMPLES));

  it.each(['first', 'all'] as const)(
    'fires the same rules as two separate replays, and tells the same changed conditions apart (%s matching, 3,000 mixed events)',
    (matching) => {
      const b = new Engine(base.rules, matching);
      const h = new Engine(head.rules, matching);
      const evidence = new ConditionEvidence(changedBetween(b, h));
      // The example change does change conditions: the evidence is not about nothing.
      expect(evidence.changed.length).toBeGreaterThan(0);
      let fired = 0;
      let differing = 0;
      for (const event of randomEvents(3_000, matching === 'first' ? 1 : 2)) {
        const before = together(b, event);
        const after = together(h, event);
        expect(before).toEqual(separately(b, event));
        expect(after).toEqual(separately(h, event));
        const { chains, closures } = disagreements(evidence, event);
        expect(chains).toEqual(closures);
        fired += before.length + after.length;
        differing += chains.length;
      }
      // The events do make rules fire, and conditions disagree: no comparison of empty lists.
      expect(fired).toBeGreaterThan(100);
      expect(differing).toBeGreaterThan(10);
    },
  );

  it('keeps rules of one shape apart: 40 rules that differ only in their values, 10 changed by the head', () => {
    const side = (changed: boolean): ReturnType<typeof loadFalcoSide> => {
      const text = Array.from({ length: 40 }, (_, i) => {
        const extra = changed && i % 4 === 0 ? ` and user.name != u${i % 3}` : '';
        return `- rule: R${i}\n  desc: d\n  condition: evt.type in (execve, openat) and proc.name = p${i % 20}${extra}\n  output: o\n  priority: WARNING\n`;
      }).join('\n');
      return loadFalcoSide({
        root: '/x',
        config: { ...loadTree(EXAMPLES).config, falco: { ...loadTree(EXAMPLES).config.falco, baseline: [] } },
        files: new Map([['falco', ['r.yaml']]]),
        read: () => text,
      });
    };
    const next = random(3);
    for (const matching of ['first', 'all'] as const) {
      const b = new Engine(side(false).rules, matching);
      const h = new Engine(side(true).rules, matching);
      const evidence = new ConditionEvidence(changedBetween(b, h));
      expect(evidence.changed.map((c) => c.name)).toEqual([
        'R0',
        'R4',
        'R8',
        'R12',
        'R16',
        'R20',
        'R24',
        'R28',
        'R32',
        'R36',
      ]);
      let fired = 0;
      let differing = 0;
      for (let i = 0; i < 2_000; i++) {
        const event: EngineEvent = {
          source: 'syscall',
          fields: {
            'evt.type': next() < 0.8 ? 'execve' : 'openat',
            'proc.name': `p${Math.floor(next() * 22)}`,
            'user.name': `u${Math.floor(next() * 3)}`,
          },
        };
        const before = together(b, event);
        const after = together(h, event);
        expect(before).toEqual(separately(b, event));
        expect(after).toEqual(separately(h, event));
        const { chains, closures } = disagreements(evidence, event);
        expect(chains).toEqual(closures);
        fired += before.length + after.length;
        differing += chains.length;
      }
      expect(fired).toBeGreaterThan(1_000);
      expect(differing).toBeGreaterThan(100);
    }
  });

  it('tells conditions apart that print alike (a field and a value of the same name)', () => {
    const rule = (name: string, condition: string): Parameters<typeof loadFalcoSide>[0] => {
      const text = `- rule: ${name}\n  desc: d\n  condition: ${condition}\n  output: o\n  priority: WARNING\n`;
      return {
        root: '/x',
        config: loadTree(EXAMPLES).config,
        files: new Map([['falco', ['r.yaml']]]),
        read: () => text,
      };
    };
    const a = loadFalcoSide({ ...rule('same', 'evt.type = execve and proc.name = val(proc.pname)') });
    const b = loadFalcoSide({ ...rule('same', 'evt.type = execve and proc.name = "proc.pname"') });
    const evidence = new ConditionEvidence(changedBetween(a.ruleset, b.ruleset));
    const event: EngineEvent = {
      source: 'syscall',
      fields: { 'evt.type': 'execve', 'proc.name': 'sh', 'proc.pname': 'sh' },
    };
    expect(together(a.ruleset, event)).toEqual(['same']);
    expect(together(b.ruleset, event)).toEqual([]);
    expect(disagreements(evidence, event)).toEqual({ chains: ['same before'], closures: ['same before'] });
  });

  it('fires nothing stale after a callback threw (all matching)', () => {
    const set = new Engine(base.rules, 'all');
    const event = randomEvents(3_000, 4).find((e) => separately(set, e).length > 1) as EngineEvent;
    expect(() =>
      set.fire(event, () => {
        throw new Error('stop');
      }),
    ).toThrow('stop');
    expect(together(set, { source: 'syscall', fields: {} })).toEqual(
      separately(set, { source: 'syscall', fields: {} }),
    );
    expect(together(set, event)).toEqual(separately(set, event));
  });

  it('finds no disagreement where a changed rule cannot meet the event (another type, another source)', () => {
    const rule = (condition: string, source = 'syscall'): Parameters<typeof loadFalcoSide>[0] => {
      const text = `- rule: r\n  desc: d\n  condition: ${condition}\n  output: o\n  priority: WARNING\n  source: ${source}\n`;
      return {
        root: '/x',
        config: loadTree(EXAMPLES).config,
        files: new Map([['falco', ['r.yaml']]]),
        read: () => text,
      };
    };
    const a = loadFalcoSide(rule('evt.type = execve and proc.name = a'));
    const b = loadFalcoSide(rule('evt.type = execve and proc.name = b'));
    const evidence = new ConditionEvidence(changedBetween(a.ruleset, b.ruleset));
    const on = (fields: Record<string, unknown>, source = 'syscall'): string[] =>
      disagreements(evidence, { source, fields }).chains;
    expect(on({ 'evt.type': 'execve', 'proc.name': 'a' })).toEqual(['r before']);
    expect(on({ 'evt.type': 'execve', 'proc.name': 'b' })).toEqual(['r after']);
    expect(on({ 'evt.type': 'openat', 'proc.name': 'a' })).toEqual([]);
    expect(on({ 'evt.type': 'execve', 'proc.name': 'a' }, 'k8s_audit')).toEqual([]);
  });
});

/** What the positioned parse gives: every document, Lists flattened. */
function positionedObjects(text: string): unknown[] {
  const parsed = parseYaml(text);
  if (!parsed.ok) throw new Error(parsed.error.message);
  const out: unknown[] = [];
  const take = (value: unknown): void => {
    const map = value as { kind?: unknown; items?: unknown };
    if (typeof map.kind === 'string' && map.kind.endsWith('List') && Array.isArray(map.items))
      map.items.forEach(take);
    else out.push(value);
  };
  for (const document of parsed.documents) if (document.value !== null) take(document.value);
  return out;
}

describe('snapshots read without node positions', () => {
  const text = readFileSync(join(EXAMPLES, 'cluster', 'snapshot.yaml'), 'utf8');

  it.each([
    ['the example snapshot (YAML)', text],
    ['the same as JSON', JSON.stringify({ apiVersion: 'v1', kind: 'List', items: positionedObjects(text) })],
    [
      'several documents, numbers, booleans, nulls, quoted and block scalars',
      '---\napiVersion: v1\nkind: Pod\nmetadata: {name: "p", namespace: n, labels: {a: "1", b: 0x10, c: yes, d: ~}}\nspec:\n  note: |\n    two\n    lines\n---\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: n, annotations: {x: 1.5e3, y: .inf, z: null}}\n',
    ],
  ])('%s: the same objects as the positioned parse', (_name, source) => {
    const { snapshot, problems } = parseSnapshot('s.yaml', source);
    expect(problems).toEqual([]);
    expect(snapshot.objects).toEqual(positionedObjects(source));
    expect(snapshot.objects.length).toBeGreaterThan(1);
  });

  it('leaves aliases, tags and duplicate keys to the positioned parse, which decides as before', () => {
    const aliased =
      'apiVersion: v1\nkind: List\nitems:\n- &p {apiVersion: v1, kind: Pod, metadata: {name: a}}\n- *p\n';
    expect(parseSnapshot('s.yaml', aliased).snapshot.objects).toEqual(positionedObjects(aliased));
    const tagged = 'apiVersion: v1\nkind: Pod\nmetadata: {name: !!str 12}\n';
    expect(parseSnapshot('s.yaml', tagged).snapshot.objects).toEqual([
      { apiVersion: 'v1', kind: 'Pod', metadata: { name: '12' } },
    ]);
    const twice = 'apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nmetadata: {name: b}\n';
    expect(parseSnapshot('s.yaml', twice).snapshot.objects).toEqual([
      { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'b' } },
    ]);
    // A bad entry is still reported with its line and column.
    expect(
      parseSnapshot('s.json', '{"kind":"List","apiVersion":"v1","items":[{"kind":"Pod"}]}').problems[0],
    ).toMatchObject({ line: 1, column: 43, message: expect.stringMatching(/^not a Kubernetes object/) });
  });
});
