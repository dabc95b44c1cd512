import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sources(join(dir, entry.name))
      : entry.name.endsWith('.ts')
        ? [join(dir, entry.name)]
        : [],
  );
}

describe('the GitLab client boundary', () => {
  // `import type` is erased by the compiler: gitbeaker's types may be named outside client.ts.
  it('imports @gitbeaker only in src/gitlab/client.ts, and only lazily', () => {
    const users = sources('src').filter((file) =>
      /^import (?!type )[^;]*from '@gitbeaker\/|import\('@gitbeaker\//m.test(readFileSync(file, 'utf8')),
    );
    expect(users).toEqual([join('src', 'gitlab', 'client.ts')]);
    const text = readFileSync(join('src', 'gitlab', 'client.ts'), 'utf8');
    expect(text).not.toMatch(/^import (?!type )[^;]*from '@gitbeaker\//m);
    expect(text).toContain("import('@gitbeaker/rest')");
  });
  it('loads src/gitlab only from the commands that talk to GitLab, lazily', () => {
    for (const file of sources('src').filter((f) => !f.includes(`${join('src', 'gitlab')}`))) {
      const text = readFileSync(file, 'utf8');
      expect(text, file).not.toMatch(/^import (?!type )[^;]*from '\.\.\/gitlab\//m);
    }
  });
});
