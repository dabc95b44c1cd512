/** Files a test brings, written where it says: the one way tests lay out a repository. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll } from 'vitest';

/** Writes each file (path relative to `root` → text), making its folders; returns `root`. */
export function writeFiles(root: string, files: Record<string, string>): string {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

/**
 * Called where a test file's tests are collected: gives a function that writes files into a new
 * temporary folder, and removes every such folder once the file's tests are done.
 */
export function tempTrees(prefix: string): (files?: Record<string, string>) => string {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });
  return (files = {}) => {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    dirs.push(dir);
    return writeFiles(dir, files);
  };
}
