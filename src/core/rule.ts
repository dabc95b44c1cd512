import type { Range, Severity } from './diagnostic.js';

/**
 * The one shape of a lint rule, for every language: metadata (which the docs pages are generated
 * from), message templates keyed by id, and optionally the check itself. As with ESLint's `meta`
 * and typescript-eslint's `RuleCreator`, a report names one of the rule's message ids and gives a
 * value for every `{{placeholder}}` of that message; the compiler refuses anything else.
 */

/** A policy file shown on a rule's page; `chs.yaml` and other files may sit beside it. */
export interface ExampleFile {
  /** Path in the repository (`policies/falco/rules.yaml`): it decides the kind of the file. */
  readonly path: string;
  readonly text: string;
  /** Named on the command line (`chs lint PATH`) rather than found by discovery. */
  readonly named?: boolean;
}

/** An example on a rule's page: the first file is shown; all are linted by the docs test. */
export type Example = readonly [ExampleFile, ...ExampleFile[]];

interface RuleDocs {
  /** Why the finding matters (Markdown): what goes wrong in the cluster, in Falco or the kernel. */
  readonly rationale: string;
  /** A policy the rule reports. */
  readonly bad: Example;
  /** The same policy written so that the rule is satisfied. */
  readonly good: Example;
}

interface RuleMeta {
  /** Stable, namespaced id: `falco/unused-macro`, `apparmor/unknown-capability`. */
  readonly id: string;
  readonly severity: Severity;
  /** `problem`: the policy will fail or misbehave; `suggestion`: it works but could be better. */
  readonly type: 'problem' | 'suggestion';
  /** One sentence: what the rule finds. */
  readonly description: string;
  /** What to do about a finding (Markdown). */
  readonly remediation: string;
  readonly docs: RuleDocs;
  /** Falco's load result code where Falco's loader reports the same problem. */
  readonly falcoCode?: string;
}

type Messages = Readonly<Record<string, string>>;

/** A rule: metadata, messages and, where the language runs its rules one by one, the check. */
export interface Rule<M extends Messages = Messages, Context = unknown> {
  readonly meta: RuleMeta;
  readonly messages: M;
  readonly check?: (context: Context) => void;
}

/** A rule of a language whose checks take `Context` (rules the language reports itself have none). */
export type LanguageRule<Context> = Rule<Messages, Context>;

/** Any rule, whatever its messages and context. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a check's context is contravariant
export type AnyRule = Rule<Messages, any>;

/** Declares a rule; its message ids and placeholders are checked by the compiler at every report. */
export function defineRule<const M extends Messages, Context = unknown>(
  rule: Rule<M, Context>,
): Rule<M, Context> {
  return rule;
}

type Trim<S extends string> = S extends ` ${infer R}` ? Trim<R> : S extends `${infer R} ` ? Trim<R> : S;

/** The `{{name}}` placeholders of a message template, as a union of names. */
type Placeholders<T extends string> = T extends `${string}{{${infer Name}}}${infer Rest}`
  ? Trim<Name> | Placeholders<Rest>
  : never;

type Value = string | number | boolean;

export type MessageData = Readonly<Record<string, Value | undefined>>;

/** `data` for one message: every placeholder required, nothing else; absent when there is none. */
type DataFor<T extends string> = string extends T
  ? { data?: MessageData }
  : [Placeholders<T>] extends [never]
    ? { data?: Readonly<Record<string, never>> }
    : { data: Readonly<Record<Placeholders<T>, Value>> };

export type MessageId<R extends AnyRule> = keyof R['messages'] & string;

/** One of a rule's messages with that message's data (a finding before it has a place). */
export type RuleMessage<R extends AnyRule = AnyRule, K extends MessageId<R> = MessageId<R>> = {
  rule: R;
  messageId: K;
} & DataFor<R['messages'][K]>;

/** What a check reports: a rule, one of its messages with that message's data, and where. */
export type Finding<R extends AnyRule = AnyRule, K extends MessageId<R> = MessageId<R>> = RuleMessage<
  R,
  K
> & {
  file: string;
  range?: Range;
  /** Overrides the rule's severity (a Falco warning that a file made an error, say). */
  severity?: Severity;
};

/** The data argument of a positional report: required when the message has placeholders. */
export type MessageArgs<R extends AnyRule, K extends MessageId<R>> =
  DataFor<R['messages'][K]> extends { data: infer D } ? [data: D] : [data?: MessageData];

/** What languages report through; typed so that a wrong message id or missing placeholder fails. */
export type Report = <R extends AnyRule, K extends MessageId<R>>(finding: Finding<R, K>) => void;

/** One of a rule's messages with its data, checked as a report is: `ruleMessage(rule, 'id', data)`. */
export function ruleMessage<R extends AnyRule, K extends MessageId<R>>(
  rule: R,
  messageId: K,
  ...[data]: MessageArgs<R, K>
): RuleMessage {
  const message: RuleMessage = { rule, messageId };
  if (data) message.data = data as MessageData;
  return message;
}

/** Fills a message template: `{{name}}` from data; unknown placeholders stay visible. */
export function formatMessage(template: string, data: MessageData = {}): string {
  return template.replace(/\{\{\s*([\w.-]+)\s*\}\}/g, (whole, key: string) => {
    const value = data[key];
    return value === undefined ? whole : String(value);
  });
}

/** A rule's message, filled in. */
export function findingMessage(finding: RuleMessage): string {
  const template = finding.rule.messages[finding.messageId] ?? finding.messageId;
  return formatMessage(template, finding.data);
}
