/**
 * What the Falco loader produces: Falco's load results (with chs's rule ids and exact ranges) and
 * the compiled rules an evaluator runs (chs falco replay, chs test).
 */
import type { Range } from '../../../core/diagnostic.js';
import type { RuleMessage } from '../../../core/rule.js';
import type { Expr } from '../condition/ast.js';
import type { YamlNode } from '../../../core/yaml.js';
import type { LoadedFile, Site, SourcedText } from './text.js';

/** Falco's item types, as its load results name them. */
export type ItemType =
  | 'rules content'
  | 'rules content item'
  | 'required_engine_version'
  | 'required_plugin_versions'
  | 'list'
  | 'macro'
  | 'rule'
  | 'exception';

/** One load result: an error or warning Falco would report, or a chs check (no code). */
export interface LoadMessage {
  /** The rule and message reported, with its data. */
  result: RuleMessage;
  /** The chs rule id (`falco/unused-macro`). */
  ruleId: string;
  /** The message filled in: Falco's own wording where Falco reports the problem. */
  message: string;
  file: string;
  range?: Range;
  itemType: ItemType;
  itemName?: string;
  /** From a baseline file: not reported to the user. */
  baseline: boolean;
}

export type Priority =
  'Emergency' | 'Alert' | 'Critical' | 'Error' | 'Warning' | 'Notice' | 'Informational' | 'Debug';

/** A rule as Falco runs it: the condition with macros, lists and exceptions expanded. */
export interface CompiledRule {
  name: string;
  /** The expanded condition (macros, lists and exceptions resolved). Nodes may be shared. */
  condition: Expr;
  /** The expanded condition as Falco prints it (`falco -L`). */
  conditionText: string;
  output: string;
  priority: Priority;
  source: string;
  tags: string[];
  enabled: boolean;
  description: string;
  capture: boolean;
  captureDuration?: number;
  /** Fields named by the rule's exceptions. */
  exceptionFields: string[];
  /** Where the rule was (first) defined: the file and the `rule:` value. */
  file: string;
  range?: Range;
  /** Position in Falco's rule order (first definition wins the place). */
  index: number;
}

export interface Location {
  file: LoadedFile;
  node: YamlNode;
}

export interface ListInfo {
  name: string;
  items: { value: string; site: Site | undefined }[];
  index: number;
  visibility: number;
  location: Location;
}

export interface MacroInfo {
  name: string;
  condition: SourcedText;
  index: number;
  visibility: number;
  location: Location;
}

export interface ExceptionEntry {
  /** A scalar, or a list of entries. */
  item?: string;
  items?: ExceptionEntry[];
  node: YamlNode;
}

export interface ExceptionInfo {
  name: string;
  fields?: ExceptionEntry;
  comps?: ExceptionEntry;
  values: ExceptionEntry[];
  location: Location;
}

export interface RuleInfo {
  name: string;
  condition: SourcedText;
  output: SourcedText;
  description: string;
  priority: Priority;
  source: string;
  enabled: boolean;
  warnEvttypes: boolean;
  skipIfUnknownFilter: boolean;
  tags: string[];
  exceptions: ExceptionInfo[];
  capture: boolean;
  captureDuration?: number;
  unknownSource: boolean;
  index: number;
  visibility: number;
  location: Location;
  /** Where the condition and the output were (last) written. */
  conditionLocation?: Location;
  outputLocation?: Location;
}

export interface LoadOptions {
  /** chs.yaml `falco.ruleMatching`: under `first`, a rule that an earlier one always pre-empts is reported. */
  ruleMatching?: 'first' | 'all';
  /** Plugins loaded besides those the files require (their event sources become known). */
  plugins?: readonly string[];
  /** Said after "Undefined macro" when no baseline is configured. */
  undefinedMacroHint?: string;
}
