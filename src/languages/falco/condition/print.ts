/**
 * Prints a condition the way Falco prints compiled conditions (libsinsp's AST string form, as
 * `falco -L` and the rule loader's tests show them): every `and`/`or` in parentheses, values
 * quoted only when they need it.
 */
import type { Node } from './ast.js';

/** Quotes a value when it holds blanks, quotes or backslashes, escaping as libsinsp does. */
const NEEDS_ESCAPE = /[\b\f\n\r\t '\\"]/;

export function escapeValue(value: string): string {
  if (!NEEDS_ESCAPE.test(value)) return value;
  let out = '';
  let quote = false;
  for (const c of value) {
    switch (c) {
      case '\b':
        quote = true;
        out += '\\b';
        break;
      case '\f':
        quote = true;
        out += '\\f';
        break;
      case '\n':
        quote = true;
        out += '\\n';
        break;
      case '\r':
        quote = true;
        out += '\\r';
        break;
      case '\t':
        quote = true;
        out += '\\t';
        break;
      case ' ':
      case "'":
        quote = true;
        out += c;
        break;
      case '\\':
        quote = true;
        out += '\\\\';
        break;
      case '"':
        quote = true;
        out += '\\"';
        break;
      default:
        out += c;
    }
  }
  return quote ? `"${out}"` : out;
}

/**
 * The printed form of a node. Expanded conditions share macro subtrees, so a cache (by node) can be
 * passed to print each shared subtree once.
 */
export function printCondition(node: Node, cache?: WeakMap<Node, string>): string {
  if (!cache) return print(node, undefined);
  let text = cache.get(node);
  if (text === undefined) {
    text = print(node, cache);
    cache.set(node, text);
  }
  return text;
}

function print(node: Node, cache: WeakMap<Node, string> | undefined): string {
  const p = (n: Node): string => printCondition(n, cache);
  switch (node.kind) {
    case 'and':
    case 'or':
      return `(${node.children.map(p).join(` ${node.kind} `)})`;
    case 'not':
      return `not ${p(node.child)}`;
    case 'identifier':
      return node.name;
    case 'value':
      return escapeValue(node.value);
    case 'list':
      return `(${node.items.map((item) => escapeValue(item.value)).join(', ')})`;
    case 'field':
      return node.arg === undefined ? node.name : `${node.name}[${node.arg}]`;
    case 'unary':
      return `${p(node.left)} ${node.op}`;
    case 'binary': {
      const op = node.modifier ? `${node.op} ${node.modifier}` : node.op;
      return `${p(node.left)} ${op} ${p(node.right)}`;
    }
    case 'transformer': {
      const args = node.args.map(p).join(', ');
      const arg = node.arg === undefined ? '' : `[${node.arg}]`;
      if (node.name === 'join') return `join(${escapeValue(node.separator ?? '')}, (${args}))${arg}`;
      if (node.name === 'getopt') return `getopt(${args}, ${escapeValue(node.options ?? '')})${arg}`;
      return `${node.name}(${args})${arg}`;
    }
  }
}
