/** The ruleset index, rule matching, alert formatting, the event stream and replay. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from '../../src/languages/falco/condition/parser.js';
import { alertJson, buildAlert } from '../../src/languages/falco/evaluate/alert.js';
import { Ruleset } from '../../src/languages/falco/evaluate/engine.js';
import type { EvaluableRule } from '../../src/languages/falco/evaluate/engine.js';
import {
  forEachLine,
  EventFileError,
  MAX_EMPTY_LINES_IN_A_ROW,
  MAX_INFLATE_RATIO,
  NotEventsError,
  parseEventLine,
  readEvents,
} from '../../src/languages/falco/evaluate/events.js';
import type { BadLine, RecordedEvent } from '../../src/languages/falco/evaluate/events.js';
import { compileOutput, priorityName } from '../../src/languages/falco/evaluate/output.js';
import { replay } from '../../src/languages/falco/evaluate/replay.js';
import { clockTime, isoTime, parseEventTime } from '../../src/languages/falco/evaluate/time.js';

function rule(name: string, condition: string, extra: Partial<EvaluableRule> = {}): EvaluableRule {
  const result = parse(condition);
  if (!('ast' in result)) throw new Error(result.error);
  return {
    name,
    condition: result.ast,
    output: `${name} (proc=%proc.name file=%fd.name)`,
    priority: 'WARNING',
    source: 'syscall',
    tags: ['test'],
    enabled: true,
    ...extra,
  };
}

const RULES = [
  rule('Shell', 'evt.type = execve and proc.name in (bash, sh)'),
  rule('Any exec', 'evt.type in (execve, execveat)'),
  rule('Shadow', 'evt.type in (open, openat) and fd.name = /etc/shadow'),
  rule('Off', 'evt.type = execve', { enabled: false }),
  rule('Not open', 'not evt.type = openat and proc.name = cat'),
  rule('Audit', 'ka.verb = create', { source: 'k8s_audit' }),
];

const ev = (fields: Record<string, unknown>, source = 'syscall') => ({ source, fields });

describe('Ruleset', () => {
  const first = new Ruleset(RULES, 'first');
  const all = new Ruleset(RULES, 'all');
  const names = (rules: readonly ({ rule: EvaluableRule } | { compiled: { rule: EvaluableRule } })[]) =>
    rules.map((r) => ('compiled' in r ? r.compiled.rule.name : r.rule.name));

  it('fires the first matching rule in load order, or every one under all', () => {
    const shell = ev({ 'evt.type': 'execve', 'proc.name': 'bash' });
    expect(names(first.evaluate(shell))).toEqual(['Shell']);
    expect(first.first(shell)?.rule.name).toBe('Shell');
    expect(names(all.evaluate(shell))).toEqual(['Shell', 'Any exec']);
    expect(names(first.evaluate(ev({ 'evt.type': 'execve', 'proc.name': 'ls' })))).toEqual(['Any exec']);
  });

  it('skips disabled rules and rules of another source', () => {
    expect(first.disabled.has('Off')).toBe(true);
    expect(names(all.evaluate(ev({ 'evt.type': 'execve' })))).toEqual(['Any exec']);
    expect(names(all.evaluate(ev({ 'ka.verb': 'create' }, 'k8s_audit')))).toEqual(['Audit']);
    expect(names(all.evaluate(ev({ 'ka.verb': 'create' })))).toEqual([]);
    expect(all.evaluate(ev({ 'evt.type': 'execve' }, 'unknown'))).toEqual([]);
  });

  it('indexes by evt.type so an event meets only the rules that can match it', () => {
    expect(names(first.candidates(ev({ 'evt.type': 'openat' })))).toEqual(['Shadow']);
    expect(names(first.candidates(ev({ 'evt.type': 'execve' })))).toEqual(['Shell', 'Any exec', 'Not open']);
    expect(names(first.candidates(ev({ 'evt.type': 'read' })))).toEqual(['Not open']);
  });

  it('lets an event without evt.type meet every rule of its source', () => {
    expect(first.candidates(ev({ 'proc.name': 'cat' }))).toHaveLength(4);
    expect(names(all.evaluate(ev({ 'proc.name': 'cat' })))).toEqual(['Not open']);
  });

  it('collects compile problems instead of throwing', () => {
    const broken = new Ruleset([rule('Bad regex', 'proc.name regex "(x"'), RULES[0] as EvaluableRule]);
    expect(broken.problems).toMatchObject([
      { rule: 'Bad regex', message: expect.stringContaining('invalid regex') },
    ]);
    expect(broken.compiled).toHaveLength(1);
  });
});

describe('outputs and alerts', () => {
  it('formats fields as Falco does, absent ones as <NA>', () => {
    const output = compileOutput(
      'Shell (user=%user.name parent=%proc.aname[2] cmd=%(proc.cmdline) ip=%fd.rip). Next %proc.name.',
    );
    const fields = {
      'user.name': 'root',
      'proc.aname[2]': 'sshd',
      'proc.cmdline': 'bash -i',
      'proc.name': 'bash',
    };
    expect(output.render(fields)).toBe('Shell (user=root parent=sshd cmd=bash -i ip=<NA>). Next bash.');
    expect(output.keys).toEqual(['user.name', 'proc.aname[2]', 'proc.cmdline', 'fd.rip', 'proc.name']);
    expect(output.values(fields)).toEqual({ ...fields, 'fd.rip': null });
    expect(
      compileOutput('%fd.types %user.uid %proc.is_exe_writable').render({
        'fd.types': ['a', 'b'],
        'user.uid': 0,
        'proc.is_exe_writable': true,
      }),
    ).toBe('(a,b) 0 true');
    expect(compileOutput('pname=%proc.pname').render({ 'proc.aname[1]': 'sshd' })).toBe('pname=sshd');
  });

  it('builds the alert Falco would print, with nanosecond times', () => {
    const ruleset = new Ruleset(RULES);
    const event: RecordedEvent = {
      line: 1,
      source: 'syscall',
      time: '2026-11-28T12:34:56.123456789Z',
      fields: { 'evt.type': 'openat', 'fd.name': '/etc/shadow', 'proc.name': 'cat' },
    };
    const compiled = ruleset.first(event);
    expect(compiled?.rule.name).toBe('Shadow');
    const alert = buildAlert(compiled!, event, 'node-1');
    expect(alert).toEqual({
      time: '2026-11-28T12:34:56.123456789Z',
      rule: 'Shadow',
      priority: 'Warning',
      source: 'syscall',
      output: '12:34:56.123456789: Warning Shadow (proc=cat file=/etc/shadow)',
      output_fields: { 'evt.time': 1795869296123456789n, 'proc.name': 'cat', 'fd.name': '/etc/shadow' },
      tags: ['test'],
      hostname: 'node-1',
    });
    expect(alertJson(alert)).toContain('"output_fields":{"evt.time":1795869296123456789,"proc.name":"cat"');
    expect(JSON.parse(alertJson(alert)).rule).toBe('Shadow');
  });

  it('reads times as ISO 8601 or nanoseconds, and spells priorities as Falco', () => {
    expect(parseEventTime('1970-01-01T00:00:01.5Z')).toBe(1_500_000_000n);
    expect(parseEventTime('2026-11-28T13:00:00+01:00')).toBe(parseEventTime('2026-11-28T12:00:00Z'));
    expect(parseEventTime('1795869296123456789')).toBe(1795869296123456789n);
    expect(parseEventTime('yesterday')).toBeUndefined();
    expect(isoTime(1_000_000_001n)).toBe('1970-01-01T00:00:01.000000001Z');
    expect(clockTime(1_000_000_001n)).toBe('00:00:01.000000001');
    expect(priorityName('INFO')).toBe('Informational');
    expect(priorityName('critical')).toBe('Critical');
  });
});

describe('the event stream', () => {
  const dir = mkdtempSync(join(tmpdir(), 'chs-events-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const lines = [
    JSON.stringify({
      output_fields: { 'evt.type': 'execve', 'proc.name': 'bash' },
      rule: 'x',
      time: '2026-01-01T00:00:00Z',
      hostname: 'h',
    }),
    '',
    '{"time": 1, "fields": {"evt.type": "openat", "fd.name": "/etc/shadow"}}\r',
    'not json',
    '[1, 2]',
    '{"fields": 3}',
    '{"source": 7, "fields": {}}',
    '{"source": "k8s_audit", "fields": {"ka.verb": "create"}}',
  ].join('\n');

  async function collect(path: string): Promise<{ events: RecordedEvent[]; bad: BadLine[] }> {
    const events: RecordedEvent[] = [];
    const bad: BadLine[] = [];
    await readEvents(
      path,
      'events',
      (e) => events.push(e),
      (b) => bad.push(b),
    );
    return { events, bad };
  }

  it('reads alerts and field maps, and reports bad lines by number', async () => {
    const path = join(dir, 'events.jsonl');
    writeFileSync(path, lines);
    const { events, bad } = await collect(path);
    expect(events.map((e) => [e.line, e.source, e.fields])).toEqual([
      [1, 'syscall', { 'evt.type': 'execve', 'proc.name': 'bash' }],
      [3, 'syscall', { 'evt.type': 'openat', 'fd.name': '/etc/shadow' }],
      [8, 'k8s_audit', { 'ka.verb': 'create' }],
    ]);
    expect(events[0]?.hostname).toBe('h');
    expect(bad.map((b) => b.line)).toEqual([4, 5, 6, 7]);
    expect(bad[0]?.message).toMatch(/^not valid JSON/);
    expect(bad[1]?.message).toBe('not a JSON object');
    expect(bad[2]?.message).toMatch(/neither a Falco alert/);
  });

  it('reads gzip the same', async () => {
    const path = join(dir, 'events.jsonl.gz');
    writeFileSync(path, gzipSync(lines));
    const { events, bad } = await collect(path);
    expect(events).toHaveLength(3);
    expect(bad).toHaveLength(4);
  });

  it('splits lines across chunk boundaries and skips an overlong line', async () => {
    const seen: [number, string][] = [];
    const tooLong: number[] = [];
    const big = 'x'.repeat(17 * 1024 * 1024);
    const chunks = ['{"a"', ':1}\n{"b":2}\n', big.slice(0, 9e6), big.slice(9e6), '\n{"c":3}'].map((s) =>
      Buffer.from(s),
    );
    const count = await forEachLine(
      Readable.from(chunks),
      (text, line) => seen.push([line, text]),
      (line) => tooLong.push(line),
    );
    expect(seen).toEqual([
      [1, '{"a":1}'],
      [2, '{"b":2}'],
      [4, '{"c":3}'],
    ]);
    expect(tooLong).toEqual([3]);
    expect(count).toBe(4);
  });

  it('reads the same lines however the bytes are cut into chunks', async () => {
    // CRLF, blank lines, a bad UTF-8 sequence at a line's end and a character cut by a chunk.
    const bytes = Buffer.concat([
      Buffer.from('{"a":"é"}\r\n\n  \n{"b":"'),
      Buffer.from([0xe2, 0x82]),
      Buffer.from('"}\n{"c":"€'),
      Buffer.from([0xe2]),
      Buffer.from('\r\n{"d":"€"}\n{"e":1}'),
    ]);
    const read = async (chunks: Buffer[]): Promise<[number, string][]> => {
      const seen: [number, string][] = [];
      await forEachLine(
        Readable.from(chunks),
        (text, line) => seen.push([line, text]),
        () => undefined,
      );
      return seen;
    };
    const whole = await read([bytes]);
    expect(whole).toEqual([
      [1, '{"a":"é"}'],
      [4, '{"b":"\ufffd"}'],
      [5, '{"c":"€\ufffd'],
      [6, '{"d":"€"}'],
      [7, '{"e":1}'],
    ]);
    const byteByByte = await read([...bytes].map((b) => Buffer.from([b])));
    expect(byteByByte).toEqual(whole);
    const cutInCharacters = await read([bytes.subarray(0, 8), bytes.subarray(8, 30), bytes.subarray(30)]);
    expect(cutInCharacters).toEqual(whole);
  });

  it('stops at a million empty lines in a row, naming the line they start at', async () => {
    const chunks = [Buffer.from('{"a":1}\n'), Buffer.alloc(MAX_EMPTY_LINES_IN_A_ROW + 10, 0x0a)];
    const seen: number[] = [];
    await expect(
      forEachLine(
        Readable.from(chunks),
        (_text, line) => seen.push(line),
        () => undefined,
      ),
    ).rejects.toThrow(
      new NotEventsError('more than 1,000,000 empty lines in a row from line 2: not a file of events'),
    );
    expect(seen).toEqual([1]);
    // As many empty lines, broken by events, are fine.
    const broken = [
      Buffer.alloc(MAX_EMPTY_LINES_IN_A_ROW, 0x0a),
      Buffer.from('{"b":2}\n'),
      Buffer.alloc(10, 0x0a),
    ];
    expect(
      await forEachLine(
        Readable.from(broken),
        () => undefined,
        () => undefined,
      ),
    ).toBe(MAX_EMPTY_LINES_IN_A_ROW + 11);
  });

  it('stops a gzip that inflates past 500 times its size, and names the byte where gzip breaks off', async () => {
    // One line of 80 MiB: skipped as too long, so only the ratio can stop it.
    const bomb = join(dir, 'bomb.gz');
    writeFileSync(bomb, gzipSync(Buffer.alloc(80 * 1024 * 1024, 0x61), { level: 9 }));
    const error = await readEvents(
      bomb,
      'bomb.gz',
      () => undefined,
      () => undefined,
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EventFileError);
    expect((error as Error).message).toMatch(
      /^bomb\.gz: [\d,]+ bytes of gzip inflate to more than 500 times their size \([\d,]+ bytes\): not a file of events$/,
    );
    expect(MAX_INFLATE_RATIO).toBe(500);

    const whole = gzipSync(`${'{"fields":{"evt.type":"open"}}\n'.repeat(2000)}`);
    const truncated = join(dir, 'truncated.gz');
    writeFileSync(truncated, whole.subarray(0, 200));
    const seen: number[] = [];
    await expect(
      readEvents(
        truncated,
        'events/truncated.gz',
        (e) => seen.push(e.line),
        () => undefined,
      ),
    ).rejects.toThrow(
      new EventFileError(
        'events/truncated.gz',
        'not valid gzip at byte 200 (unexpected end of file): the file is truncated or corrupt; copy or record it again',
      ),
    );
    await expect(
      readEvents(
        join(dir, 'none.gz'),
        'none.gz',
        () => undefined,
        () => undefined,
      ),
    ).rejects.toThrow(new EventFileError('none.gz', 'cannot read (ENOENT)'));
  });

  it('parses one line without a stream', () => {
    expect(parseEventLine('{"fields":{"a":1},"source":"syscall"}', 9)).toEqual({
      line: 9,
      source: 'syscall',
      fields: { a: 1 },
    });
  });

  it('replays files in order and counts alerts per rule', async () => {
    const path = join(dir, 'replay.jsonl');
    writeFileSync(
      path,
      [
        '{"fields":{"evt.type":"execve","proc.name":"bash"}}',
        '{"fields":{"evt.type":"execve","proc.name":"ls"}}',
        '{"fields":{"evt.type":"openat","fd.name":"/etc/shadow"}}',
        'oops',
      ].join('\n'),
    );
    const alerts: string[] = [];
    const bad: number[] = [];
    const summary = await replay({
      ruleset: new Ruleset(RULES),
      files: [
        { path, display: 'replay.jsonl' },
        { path, display: 'again.jsonl' },
      ],
      hostname: 'h',
      onAlert: (a) => alerts.push(a.rule),
      onBadLine: (_f, b) => bad.push(b.line),
    });
    expect(alerts).toEqual(['Shell', 'Any exec', 'Shadow', 'Shell', 'Any exec', 'Shadow']);
    expect(bad).toEqual([4, 4]);
    expect(summary.events).toBe(6);
    expect(summary.badLines).toBe(2);
    expect(summary.alerts).toBe(6);
    expect(summary.rules.map((r) => [r.rule, r.alerts])).toEqual([
      ['Shell', 2],
      ['Any exec', 2],
      ['Shadow', 2],
      ['Not open', 0],
      ['Audit', 0],
    ]);
    expect(summary.rules[0]?.priority).toBe('Warning');
  });
});
