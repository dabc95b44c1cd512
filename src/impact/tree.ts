/** Reading one side of the comparison: its configuration and its policy files by kind. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CONFIG_FILE_NAMES, loadConfig } from '../core/config.js';
import type { Config, LoadedConfig } from '../core/config.js';
import type { Diagnostic } from '../core/diagnostic.js';
import { discover, displayPath, layoutOf } from '../core/discovery.js';
import type { WalkProblem } from '../core/discovery.js';
import type { PolicyKind } from '../core/kinds.js';
import type { Language } from '../core/language.js';
import { OUTSIDE_REASON, Reach } from '../core/reach.js';
import { languages as allLanguages } from '../languages/list.js';
import { readTextFile } from '../core/read.js';
import type { FileKind } from './model.js';
import type { PolicyTree } from './section.js';

export interface LoadedTree extends PolicyTree {
  /** Every file compared (policy files, tests and chs.yaml) with its kind. */
  all: ReadonlyMap<string, FileKind>;
  configProblems: Diagnostic[];
  /** Why a file could not be read as text, by relative path. */
  unreadable: ReadonlyMap<string, string>;
}

/** `loaded`: the configuration to use instead of the tree's own (the preview's trusted one). */
export function loadTree(
  root: string,
  languages: readonly Language[] = allLanguages,
  loaded?: LoadedConfig,
): LoadedTree {
  const { config, problems } = loaded ?? loadConfig(root, root);
  const walkProblems: WalkProblem[] = [];
  const files = new Map<PolicyKind, string[]>();
  const all = new Map<string, FileKind>();
  for (const entry of discover(root, root, layoutOf(config.paths, languages), walkProblems)) {
    const kind = entry.kind ?? 'tests';
    all.set(entry.display, kind);
    if (kind === 'tests') continue;
    const list = files.get(kind) ?? [];
    list.push(entry.display);
    files.set(kind, list);
  }
  for (const name of CONFIG_FILE_NAMES) if (existsSync(join(root, name))) all.set(name, 'config');
  const texts = new Map<string, string | null>();
  const unreadable = new Map<string, string>();
  for (const problem of walkProblems) unreadable.set(problem.display, problem.message);
  const reach = new Reach([root]);
  const read = (path: string): string | undefined => {
    const cached = texts.get(path);
    if (cached !== undefined) return cached ?? undefined;
    if (!reach.contains(join(root, path))) {
      unreadable.set(path, OUTSIDE_REASON);
      texts.set(path, null);
      return undefined;
    }
    const result = readTextFile(join(root, path), displayPath(join(root, path), root));
    if (!result.ok) {
      unreadable.set(path, result.failure.message);
      texts.set(path, null);
      return undefined;
    }
    texts.set(path, result.file.text);
    return result.file.text;
  };
  return { root, config: config satisfies Config, files, all, read, configProblems: problems, unreadable };
}
