/**
 * Collects load results. Each is reported against a chs rule id (the rule carries Falco's code)
 * and the exact place in the file: a YAML node, or characters of a condition or output.
 */
import type { Range } from '../../../core/diagnostic.js';
import type { YamlNode } from '../../../core/yaml.js';
import type { ItemType, LoadMessage } from './types.js';
import { hostRange } from './text.js';
import type { LoadedFile, SourcedText } from './text.js';

/** The chs rule ids the loader reports (their definitions live in ../rules/). */
export const ID = {
  yamlParse: 'falco/yaml-syntax',
  yamlValidate: 'falco/invalid-item',
  conditionSyntax: 'falco/condition-syntax',
  compileCondition: 'falco/invalid-condition',
  unknownField: 'falco/unknown-field',
  compileOutput: 'falco/invalid-output',
  validate: 'falco/invalid-definition',
  undefinedMacro: 'falco/undefined-macro',
  engineVersion: 'falco/engine-version',
  unknownSource: 'falco/unknown-source',
  unsafeNaCheck: 'falco/unsafe-na-check',
  noEvttype: 'falco/no-evttype',
  unknownFilter: 'falco/unknown-filter',
  unusedMacro: 'falco/unused-macro',
  unusedList: 'falco/unused-list',
  unknownItem: 'falco/unknown-item',
  deprecatedItem: 'falco/deprecated-item',
  appendNoValues: 'falco/append-no-values',
  exceptionNameNotUnique: 'falco/exception-name-not-unique',
  invalidMacroName: 'falco/invalid-macro-name',
  invalidListName: 'falco/invalid-list-name',
  conditionWarning: 'falco/condition-warning',
  unknownKey: 'falco/unknown-key',
  deprecatedField: 'falco/deprecated-field',
  undefinedListName: 'falco/undefined-list-name',
  unknownOutputField: 'falco/unknown-output-field',
  invalidRegex: 'falco/invalid-regex',
  globSlash: 'falco/glob-slash',
  unconstrainedEvttype: 'falco/unconstrained-evttype',
  neverMatches: 'falco/never-matches',
  shadowedRule: 'falco/shadowed-rule',
  flowIndentation: 'falco/flow-indentation',
  outputFieldRunOn: 'falco/output-field-run-on',
} as const;

export type LoaderRuleId = (typeof ID)[keyof typeof ID];

export interface Where {
  file: LoadedFile;
  range?: Range;
}

export function atNode(file: LoadedFile, node: YamlNode | undefined | null): Where {
  return node ? { file, range: { start: node.start, end: Math.max(node.end, node.start) } } : { file };
}

export function atText(text: SourcedText, start: number, end: number, fallback: Where): Where {
  return text.locate(start, end) ?? fallback;
}

export class Results {
  readonly messages: LoadMessage[] = [];
  private readonly seen = new Set<string>();

  add(ruleId: LoaderRuleId, message: string, where: Where, itemType: ItemType, itemName?: string): void {
    const range = where.range ? hostRange(where.file, where.range) : undefined;
    // The same token reached through several rules (a macro used twice) is reported once.
    const key = `${ruleId}\0${where.file.path}\0${range?.start ?? -1}\0${message}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    const entry: LoadMessage = {
      ruleId,
      message,
      file: where.file.path,
      itemType,
      baseline: where.file.baseline,
    };
    if (range) entry.range = range;
    if (itemName !== undefined) entry.itemName = itemName;
    this.messages.push(entry);
  }
}

/** A Falco load error: the item it happened in is abandoned. */
export class LoadError extends Error {
  constructor(
    readonly ruleId: LoaderRuleId,
    message: string,
    readonly where: Where,
    readonly itemType: ItemType,
    readonly itemName?: string,
  ) {
    super(message);
  }
}
