/**
 * Falco: the rule, macro and list diff (classified as falcosecurity/rules' `compare` does) and the
 * noise preview: every rule's alerts on the recorded events before and after the change.
 */
import { relativePosix } from '../core/paths.js';
import type { Expr } from '../languages/falco/index.js';
import { printCondition } from '../languages/falco/index.js';
import { buildAlert } from '../languages/falco/index.js';
import { Ruleset } from '../languages/falco/index.js';
import { repositoryRulesFiles } from '../languages/falco/index.js';
import type { EngineRule } from '../languages/falco/index.js';
import { priorityName } from '../languages/falco/index.js';
import { loadRules, ruleLoadErrors, rulesFilesOf } from '../languages/falco/index.js';
import { doesNotLoad } from './does-not-load.js';
import type { CompiledRule, LoadedFile } from '../languages/falco/index.js';
import { eventNotes } from './events.js';
import { lineOf } from './lines.js';
import { ConditionEvidence } from './falco-pair.js';
import type { ChangedCondition } from './falco-pair.js';
import type { RecordedEvent } from './events.js';
import type { ImpactFinding, ItemChange } from './model.js';
import type { ImpactInputs, ImpactSection, PolicyTree } from './section.js';

export interface FalcoSide {
  rules: CompiledRule[];
  macros: Map<string, Expr>;
  lists: Map<string, string[]>;
  ruleset: Ruleset;
  /** Rules Falco refuses (a condition that does not compile...), with their load errors. */
  broken: Map<string, { file: string; errors: string[] }>;
}

/** Loads a side's rules files in load order (chs.yaml's `falco.baseline` first), as Falco would. */
export function loadFalcoSide(tree: PolicyTree): FalcoSide {
  const files: LoadedFile[] = [];
  const seen = new Set<string>();
  const { files: ordered } = repositoryRulesFiles(tree.config, tree.root);
  for (const file of ordered) {
    const path = relativePosix(tree.root, file.absolute);
    if (seen.has(path)) continue;
    seen.add(path);
    const text = tree.read(path);
    if (text !== undefined) files.push(...rulesFilesOf(path, text, file.baseline ?? false));
  }
  const result = loadRules(files, { ruleMatching: tree.config.falco.ruleMatching });
  return {
    rules: result.rules,
    macros: result.macros,
    lists: result.lists,
    ruleset: new Ruleset(result.rules, tree.config.falco.ruleMatching),
    broken: ruleLoadErrors(result.messages, tree.config.rules, (path) => tree.read(path)),
  };
}

const LIST_OPERAND = /\b(in|intersects|pmatch) \(([^()]*)\)/g;

function listsOf(text: string): { masked: string; lists: Set<string>[] } {
  const lists: Set<string>[] = [];
  const masked = text.replace(LIST_OPERAND, (_m, op: string, items: string) => {
    lists.push(
      new Set(
        items
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      ),
    );
    return `${op} (#)`;
  });
  return { masked, lists };
}

/**
 * Widened or narrowed when the structure says so for sure: the new condition is the old one
 * `or` / `and` something, or only list operands grew or shrank (in a condition without `not`).
 */
export function classifyCondition(before: string, after: string): 'widened' | 'narrowed' | undefined {
  const b = before.trim();
  const a = after.trim();
  for (const wrapped of [b, `(${b})`]) {
    if (a.startsWith(`${wrapped} or `)) return 'widened';
    if (a.startsWith(`${wrapped} and `)) return 'narrowed';
  }
  if (/\bnot\b/.test(a) || /\bnot\b/.test(b)) return undefined;
  const lb = listsOf(b);
  const la = listsOf(a);
  if (lb.masked !== la.masked || lb.lists.length !== la.lists.length) return undefined;
  let grew = false;
  let shrank = false;
  lb.lists.forEach((old, i) => {
    const now = la.lists[i] as Set<string>;
    for (const item of now) if (!old.has(item)) grew = true;
    for (const item of old) if (!now.has(item)) shrank = true;
  });
  if (grew && !shrank) return 'widened';
  if (shrank && !grew) return 'narrowed';
  return undefined;
}

