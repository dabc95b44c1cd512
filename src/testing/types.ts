/** The policy test runner's vocabulary: cases, the kinds of case, and their outcomes. */
import type { Config } from '../core/config.js';
import type { Layout } from '../core/discovery.js';
import type { Range } from '../core/diagnostic.js';
import type { ReadScope } from '../core/reach.js';
import type { SourceFile } from '../core/source.js';
import type { YamlMap, YamlNode } from '../core/yaml.js';
import type { Ruleset } from '../languages/falco/index.js';

/** One entry of a test file's `tests:` list. */
export interface TestCase {
  file: SourceFile;
  /** The case's name, or a placeholder naming its position when it has none. */
  name: string;
  /** The case kind's key (`falco`, `apparmor`...), when the case has exactly one. */
  kind?: string;
  /** The whole case mapping. */
  node: YamlNode;
  /** The value under the kind's key. */
  body?: YamlNode;
  /** Where the case starts: results point here. */
  range: Range;
  /** Shape problems: a case with any is reported failed without being run. */
  problems: Problem[];
}

export interface Problem {
  message: string;
  range: Range;
}

export interface CaseOutcome {
  passed: boolean;
  /** Empty when the case passed; otherwise what was expected, what happened and why. */
  message: string;
}

/**
 * What the cases of a run share, built on first use: a run with no Falco case never loads the
 * Falco rules. A loader that fails throws an Error whose message is shown on every case needing it.
 */
export interface RunContext {
  cwd: string;
  config: Config;
  /** Where each kind's files are (chs.yaml's paths, else the languages' defaults). */
  layout: Layout;
  /** Extra roots for AppArmor `<...>` includes (`--include-dir`), before chs.yaml's. */
  includeDirs: readonly string[];
  /** The run's include roots and what it may read (the repository and those roots). */
  scope: ReadScope;
  falcoRuleset(): Promise<Ruleset>;
  /**
   * A value built once per run under a key (the kinds keep their parsed repository files here,
   * so that a file is read and parsed once however many cases name it).
   */
  cached<T>(key: string, build: () => T): T;
}

/** A kind of case: how its body is checked, and how it is evaluated. */
export interface CaseKind {
  /** The key under which a case holds its body. */
  key: string;
  /** Shape problems of a body (the runner has checked it is a mapping). */
  validate(body: YamlMap): Problem[];
  evaluate(body: YamlMap, context: RunContext): CaseOutcome | Promise<CaseOutcome>;
}

export interface TestResult {
  file: string;
  /** 1-based line and column of the case. */
  line: number;
  column: number;
  name: string;
  kind?: string;
  passed: boolean;
  message: string;
}
