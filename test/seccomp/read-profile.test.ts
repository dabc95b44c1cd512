/**
 * A profile is parsed once per path, content and runtime, whichever SourceFile holds it: lint,
 * `chs test` and the preview each read the file into their own.
 */
import { describe, expect, it } from 'vitest';
import { SourceFile } from '../../src/core/source.js';
import { readProfile } from '../../src/languages/seccomp/index.js';

const TEXT = '{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["read"],"action":"SCMP_ACT_ALLOW"}]}';

describe('readProfile', () => {
  it('shares one parse between files of the same path and content', () => {
    const first = readProfile(new SourceFile('p.json', TEXT), 'kubernetes');
    // A copy of the text, as a second read of the file gives.
    const again = readProfile(new SourceFile('p.json', ` ${TEXT}`.slice(1)), 'kubernetes');
    expect(again).toBe(first);
  });

  it.each([
    ['another path', 'q.json', TEXT, 'kubernetes'],
    ['another content of the same length', 'p.json', TEXT.replace('ALLOW', 'TRACE'), 'kubernetes'],
    ['another runtime', 'p.json', TEXT, 'docker'],
  ] as const)('parses again for %s', (_name, path, text, runtime) => {
    const first = readProfile(new SourceFile('p.json', TEXT), 'kubernetes');
    const other = readProfile(new SourceFile(path, text), runtime);
    expect(other).not.toBe(first);
    expect(other.profile?.file).toBe(path);
    expect(other.profile?.runtime).toBe(runtime);
  });
});
