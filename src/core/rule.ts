import type { Range, Severity } from './diagnostic.js';

/**
 * A lint rule's definition. Rules are data plus messages; where the check itself lives is up to
 * each language (a rule file usually exports its definition and its check side by side).
 */
export interface RuleMeta<MessageId extends string = string> {
  /** Stable, namespaced id: `falco/unused-macro`, `apparmor/unknown-capability`. */
  readonly id: string;
  /** `problem`: the policy will fail or misbehave; `suggestion`: it works but could be better. */
  readonly type: 'problem' | 'suggestion';
  /** One sentence: what the rule finds. */
  readonly description: string;
  /** Why it matters and how to fix it (Markdown); shown by `chs rules` and in the README. */
  readonly docs: string;
  readonly defaultSeverity: Severity;
  /** Falco's load result code where Falco's loader reports the same problem. */
  readonly falcoCode?: string;
  /** Message templates keyed by id; `{{name}}` placeholders are filled from the report's data. */
  readonly messages: Readonly<Record<MessageId, string>>;
}

export type RuleDefinition<MessageId extends string = string> = RuleMeta<MessageId>;

/** Declares a rule; the message ids are checked by the compiler at every report. */
export function defineRule<const MessageId extends string>(
  meta: RuleMeta<MessageId>,
): RuleDefinition<MessageId> {
  return meta;
}

export type MessageData = Readonly<Record<string, string | number | boolean | undefined>>;

/** Fills a message template: `{{name}}` from data; unknown placeholders stay visible. */
export function formatMessage(template: string, data: MessageData = {}): string {
  return template.replace(/\{\{\s*([\w.-]+)\s*\}\}/g, (whole, key: string) => {
    const value = data[key];
    return value === undefined ? whole : String(value);
  });
}

/** What a language's checks report: a rule, one of its messages, where, and the data. */
export interface Finding<MessageId extends string = string> {
  rule: RuleDefinition<MessageId>;
  messageId: MessageId;
  data?: MessageData;
  file: string;
  range?: Range;
  /** Overrides the rule's default severity (a Falco warning that a file made an error, say). */
  severity?: Severity;
}

export type Report = <MessageId extends string>(finding: Finding<MessageId>) => void;
