import { describe, expect, it } from 'vitest';
import { LruCache } from '../../src/core/lru.js';
import { loadProfileSet } from '../../src/languages/apparmor/analyze.js';
import { evaluateAccess } from '../../src/languages/apparmor/evaluate.js';
import { PATTERN_CACHE } from '../../src/languages/apparmor/evaluate/files.js';

describe('LruCache', () => {
  it('keeps at most its capacity, dropping the least recently used entry', () => {
    const cache = new LruCache<string, number>(2);
    cache.set('a', 1);
    cache.set('b', 2);
    expect(cache.get('a')).toBe(1); // a is now the most recent
    cache.set('c', 3);
    expect(cache.size).toBe(2);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe(1);
    expect(cache.get('c')).toBe(3);
  });

  it('replaces a key without growing', () => {
    const cache = new LruCache<string, number>(2);
    cache.set('a', 1);
    cache.set('a', 2);
    expect(cache.size).toBe(1);
    expect(cache.get('a')).toBe(2);
  });

  it('refuses a capacity that is not a positive integer', () => {
    expect(() => new LruCache(0)).toThrow('LruCache capacity must be a positive integer, not 0');
    expect(() => new LruCache(1.5)).toThrow('not 1.5');
  });
});

describe('the AppArmor evaluator pattern cache', () => {
  it('stays within its bound however many distinct patterns a process decides', () => {
    const count = PATTERN_CACHE.capacity + 500;
    const rules = Array.from({ length: count }, (_, i) => `  /srv/bound-${i}/** r,`).join('\n');
    const { set } = loadProfileSet([{ path: 'p', text: `profile p {\n${rules}\n}\n` }], {
      roots: [],
      bases: [],
      cwd: process.cwd(),
      validate: false,
    });
    expect(evaluateAccess(set, 'p', { path: '/srv/bound-7/x', permissions: 'r' }).decision).toBe('allow');
    expect(PATTERN_CACHE.size).toBeLessThanOrEqual(PATTERN_CACHE.capacity);
    // The first patterns were dropped, and a later decision still compiles what it needs.
    expect(evaluateAccess(set, 'p', { path: '/srv/bound-0/y', permissions: 'r' }).decision).toBe('allow');
  });
});
