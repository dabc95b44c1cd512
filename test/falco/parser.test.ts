import { describe, expect, it } from 'vitest';
import { parse } from '../../src/languages/falco/condition/parser.js';

function ast(condition: string): unknown {
  const result = parse(condition);
  if (!('ast' in result)) throw new Error(`${result.error} at ${result.offset}`);
  return result.ast;
}

describe('condition parser', () => {
  it('builds and/or/not with spans', () => {
    expect(ast('a and not b')).toEqual({
      kind: 'and',
      start: 0,
      end: 11,
      children: [
        { kind: 'identifier', name: 'a', start: 0, end: 1 },
        { kind: 'not', start: 6, end: 11, child: { kind: 'identifier', name: 'b', start: 10, end: 11 } },
      ],
    });
  });

  it('parses field arguments, lists, modifiers and transformers', () => {
    expect(ast('proc.aname[2] in (bash, "sh")')).toMatchObject({
      kind: 'binary',
      op: 'in',
      left: { kind: 'field', name: 'proc.aname', arg: '2' },
      right: {
        kind: 'list',
        items: [
          { value: 'bash', quoted: false, start: 18, end: 22 },
          { value: 'sh', quoted: true, start: 24, end: 28 },
        ],
      },
    });
    expect(ast('proc.name = oneof my_list')).toMatchObject({
      op: '=',
      modifier: 'oneof',
      right: { kind: 'value', value: 'my_list' },
    });
    expect(ast('proc.name = oneof')).toMatchObject({ right: { kind: 'value', value: 'oneof' } });
    expect(ast('tolower(proc.name) = val(evt.arg.name)')).toMatchObject({
      left: { kind: 'transformer', name: 'tolower', args: [{ kind: 'field', name: 'proc.name' }] },
      right: { kind: 'transformer', name: 'val', args: [{ kind: 'field', name: 'evt.arg.name' }] },
    });
    expect(ast('join("-", (fd.name, "x", 1)) = a')).toMatchObject({
      left: { name: 'join', separator: '-', args: [{ kind: 'field' }, { value: 'x' }, { value: '1' }] },
    });
    expect(ast('getopt(proc.args, "nt:")["t"] = value')).toMatchObject({
      left: { name: 'getopt', options: 'nt:', arg: 't' },
    });
    expect(ast('fd.name regex "^/etc/.*"')).toMatchObject({ op: 'regex', right: { value: '^/etc/.*' } });
  });

  it('gives libsinsp messages with the offset where parsing stopped', () => {
    expect(parse('a and b or')).toEqual({ error: "expected blank or '(' after 'or'", offset: 10 });
    expect(parse('proc.name foo bar')).toMatchObject({
      error: expect.stringMatching(/^expected a valid check operator: one of 'exists', '<=', /),
      offset: 10,
    });
    expect(parse('a b')).toEqual({ error: "unexpected token after 'a', expecting 'or', 'and'", offset: 2 });
    expect(parse('')).toEqual({ error: 'filter input string is empty', offset: 0 });
    expect(parse('x.y = "a\\qb"')).toEqual({ error: 'unsupported string escape sequence: \\q', offset: 9 });
  });

  it('refuses deep nesting instead of overflowing the stack', () => {
    expect(parse('('.repeat(5000) + 'a' + ')'.repeat(5000))).toMatchObject({
      error: 'exceeded max depth limit of 100',
    });
    expect(parse('not '.repeat(50_000) + 'a')).toHaveProperty('ast');
  });
});
