import { describe, expect, it } from 'vitest';
import { printable } from '../../src/core/printable.js';

describe('printable', () => {
  it.each([
    ['plain text, newlines and tabs stay', 'a\tb\nc', 'a\tb\nc'],
    ['ESC of a colour sequence', 'x\u001b[31my', 'x\\x1b[31my'],
    ['NUL and BEL', 'a\u0000b\u0007', 'a\\x00b\\x07'],
    ['a carriage return that would overwrite the line', 'ok\rFAIL', 'ok\\x0dFAIL'],
    ['DEL and a C1 control (CSI)', '\u007f\u009b2J', '\\x7f\\x9b2J'],
    ['bidirectional overrides and isolates', 'a\u202eb\u2066c', 'a\\u202eb\\u2066c'],
    ['other Unicode text stays', 'café ✓ 日本', 'café ✓ 日本'],
  ])('%s', (_name, text, shown) => {
    expect(printable(text)).toBe(shown);
  });

  it('is the same on a second call (the pattern keeps no state between calls)', () => {
    expect(printable('\u001b')).toBe('\\x1b');
    expect(printable('\u001b')).toBe('\\x1b');
  });
});
