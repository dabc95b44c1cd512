/** 1-based lines of items for the report's links: from an offset in a file of a side's tree. */
import { SourceFile } from '../core/source.js';
import type { PolicyTree } from './section.js';

const files = new WeakMap<PolicyTree, Map<string, SourceFile | null>>();

export function lineOf(
  tree: PolicyTree | undefined,
  path: string,
  offset: number | undefined,
): number | undefined {
  if (!tree || offset === undefined) return undefined;
  let byPath = files.get(tree);
  if (!byPath) files.set(tree, (byPath = new Map<string, SourceFile | null>()));
  let file = byPath.get(path);
  if (file === undefined) {
    const text = tree.read(path);
    file = text === undefined ? null : new SourceFile(path, text);
    byPath.set(path, file);
  }
  return file?.position(offset).line;
}
