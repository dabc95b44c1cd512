/**
 * The engine's generated chains (chain.ts) against the reference evaluation: every enabled rule
 * of the event's source tried in load order with compileCondition, one closure tree per rule,
 * no type index, no per-event memo. Random rules over a small vocabulary (so that checks match
 * often and macros repeat), random events in random order (so that a memo leaking from one
 * event to the next would show), and the official rules against random events built from what
 * those rules test.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Expr } from '../../src/languages/falco/condition/ast.js';
import { parse } from '../../src/languages/falco/condition/parser.js';
import { escapeValue } from '../../src/languages/falco/condition/print.js';
import { compileCondition } from '../../src/languages/falco/evaluate/compile.js';
import type { Predicate } from '../../src/languages/falco/evaluate/compile.js';
import { Ruleset } from '../../src/languages/falco/evaluate/engine.js';
import type { EngineEvent, EvaluableRule } from '../../src/languages/falco/evaluate/engine.js';
import { loadRuleset } from '../../src/languages/falco/evaluate/load.js';
import { corpusDir, hasCorpus, warnSkipped } from './corpus.js';
import { random } from '../helpers/random.js';

type Rng = () => number;
const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)] as T;
const some = <T>(rng: Rng, items: readonly T[], max: number): T[] =>
  Array.from({ length: 1 + Math.floor(rng() * max) }, () => pick(rng, items));

const NAMES = ['bash', 'sh', 'nginx', 'BaSh', '123', 'x y', 'sshd', 'java', ''];
const PATHS = ['/etc/shadow', '/etc', '/etcx', '/usr/bin/ls', '/root/.ssh/id_rsa', '/tmp/\u{1F600}x', '/'];
const NUMBERS = ['0', '1', '22', '-2', '1000', '0x10', '2.5'];
const IPS = ['10.0.0.1', '192.168.1.5', '127.0.0.1', '10.0.0.0/8', '192.168.0.0/16'];
const BOOLS = ['true', 'false', '0', '1'];
const TYPES = ['openat', 'execve', 'connect'];

/** Fields by the values their checks compare with. */
const FIELDS: readonly { name: string; values: readonly string[] }[] = [
  { name: 'proc.name', values: NAMES },
  { name: 'proc.pname', values: NAMES },
  { name: 'proc.aname', values: NAMES },
  { name: 'proc.aname[2]', values: NAMES },
  { name: 'tolower(proc.name)', values: NAMES },
  { name: 'fd.name', values: PATHS },
  { name: 'basename(fd.name)', values: NAMES },
  { name: 'fd.directory', values: PATHS },
  { name: 'user.uid', values: NUMBERS },
  { name: 'fd.num', values: NUMBERS },
  { name: 'len(proc.name)', values: NUMBERS },
  { name: 'fd.port', values: NUMBERS },
  { name: 'fd.sport', values: NUMBERS },
  { name: 'fd.ip', values: IPS },
  { name: 'fd.sip', values: IPS },
  { name: 'fd.snet', values: IPS },
  { name: 'evt.is_open_read', values: BOOLS },
  { name: 'fd.types', values: ['ipv4', 'ipv6', 'unix'] },
  { name: 'evt.arg.flags', values: ['O_RDONLY', 'O_CREAT'] },
  { name: 'evt.arg[flags]', values: ['O_RDONLY', 'O_CREAT'] },
  { name: 'custom.field', values: [...NAMES, ...NUMBERS] },
];
const GLOBS = ['*', '/etc/*', '*sh', '?ash', '[bB]a*', '*\u{1F600}*', '/tmp/?x', '[!/]*'];
const REGEXES = ['ba.h', '.*', '(a+)+$', '[0-9]+', '/etc/.*'];
const EQUALITY_OPS = ['=', '==', '!='];
const ORDERING_OPS = ['<', '<=', '>', '>='];
const STRING_OPS = ['contains', 'icontains', 'startswith', 'endswith'];

