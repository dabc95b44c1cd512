/**
 * Collects load results. Each is one of a Falco rule's messages (the rule carries Falco's code,
 * the message Falco's wording) at the exact place in the file: a YAML node, or characters of a
 * condition or output.
 */
import type { Range } from '../../../core/diagnostic.js';
import { findingMessage } from '../../../core/rule.js';
import type { RuleMessage } from '../../../core/rule.js';
import type { YamlNode } from '../../../core/yaml.js';
import type { ItemType, LoadMessage } from './types.js';
import type { LoadedFile } from './text.js';

export interface Where {
  file: LoadedFile;
  range?: Range;
}

export function atNode(file: LoadedFile, node: YamlNode | undefined | null): Where {
  return node ? { file, range: { start: node.start, end: Math.max(node.end, node.start) } } : { file };
}

export class Results {
  readonly messages: LoadMessage[] = [];
  private readonly seen = new Set<string>();

  add(result: RuleMessage, where: Where, itemType: ItemType, itemName?: string): void {
    const message = findingMessage(result);
    const ruleId = result.rule.meta.id;
    // The same token reached through several rules (a macro used twice) is reported once.
    const key = `${ruleId}\0${where.file.path}\0${where.range?.start ?? -1}\0${message}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    const entry: LoadMessage = {
      result,
      ruleId,
      message,
      file: where.file.path,
      itemType,
      baseline: where.file.baseline,
    };
    if (where.range) entry.range = where.range;
    if (itemName !== undefined) entry.itemName = itemName;
    this.messages.push(entry);
  }
}

/** A Falco load error: the item it happened in is abandoned. */
export class LoadError extends Error {
  readonly result: RuleMessage;

  constructor(
    result: RuleMessage,
    readonly where: Where,
    readonly itemType: ItemType,
    readonly itemName?: string,
  ) {
    super(findingMessage(result));
    this.result = result;
  }
}
