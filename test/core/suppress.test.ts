import { describe, expect, it } from 'vitest';
import { SourceFile } from '../../src/core/source.js';
import { findSuppressions } from '../../src/core/suppress.js';

/** The lines a file's one suppression covers. */
function covered(path: string, text: string): [number, number] {
  const [only] = findSuppressions(new SourceFile(path, text));
  if (!only) throw new Error('no suppression');
  return [only.line + 1, only.lastLine];
}

describe('what a chs-disable-next-line covers', () => {
  it.each<[string, string, string, [number, number]]>([
    [
      'a one-line value: the next line',
      'r.yaml',
      '# chs-disable-next-line\ncondition: a\noutput: o\n',
      [2, 2],
    ],
    [
      'a > block scalar: all of it, blank lines included',
      'r.yaml',
      '- rule: R\n  # chs-disable-next-line\n  condition: >\n    a\n\n    and b\n  output: o\n',
      [3, 6],
    ],
    [
      'a |- block scalar with a comment after the indicator',
      'r.yaml',
      '# chs-disable-next-line\ncondition: |- # why\n  a\n  b\nnext: x\n',
      [2, 4],
    ],
    [
      'a plain scalar folded over lines',
      'r.yaml',
      '  # chs-disable-next-line\n  condition: a and\n    b\n  output: o\n',
      [2, 3],
    ],
    [
      'a sequence item key: not the keys of the same item',
      'r.yaml',
      '# chs-disable-next-line\n- rule: R\n  desc: d\n  condition: c\n',
      [2, 2],
    ],
    [
      'not YAML: the next line only, however indented what follows',
      'profile',
      '# chs-disable-next-line\nprofile p {\n  /etc/x r,\n}\n',
      [2, 2],
    ],
  ])('%s', (_name, path, text, lines) => {
    expect(covered(path, text)).toEqual(lines);
  });
});