const text = (value: string): string => escapeValue(value) || '""';
const list = (values: readonly string[]): string => `(${values.map(text).join(', ')})`;
/** Always quoted: string operators take a string, and `62` or `0x10` would read as a number. */
const quoted = (value: string): string => `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
const quotedList = (values: readonly string[]): string => `(${values.map(quoted).join(', ')})`;

function check(rng: Rng): string {
  const roll = rng();
  if (roll < 0.08) {
    const types = some(rng, TYPES, 2);
    return pick(rng, [`evt.type = ${types[0]}`, `evt.type in ${list(types)}`, `evt.type != ${types[0]}`]);
  }
  const field = pick(rng, FIELDS);
  const value = (): string => pick(rng, field.values);
  if (roll < 0.13) return `${field.name} exists`;
  if (roll < 0.3) return `${field.name} ${pick(rng, EQUALITY_OPS)} ${text(value())}`;
  // Falco's grammar takes a number after an ordering operator.
  if (roll < 0.4) return `${field.name} ${pick(rng, ORDERING_OPS)} ${pick(rng, NUMBERS)}`;
  if (roll < 0.6)
    return `${field.name} ${pick(rng, ['in', 'intersects'])} ${list(some(rng, field.values, 7))}`;
  if (roll < 0.72) return `${field.name} ${pick(rng, STRING_OPS)} ${quoted(value())}`;
  if (roll < 0.77) return `${field.name} pmatch ${quotedList(some(rng, PATHS, 3))}`;
  if (roll < 0.83) return `${field.name} ${pick(rng, ['glob', 'iglob'])} ${quoted(pick(rng, GLOBS))}`;
  if (roll < 0.87) return `${field.name} regex ${quoted(pick(rng, REGEXES))}`;
  if (roll < 0.91)
    return `${field.name} startswith ${pick(rng, ['anyof', 'allof', 'oneof'])} ${quotedList(some(rng, field.values, 3))}`;
  if (roll < 0.95) return `${field.name} bcontains ${quoted(pick(rng, ['62', '2f65', '7373']))}`;
  return `${field.name} ${pick(rng, ['=', '!=', 'contains'])} ${pick(rng, ['proc.pname', 'val(proc.pname)', 'fd.directory'])}`;
}

function condition(rng: Rng, depth: number, macros: readonly string[]): string {
  if (macros.length > 0 && rng() < 0.2) return pick(rng, macros);
  if (depth <= 0 || rng() < 0.3) return check(rng);
  const roll = rng();
  if (roll < 0.15) return `not ${condition(rng, depth - 1, macros)}`;
  const parts = Array.from({ length: 2 + Math.floor(rng() * 3) }, () => condition(rng, depth - 1, macros));
  return `(${parts.join(roll < 0.6 ? ' and ' : ' or ')})`;
}

function ast(text: string): Expr {
  const result = parse(text);
  if (!('ast' in result)) throw new Error(`${text}: ${result.error}`);
  return result.ast;
}

function rules(rng: Rng): EvaluableRule[] {
  // Macros: conditions several rules hold, some long enough to be decided once per event.
  const macros = Array.from({ length: 4 }, () => condition(rng, 3, []));
  macros.push(`(${Array.from({ length: 8 }, () => check(rng)).join(' or ')})`);
  return Array.from({ length: 14 }, (_, i) => ({
    name: `rule ${i}`,
    condition: ast(condition(rng, 3, macros)),
    output: 'x',
    priority: 'WARNING',
    source: rng() < 0.8 ? 'syscall' : 'test',
    tags: [],
    enabled: rng() > 0.1,
  }));
}

const EVENT_VALUES: readonly unknown[] = [
  ...NAMES,
  ...PATHS,
  ...IPS.filter((ip) => !ip.includes('/')),
  0,
  1,
  22,
  -2,
  1000,
  16,
  2.5,
  '22',
  '0',
  'ssh',
  true,
  false,
  'true',
  null,
  ['ipv4', 'ipv6'],
  [],
  ['bash', 'sh'],
];
const EVENT_KEYS = [
  'proc.name',
  'proc.pname',
  'proc.aname[1]',
  'proc.aname[2]',
  'proc.aname[3]',
  'proc.aname',
  'fd.name',
  'fd.directory',
  'user.uid',
  'fd.num',
  'fd.port',
  'fd.cport',
  'fd.sport',
  'fd.ip',
  'fd.cip',
  'fd.sip',
  'evt.is_open_read',
  'fd.types',
  'evt.arg.flags',
  'evt.arg[flags]',
  'custom.field',
];

function event(rng: Rng): EngineEvent {
  const fields: Record<string, unknown> = {};
  const type = rng();
  if (type < 0.85) fields['evt.type'] = pick(rng, TYPES);
  else if (type < 0.9) fields['evt.type'] = 7;
  for (const key of EVENT_KEYS) if (rng() < 0.5) fields[key] = pick(rng, EVENT_VALUES);
  return { source: rng() < 0.8 ? 'syscall' : pick(rng, ['test', 'other']), fields };
}

/** The reference: each enabled rule of the event's source in load order, no index, no memo. */
function reference(all: readonly EvaluableRule[]): (event: EngineEvent) => string[] {
  const compiled: [EvaluableRule, Predicate][] = all
    .filter((rule) => rule.enabled)
    .map((rule) => [rule, compileCondition(rule.condition, rule.source)]);
  return (event) =>
    compiled
      .filter(([rule, test]) => rule.source === event.source && test(event.fields))
      .map(([rule]) => rule.name);
}

const names = (rules: readonly { rule: EvaluableRule }[]): string[] => rules.map((r) => r.rule.name);

describe('generated chains agree with the reference evaluation', () => {
  it.each(Array.from({ length: 40 }, (_, i) => 1000 + i))('random rules and events, seed %i', (seed) => {
    const rng = random(seed);
    const set = rules(rng);
    const expected = reference(set);
    const first = new Ruleset(set, 'first');
    const all = new Ruleset(set, 'all');
    expect(first.problems).toEqual([]);
    // A pool of events met in random order, each several times, types interleaved.
    const pool = Array.from({ length: 60 }, () => event(rng));
    for (let i = 0; i < 400; i++) {
      const e = pick(rng, pool);
      const want = expected(e);
      expect(names(all.evaluate(e)), `seed ${seed}, event ${JSON.stringify(e)}`).toEqual(want);
      expect(first.first(e)?.rule.name, `seed ${seed}, event ${JSON.stringify(e)}`).toBe(want[0]);
      expect(names(first.evaluate(e))).toEqual(want.slice(0, 1));
    }
  });

  it('does not carry a value read for one event over to the next', () => {
    const set = [
      'proc.name = bash and fd.name = /etc/shadow',
      'proc.name = sh',
      'tolower(proc.name) = bash',
    ].map((text, i): EvaluableRule => ({
      name: `r${i}`,
      condition: ast(text),
      output: '',
      priority: 'INFO',
      source: 'syscall',
      tags: [],
      enabled: true,
    }));
    const ruleset = new Ruleset(set, 'all');
    const bash = { source: 'syscall', fields: { 'proc.name': 'bash', 'fd.name': '/etc/shadow' } };
    const sh = { source: 'syscall', fields: { 'proc.name': 'sh', 'fd.name': '/etc/shadow' } };
    const upper = { source: 'syscall', fields: { 'proc.name': 'BASH' } };
    for (let i = 0; i < 3; i++) {
      expect(names(ruleset.evaluate(bash))).toEqual(['r0', 'r2']);
      expect(names(ruleset.evaluate(sh))).toEqual(['r1']);
      expect(names(ruleset.evaluate(upper))).toEqual(['r2']);
      expect(names(ruleset.evaluate({ source: 'syscall', fields: {} }))).toEqual([]);
    }
  });
});

warnSkipped('the official rules against random events (chain.test.ts)');
describe.skipIf(!hasCorpus)('the official rules: chains agree with the reference', () => {
  it('on random events built from the values the rules test', () => {
    const files = ['falco_rules.yaml', 'falco-incubating_rules.yaml'].map((f) => join(corpusDir, f));
    const loaded = loadRuleset(
      files.map((absolute) => ({ absolute, display: absolute })),
      'all',
    );
    expect(loaded.errors).toEqual([]);
    const expected = reference(loaded.ruleset.compiled.map((c) => c.rule));
    // Values the rules compare with, taken from the rules files' lists and conditions.
    const words = new Set<string>();
    for (const file of files)
      for (const match of readFileSync(file, 'utf8').matchAll(/[\w./-]{2,}/g)) words.add(match[0]);
    const vocabulary = [...words];
    const keys = new Set<string>();
    for (const c of loaded.ruleset.compiled)
      for (const match of JSON.stringify(c.rule.condition).matchAll(/"name":"([a-z0-9_.]+)"/g))
        keys.add(match[1] as string);
    const fieldNames = [...keys, 'proc.pname', 'proc.aname[2]', 'proc.aname[3]'];
    const types = ['openat', 'open', 'execve', 'connect', 'accept', 'setuid', 'unlinkat', 'ptrace', 'mmap'];
    const rng = random(7);
    let fired = 0;
    for (let i = 0; i < 3000; i++) {
      const fields: Record<string, unknown> = { 'evt.type': pick(rng, types) };
      for (const key of fieldNames) {
        const roll = rng();
        if (roll < 0.3) fields[key] = pick(rng, vocabulary);
        else if (roll < 0.35) fields[key] = Math.floor(rng() * 3) - 1;
        else if (roll < 0.4) fields[key] = rng() < 0.5;
      }
      fields['evt.dir'] = '<';
      const e = { source: 'syscall', fields };
      const want = expected(e);
      if (want.length > 0) fired++;
      expect(names(loaded.ruleset.evaluate(e)), JSON.stringify(e)).toEqual(want);
    }
    // The events must exercise the rules, not only miss them.
    expect(fired).toBeGreaterThan(100);
  });
});
