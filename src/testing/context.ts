/** The shared state of one `chs test` run: configuration, and what the kinds load once. */
import { resolve } from 'node:path';
import type { Config } from '../core/config.js';
import { readScope, workingTreeTrusted } from '../core/reach.js';
import type { Ruleset } from '../languages/falco/evaluate/engine.js';
import { loadRepositoryRuleset } from '../languages/falco/evaluate/load.js';
import type { RunContext } from './types.js';

export interface RunContextOptions {
  config: Config;
  cwd: string;
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