function listDetail(before: readonly string[], after: readonly string[]): string {
  const added = after.filter((i) => !before.includes(i));
  const removed = before.filter((i) => !after.includes(i));
  return [
    added.length ? `items added: ${added.join(', ')}` : '',
    removed.length ? `items removed: ${removed.join(', ')}` : '',
  ]
    .filter(Boolean)
    .join('; ');
}

const PRIORITY_RANK = [
  'DEBUG',
  'INFORMATIONAL',
  'NOTICE',
  'WARNING',
  'ERROR',
  'CRITICAL',
  'ALERT',
  'EMERGENCY',
];
function rank(priority: string): number {
  const p = priority.toUpperCase();
  return PRIORITY_RANK.indexOf(p === 'INFO' ? 'INFORMATIONAL' : p);
}

/** The file that defines a list or macro (the first one, in load order). */
function definedIn(tree: PolicyTree | undefined, type: 'list' | 'macro', name: string): string {
  if (!tree) return '';
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const pattern = new RegExp(`^-\\s*${type}:\\s*["']?${escaped}["']?\\s*$`, 'm');
  return (tree.files.get('falco') ?? []).find((path) => pattern.test(tree.read(path) ?? '')) ?? '';
}

/** The item diff of two loaded sides (no events). */
export function falcoItemChanges(
  base: FalcoSide,
  head: FalcoSide,
  trees?: { base: PolicyTree; head: PolicyTree },
): ItemChange[] {
  const where = (type: 'list' | 'macro', name: string, removed = false): string =>
    definedIn(removed ? trees?.base : trees?.head, type, name);
  const items: ItemChange[] = [];
  const item = (i: Omit<ItemChange, 'kind'>): void => {
    // Rules carry where they are defined: the line links to the head's file (the base's, removed).
    const rule = i.itemType === 'rule' ? (headRules.get(i.name) ?? baseRules.get(i.name)) : undefined;
    const tree = rule && headRules.has(i.name) ? trees?.head : trees?.base;
    const line = rule && rule.file === i.file ? lineOf(tree, rule.file, rule.range?.start) : undefined;
    items.push({ kind: 'falco', ...i, ...(line === undefined ? {} : { line }) });
  };
  const baseRules = new Map(base.rules.map((r) => [r.name, r]));
  const headRules = new Map(head.rules.map((r) => [r.name, r]));
  // A rule that stops compiling is not removed, and a new one that does not compile is not
  // missing: it does not load, and is evaluated nowhere.
  for (const [name, { file, errors }] of head.broken)
    if (!headRules.has(name))
      item({
        file,
        itemType: 'rule',
        name,
        change: 'does-not-load',
        detail: doesNotLoad(errors),
      });
  for (const [name, before] of baseRules)
    if (!headRules.has(name) && !head.broken.has(name))
      item({ file: before.file, itemType: 'rule', name, change: 'removed' });
  for (const [name, after] of headRules) {
    const before = baseRules.get(name);
    if (!before) {
      item({ file: after.file, itemType: 'rule', name, change: 'added', to: priorityName(after.priority) });
      continue;
    }
    if (before.enabled !== after.enabled)
      item({
        file: after.file,
        itemType: 'rule',
        name,
        change: after.enabled ? 'added' : 'removed',
        detail: after.enabled ? 'enabled again' : 'disabled (enabled: false)',
      });
    if (before.priority !== after.priority) {
      const up = rank(after.priority) > rank(before.priority);
      item({
        file: after.file,
        itemType: 'rule',
        name,
        change: 'priority-changed',
        from: priorityName(before.priority),
        to: priorityName(after.priority),
        detail: `priority ${priorityName(before.priority)} → ${priorityName(after.priority)} (${up ? 'raised' : 'lowered'})`,
      });
    }
    if (before.conditionText !== after.conditionText) {
      const change = classifyCondition(before.conditionText, after.conditionText);
      item({
        file: after.file,
        itemType: 'rule',
        name,
        change: change ?? 'modified',
        detail: change ? 'condition ' + change : 'condition changed',
      });
    } else if (before.output !== after.output)
      item({ file: after.file, itemType: 'rule', name, change: 'modified', detail: 'output changed' });
  }
  for (const [name, items0] of base.lists) {
    const now = head.lists.get(name);
    if (!now) item({ file: where('list', name, true), itemType: 'list', name, change: 'removed' });
    else if (listDetail(items0, now) !== '')
      item({
        file: where('list', name),
        itemType: 'list',
        name,
        change: 'modified',
        detail: listDetail(items0, now),
      });
  }
  for (const name of head.lists.keys())
    if (!base.lists.has(name)) item({ file: where('list', name), itemType: 'list', name, change: 'added' });
  for (const [name, expr] of base.macros) {
    const now = head.macros.get(name);
    if (!now) item({ file: where('macro', name, true), itemType: 'macro', name, change: 'removed' });
    else {
      const b = printCondition(expr);
      const a = printCondition(now);
      if (a !== b) {
        const change = classifyCondition(b, a);
        item({
          file: where('macro', name),
          itemType: 'macro',
          name,
          change: change ?? 'modified',
          detail: change ? `condition ${change}` : 'condition changed',
        });
      }
    }
  }
  for (const name of head.macros.keys())
    if (!base.macros.has(name))
      item({ file: where('macro', name), itemType: 'macro', name, change: 'added' });
  return items;
}

