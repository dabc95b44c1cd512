import { describe, expect, it } from 'vitest';
import { append, maxOf } from '../../src/core/arrays.js';

describe('arrays at any length', () => {
  const big = Array.from({ length: 500_000 }, (_, i) => i);
  it('append adds every item in order', () => {
    expect(append([1], [2, 3])).toEqual([1, 2, 3]);
    expect(append([] as number[], big)).toHaveLength(500_000);
  });
  it.each([
    [[], 0, 0],
    [[3, 9, 2], 0, 9],
    [[1], 4, 4],
    [big, 0, 499_999],
  ])('maxOf of %# is %j', (values, floor, max) => {
    expect(maxOf(values, floor)).toBe(max);
  });
});
