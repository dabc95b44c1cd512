/** The shared state of one `chs test` run: configuration, and what the kinds load once. */
import { resolve } from 'node:path';
import type { Config } from '../core/config.js';
import { layoutOf } from '../core/discovery.js';
import type { Language } from '../core/language.js';
import { readScope, workingTreeTrusted } from '../core/reach.js';
import { languages as allLanguages } from '../languages/list.js';
import type { Ruleset } from '../languages/falco/index.js';
import { loadRepositoryRuleset } from '../languages/falco/index.js';
import type { RunContext } from './types.js';

export interface RunContextOptions {
  config: Config;
  cwd: string;
  /** The languages, for where their files are (default: all). */
  languages?: readonly Language[];
  includeDirs?: readonly string[];
  /** Replaces the repository's Falco rules (tests). */
  falcoRuleset?: () => Promise<Ruleset>;
  /** Whether chs.yaml's include roots outside the repository are honoured (see `workingTreeTrusted`). */
  trustConfig?: boolean;
}

export function createRunContext(options: RunContextOptions): RunContext {
  const { config, cwd } = options;
  const values = new Map<string, unknown>();
  let ruleset: Promise<Ruleset> | undefined;
  const includeDirs = options.includeDirs ?? [];
  return {
    cwd,
    config,
    layout: layoutOf(config.paths, options.languages ?? allLanguages),
    includeDirs,
    scope: readScope(config, {
      includeDirs: includeDirs.map((d) => resolve(cwd, d)),
      trustConfig: options.trustConfig ?? workingTreeTrusted(),
    }),
    falcoRuleset: options.falcoRuleset ?? (() => (ruleset ??= loadRepositoryRuleset(config, cwd))),
    cached<T>(key: string, build: () => T): T {
      if (!values.has(key)) values.set(key, build());
      return values.get(key) as T;
    },
  };
}
