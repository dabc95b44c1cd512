/**
 * Array helpers safe at any length: `a.push(...b)` and `Math.max(...b)` pass every element as an
 * argument and overflow the stack at about 100,000 of them, which a hostile file reaches easily.
 */

/** Appends `items` to `target` one by one; returns `target`. */
export function append<T>(target: T[], items: Iterable<T>): T[] {
  for (const item of items) target.push(item);
  return target;
}

/** The largest of `values`, or `floor` when there is none larger. */
export function maxOf(values: Iterable<number>, floor = -Infinity): number {
  let max = floor;
  for (const value of values) if (value > max) max = value;
  return max;
}
