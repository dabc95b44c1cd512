/**
 * Why a rule did not match an event, in one line a test author can act on: the check that
 * failed, found by descending from the condition into the first false branch of every `and`,
 * with the value the event had for its field (or that the field was absent).
 */
import type { Expr, FieldLike, Operand, TransformerArg } from '../condition/ast.js';
import { compileCondition, compileValue, typesOf } from './compile.js';
import type { CompiledRule, EngineEvent } from './engine.js';
import { hasType } from '../condition/evttypes.js';
import { isAnyAncestor, multiValueExtractor } from './fields.js';
import type { Fields } from './fields.js';

const MAX_ITEMS = 6;

function operandText(node: Operand | TransformerArg): string {
  switch (node.kind) {
    case 'value':
      return /[\s(),"']/.test(node.value) || node.value === '' ? JSON.stringify(node.value) : node.value;
    case 'list': {
      const shown = node.items.slice(0, MAX_ITEMS).map(operandText);
      const more = node.items.length > MAX_ITEMS ? `, ... (${node.items.length - MAX_ITEMS} more)` : '';
      return `(${shown.join(', ')}${more})`;
    }
    case 'field':
      return node.arg === undefined ? node.name : `${node.name}[${node.arg}]`;
    case 'transformer':
      return `${node.name}(${node.args.map(operandText).join(', ')})`;
  }
}

function valueText(left: FieldLike, fields: Fields, source: string): string {
  const name = operandText(left);
  const multi = left.kind === 'field' ? multiValueExtractor(left) : undefined;
  if (multi && left.kind === 'field') {
    const values = multi(fields);
    const what = isAnyAncestor(left) ? 'ancestors' : 'values';
    return values.length === 0 ? `${name} is absent` : `${name} ${what}: ${JSON.stringify(values)}`;
  }
  const value = compileValue(left, typesOf(source))(fields);
  return value === undefined ? `${name} is absent` : `${name} is ${JSON.stringify(value)}`;
}

function checkText(expr: Expr): string {
  switch (expr.kind) {
    case 'unary':
      return `${operandText(expr.left)} exists`;
    case 'binary':
      return `${operandText(expr.left)} ${expr.op}${expr.modifier ? ` ${expr.modifier}` : ''} ${operandText(expr.right)}`;
    case 'identifier':
      return expr.name;
    case 'not':
      return `not ${checkText(expr.child)}`;
    case 'and':
    case 'or':
      return `(${expr.children.map(checkText).join(` ${expr.kind} `)})`;
  }
}

/** The deepest false check under a false expression, with the event's value for it. */
function failing(expr: Expr, fields: Fields, source: string): string {
  switch (expr.kind) {
    case 'and': {
      for (const child of expr.children)
        if (!compileCondition(child, source)(fields)) return failing(child, fields, source);
      return checkText(expr);
    }
    case 'or': {
      const shown = expr.children.slice(0, 3).map((child) => failing(child, fields, source));
      const more = expr.children.length > 3 ? `; and ${expr.children.length - 3} more alternatives` : '';
      return `none of the alternatives holds: ${shown.join('; ')}${more}`;
    }
    case 'not':
      return `${checkText(expr)} is false: ${checkText(expr.child)} holds`;
    case 'unary':
    case 'binary':
      return `${checkText(expr)} is false (${valueText(expr.left, fields, source)})`;
    case 'identifier':
      return `macro ${expr.name} was not expanded`;
  }
}

export function explainMiss(rule: CompiledRule, event: EngineEvent): string {
  const name = `"${rule.rule.name}"`;
  if (rule.rule.source !== event.source)
    return `${name} is a rule of source "${rule.rule.source}", the event is "${event.source}"`;
  const type = event.fields['evt.type'];
  if (typeof type === 'string' && !hasType(rule.types, type))
    return `${name} does not apply to evt.type ${type}${rule.types.all ? '' : ` (only to ${[...rule.types.only].sort().join(', ')})`}`;
  return `${name} does not match: ${failing(rule.rule.condition, event.fields, event.source)}`;
}
