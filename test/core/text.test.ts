import { describe, expect, it } from 'vitest';
import { textOf } from '../../src/core/text.js';

describe('textOf: a value read from YAML, JSON or an event, as text', () => {
  const self: unknown[] = [];
  self.push(self);
  it.each([
    ['a string', 'nginx', 'nginx'],
    ['a number', 8080, '8080'],
    ['a boolean', false, 'false'],
    ['a bigint', 12n, '12'],
    ['null', null, ''],
    ['nothing', undefined, ''],
    ['a mapping', { port: 80 }, '{"port":80}'],
    ['a list', [1, 'a'], '[1,"a"]'],
    ['a list that contains itself (a YAML alias)', self, '[...]'],
  ])('%s', (_name, value, text) => {
    expect(textOf(value)).toBe(text);
  });
});
