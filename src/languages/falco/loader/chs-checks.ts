/**
 * chs's own checks over the loaded rules, beyond what Falco's loader reports: rules pre-empted
 * under first-match, conditions that can never hold, syscall rules that silenced the event-type
 * warning, and outputs of rules Falco skips (plugin not required) checked against the plugin's
 * fields anyway.
 */
import type { Expr, Node } from '../condition/ast.js';
import { printCondition } from '../condition/print.js';
import { catalogOf, resolveField, SYSCALL_SOURCE } from '../fields/index.js';
import type { Collector } from './collector.js';
import { eventTypes, isEmpty, isUnrestricted } from '../condition/evttypes.js';
import { outputTokens } from './output.js';
import { ruleMessage } from '../../../core/rule.js';
import type { RuleMessage } from '../../../core/rule.js';
import { neverMatches } from '../rules/never-matches.js';
import { shadowedRule } from '../rules/shadowed-rule.js';
import { unconstrainedEvttype } from '../rules/unconstrained-evttype.js';
import { unknownOutputField } from '../rules/unknown-output-field.js';
import { atNode } from './results.js';
import type { Where } from './results.js';
import type { CompiledRule } from './types.js';
import type { LoadOptions } from './types.js';

type Report = (message: RuleMessage, where: Where, ruleName: string) => void;

/** Structural equality of two nodes, stopping at the first difference (no allocation). */
function same(a: Node, b: Node): boolean {
  if (a === b) return true;
  switch (a.kind) {
    case 'and':
    case 'or':
      return (
        b.kind === a.kind &&
        a.children.length === b.children.length &&
        a.children.every((c, i) => same(c, b.children[i] as Node))
      );
    case 'not':
      return b.kind === 'not' && same(a.child, b.child);
    case 'identifier':
      return b.kind === 'identifier' && a.name === b.name;
    case 'unary':
      return b.kind === 'unary' && a.op === b.op && same(a.left, b.left);
    case 'binary':
      return (
        b.kind === 'binary' &&
        a.op === b.op &&
        a.modifier === b.modifier &&
        same(a.left, b.left) &&
        same(a.right, b.right)
      );
    case 'field':
      return b.kind === 'field' && a.name === b.name && a.arg === b.arg;
    case 'value':
      return b.kind === 'value' && a.value === b.value;
    case 'list':
      return (
        b.kind === 'list' &&
        a.items.length === b.items.length &&
        a.items.every((item, i) => item.value === b.items[i]?.value)
      );
    case 'transformer':
      return (
        b.kind === 'transformer' &&
        a.name === b.name &&
        a.separator === b.separator &&
        a.options === b.options &&
        a.arg === b.arg &&
        a.args.length === b.args.length &&
        a.args.every((arg, i) => same(arg, b.args[i] as Node))
      );
  }
}

function conjuncts(expr: Expr): Expr[] {
  return expr.kind === 'and' ? expr.children.flatMap(conjuncts) : [expr];
}

/** Whether every conjunct of `earlier` is a conjunct of `later`. */
function implies(later: readonly Expr[], earlier: readonly Expr[]): boolean {
  return earlier.every((c) => later.some((l) => same(c, l)));
}

function hasNeverTruePlaceholder(expr: Expr): boolean {
  switch (expr.kind) {
    case 'and':
    case 'or':
      return expr.children.some(hasNeverTruePlaceholder);
    case 'not':
      return hasNeverTruePlaceholder(expr.child);
    case 'binary':
      return (
        expr.left.kind === 'field' &&
        expr.left.name === 'evt.num' &&
        expr.right.kind === 'value' &&
        expr.right.value === '0'
      );
    default:
      return false;
  }
}

/** A reason the condition can never hold, or undefined (conservative: only sure cases). */
function neverHolds(expr: Expr): string | undefined {
  switch (expr.kind) {
    case 'and': {
      for (const child of expr.children) {
        const reason = neverHolds(child);
        if (reason) return reason;
      }
      const equal = new Map<string, string>();
      for (const child of expr.children) {
        if (child.kind !== 'binary' || (child.op !== '=' && child.op !== '==') || child.modifier) continue;
        if (child.left.kind !== 'field' || child.right.kind !== 'value') continue;
        const key = printCondition(child.left);
        const previous = equal.get(key);
        if (previous !== undefined && previous !== child.right.value) {
          return `${key} cannot equal both '${previous}' and '${child.right.value}'`;
        }
        equal.set(key, child.right.value);
      }
      return undefined;
    }
    case 'or': {
      const reasons = expr.children.map(neverHolds);
      return reasons.every((r) => r !== undefined) ? reasons[0] : undefined;
    }
    case 'binary':
      if (expr.right.kind === 'list' && expr.right.items.length === 0 && expr.op !== '!=') {
        return `'${printCondition(expr.left)} ${expr.op}' an empty list is always false`;
      }
      return undefined;
    default:
      return undefined;
  }
}

export function chsChecks(
  rules: readonly CompiledRule[],
  collector: Collector,
  options: LoadOptions,
  report: Report,
): void {
  for (const rule of rules) {
    const info = collector.rules.get(rule.name);
    if (!info) continue;
    const where = atNode(info.location.file, info.location.node);
    let reason = neverHolds(rule.condition);
    if (!reason && rule.source === SYSCALL_SOURCE && !hasNeverTruePlaceholder(rule.condition)) {
      if (isEmpty(eventTypes(rule.condition)))
        reason = 'its evt.type checks contradict each other (no event type is left)';
    }
    if (reason) report(ruleMessage(neverMatches, 'never', { rule: rule.name, reason }), where, rule.name);
    if (rule.source === SYSCALL_SOURCE && !info.warnEvttypes && isUnrestricted(eventTypes(rule.condition))) {
      report(ruleMessage(unconstrainedEvttype, 'everyEvent', { rule: rule.name }), where, rule.name);
    }
  }

  if ((options.ruleMatching ?? 'first') === 'first') {
    const enabled = rules.filter((r) => r.enabled);
    const parts = enabled.map((r) => conjuncts(r.condition));
    enabled.forEach((later, j) => {
      for (let i = 0; i < j; i++) {
        const earlier = enabled[i] as CompiledRule;
        if (earlier.source !== later.source) continue;
        if (implies(parts[j] as Expr[], parts[i] as Expr[])) {
          const info = collector.rules.get(later.name);
          if (!info) break;
          report(
            ruleMessage(shadowedRule, 'shadowed', { rule: later.name, earlier: earlier.name }),
            atNode(info.location.file, info.location.node),
            later.name,
          );
          break;
        }
      }
    });
  }

  // Rules Falco skips because their plugin is not required: their outputs are still checked.
  for (const info of collector.rules.order) {
    if (!info.unknownSource) continue;
    const catalog = catalogOf(info.source);
    if (!catalog) continue;
    for (const token of outputTokens(info.output.text)) {
      if (resolveField(catalog, token.name, token.arg).ok) continue;
      report(
        ruleMessage(unknownOutputField, 'unknown', { field: token.field, source: info.source }),
        info.output.locate(token.start, token.end) ?? atNode(info.location.file, info.location.node),
        info.name,
      );
    }
  }
}