interface RuleTally {
  before: number;
  after: number;
  examples: string[];
  /** Events matched by the changed condition only after / only before (raw conditions, not rule order). */
  onlyAfter: number;
  onlyBefore: number;
}

const EXAMPLES = 3;

/** The rules the change touches: added, removed, or changed in any way (expanded conditions too). */
export function touchedRules(base: FalcoSide, head: FalcoSide, items: readonly ItemChange[]): Set<string> {
  const named = new Set(items.filter((i) => i.itemType === 'rule').map((i) => i.name));
  const baseByName = new Map(base.ruleset.compiled.map((c) => [c.rule.name, c]));
  const headByName = new Map(head.ruleset.compiled.map((c) => [c.rule.name, c]));
  const touched = new Set<string>();
  for (const name of new Set([...baseByName.keys(), ...headByName.keys()])) {
    const before = baseByName.get(name);
    const after = headByName.get(name);
    if (
      named.has(name) ||
      !before ||
      !after ||
      printCondition(before.rule.condition) !== printCondition(after.rule.condition)
    )
      touched.add(name);
  }
  return touched;
}

/**
 * The syscall event types on which the change can make a difference: those the touched rules
 * (added, removed, or changed in any way, their expanded conditions included) can match on
 * either side. Elsewhere every rule alerts the same before and after, whatever the rule order.
 * Undefined when a touched rule can match any event, or is of another source.
 */
export function touchedTypes(
  base: FalcoSide,
  head: FalcoSide,
  items: readonly ItemChange[],
): Set<string> | undefined {
  const touched = touchedRules(base, head, items);
  const types = new Set<string>();
  for (const side of [...base.ruleset.compiled, ...head.ruleset.compiled]) {
    if (!touched.has(side.rule.name)) continue;
    if (side.rule.source !== 'syscall' || side.types.all) return undefined;
    for (const type of side.types.only) types.add(type);
  }
  return types;
}

export const falcoSection: ImpactSection = {
  kind: 'falco',
  title: 'Falco rules',
  async analyse(inputs: ImpactInputs) {
    const base = loadFalcoSide(inputs.base);
    const head = loadFalcoSide(inputs.head);
    const items = falcoItemChanges(base, head, { base: inputs.base, head: inputs.head });
    const tallies = new Map<string, RuleTally>();
    const tally = (name: string): RuleTally => {
      let t = tallies.get(name);
      if (!t) tallies.set(name, (t = { before: 0, after: 0, examples: [], onlyAfter: 0, onlyBefore: 0 }));
      return t;
    };
    for (const c of base.ruleset.compiled) tally(c.rule.name);
    for (const c of head.ruleset.compiled) tally(c.rule.name);
    // Rules whose condition changed: both conditions are tried on every event, as evidence.
    const changedConditions: ChangedCondition[] = [];
    const baseByName = new Map(base.ruleset.compiled.map((c) => [c.rule.name, c]));
    for (const after of head.ruleset.compiled) {
      const before = baseByName.get(after.rule.name);
      if (before && printCondition(before.rule.condition) !== printCondition(after.rule.condition))
        changedConditions.push({ name: after.rule.name, before, after });
    }
    const baseTallies = base.ruleset.compiled.map((c) => tally(c.rule.name));
    const headTallies = head.ruleset.compiled.map((c) => tally(c.rule.name));
    const position = (set: Ruleset): Map<EngineRule, number> => new Map(set.compiled.map((c, i) => [c, i]));
    const basePosition = position(base.ruleset);
    const headPosition = position(head.ruleset);
    let current: RecordedEvent | undefined;
    const onBase = (rule: EngineRule): void => {
      (baseTallies[basePosition.get(rule) as number] as RuleTally).before++;
    };
    const onHead = (rule: EngineRule): void => {
      const t = headTallies[headPosition.get(rule) as number] as RuleTally;
      t.after++;
      if (t.examples.length < EXAMPLES)
        t.examples.push(buildAlert(rule, current as RecordedEvent, '').output);
    };
    // Both sides in one pass, each through its own chains, and the changed conditions beside them.
    const evidence = new ConditionEvidence(changedConditions);
    const differs = (name: string, after: boolean): void => {
      const t = tally(name);
      if (after) t.onlyAfter++;
      else t.onlyBefore++;
    };
    const types = touchedTypes(base, head, items);
    const touchedNames = touchedRules(base, head, items);
    const done = inputs.feed.subscribe(
      (event) => {
        current = event;
        base.ruleset.fire(event, onBase);
        head.ruleset.fire(event, onHead);
        evidence.compare(event, differs);
      },
      'falco',
      types,
    );
    const stats = await done;
    const impacts: ImpactFinding[] = [];
    const notes = eventNotes(stats, inputs.events.length);
    const measured = inputs.events.length > 0;
    const touched = new Set(items.filter((i) => i.itemType === 'rule').map((i) => i.name));
    if (measured) {
      // Conditions that changed without a structural answer are classified by what they match.
      for (const item of items) {
        if (item.itemType !== 'rule' || item.change !== 'modified' || item.detail !== 'condition changed')
          continue;
        const t = tallies.get(item.name);
        if (!t) continue;
        if (t.onlyAfter > 0 && t.onlyBefore === 0) item.change = 'widened';
        else if (t.onlyBefore > 0 && t.onlyAfter === 0) item.change = 'narrowed';
        item.detail = `condition changed; on the recorded events it matches ${t.onlyAfter} more and ${t.onlyBefore} fewer`;
      }
      for (const [name, t] of tallies) {
        const inHead = head.ruleset.compiled.some((c) => c.rule.name === name);
        if (t.before === t.after && !(touched.has(name) && inHead)) continue;
        const never = inHead && t.after === 0;
        impacts.push({
          kind: 'falco',
          severity: t.after > t.before ? 'warn' : 'info',
          category: never
            ? 'never fires on the recorded events'
            : t.after > t.before
              ? 'more alerts'
              : t.after < t.before
                ? 'fewer alerts'
                : 'same alerts',
          subject: name,
          reason: `${t.before} alert(s) before, ${t.after} after${inHead ? '' : ' (rule removed)'}`,
          count: t.after,
          ...(t.examples.length > 0 ? { examples: t.examples } : {}),
        });
      }
      notes.push(
        `${stats.events} recorded event(s) replayed through the rules of the base and of the head (${head.ruleset.matching} matching).`,
      );
      if (inputs.feed.eventTypes && inputs.feed.sources.some((source) => source.store === true))
        notes.push(
          `Event stores were asked only for the event types the changed rules can match (${[...inputs.feed.eventTypes].sort().join(', ') || 'none'}): the other rules' alerts are the same before and after.`,
        );
      if (stats.storeAlerts && stats.storeAlerts.size > 0) {
        // The rules the change leaves alone: what they alerted over the window, counted by the stores.
        const untouched = [...stats.storeAlerts]
          .filter(([rule]) => !touchedNames.has(rule))
          .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
        if (untouched.length > 0)
          notes.push(
            `Alerts of the rules the change does not touch, the same before and after, counted by the stores: ${untouched
              .slice(0, 10)
              .map(([rule, n]) => `${rule} ${n.toLocaleString('en-US')}`)
              .join(', ')}${untouched.length > 10 ? ` and ${untouched.length - 10} more rule(s)` : ''}.`,
          );
      }
    }
    for (const problem of [...base.ruleset.problems, ...head.ruleset.problems])
      notes.push(`Rule ${problem.rule} cannot be evaluated: ${problem.message}`);
    return { kind: 'falco', title: 'Falco rules', items, impacts, notes };
  },
};
