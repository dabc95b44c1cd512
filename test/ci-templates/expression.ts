/**
 * GitLab's `rules:if` expressions: `$VAR` (present and not empty), string literals, `null`,
 * `==`, `!=`, `=~` and `!~` against a `/regex/flags`, `&&` binding tighter than `||`, and
 * parentheses. A variable that is not defined is null.
 */
type Token =
  | { kind: 'variable'; name: string }
  | { kind: 'string'; value: string }
  | { kind: 'null' }
  | { kind: 'regex'; source: string; flags: string }
  | { kind: 'op'; op: '==' | '!=' | '=~' | '!~' | '&&' | '||' | '(' | ')' };

type Value = string | null | boolean | RegExp;

export class ExpressionError extends Error {}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const rest = text.slice(i);
    const space = /^\s+/.exec(rest);
    if (space) {
      i += space[0].length;
      continue;
    }
    const variable = /^\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))/.exec(rest);
    if (variable) {
      tokens.push({ kind: 'variable', name: (variable[1] ?? variable[2]) as string });
      i += variable[0].length;
      continue;
    }
    const quoted = /^"((?:[^"\\]|\\.)*)"|^'((?:[^'\\]|\\.)*)'/.exec(rest);
    if (quoted) {
      tokens.push({ kind: 'string', value: (quoted[1] ?? quoted[2]) as string });
      i += quoted[0].length;
      continue;
    }
    if (/^null\b/.test(rest)) {
      tokens.push({ kind: 'null' });
      i += 4;
      continue;
    }
    const op = /^(==|!=|=~|!~|&&|\|\||\(|\))/.exec(rest);
    if (op) {
      tokens.push({ kind: 'op', op: op[0] as '==' });
      i += op[0].length;
      continue;
    }
    const regex = /^\/((?:[^/\\]|\\.)*)\/([a-z]*)/.exec(rest);
    if (regex) {
      tokens.push({ kind: 'regex', source: regex[1] as string, flags: regex[2] as string });
      i += regex[0].length;
      continue;
    }
    throw new ExpressionError(`unknown token at "${rest}" in: ${text}`);
  }
  return tokens;
}

const truthy = (value: Value): boolean =>
  typeof value === 'boolean' ? value : typeof value === 'string' ? value.length > 0 : value instanceof RegExp;

/** Evaluates a `rules:if` expression against the pipeline's variables. */
export function evaluateIf(text: string, variables: Readonly<Record<string, string>>): boolean {
  const tokens = tokenize(text);
  let at = 0;
  const peek = (): Token | undefined => tokens[at];
  const isOp = (op: string): boolean => {
    const token = peek();
    return token?.kind === 'op' && token.op === op;
  };

  const operand = (): Value => {
    const token = tokens[at++];
    if (!token) throw new ExpressionError(`unexpected end of: ${text}`);
    switch (token.kind) {
      case 'variable':
        return Object.hasOwn(variables, token.name) ? (variables[token.name] as string) : null;
      case 'string':
        return token.value;
      case 'null':
        return null;
      case 'regex':
        return new RegExp(token.source, token.flags);
      case 'op':
        if (token.op === '(') {
          const value = or();
          if (!isOp(')')) throw new ExpressionError(`missing ) in: ${text}`);
          at++;
          return value;
        }
        throw new ExpressionError(`unexpected ${token.op} in: ${text}`);
    }
  };

  const comparison = (): Value => {
    const left = operand();
    const token = peek();
    if (token?.kind !== 'op' || !['==', '!=', '=~', '!~'].includes(token.op)) return left;
    at++;
    const right = operand();
    if (token.op === '==' || token.op === '!=') {
      const same = left === right;
      return token.op === '==' ? same : !same;
    }
    if (!(right instanceof RegExp)) throw new ExpressionError(`${token.op} needs a /regex/ in: ${text}`);
    const matches = typeof left === 'string' && right.test(left);
    return token.op === '=~' ? matches : !matches;
  };

  const and = (): Value => {
    let value = comparison();
    while (isOp('&&')) {
      at++;
      const right = comparison();
      value = truthy(value) && truthy(right);
    }
    return value;
  };

  const or = (): Value => {
    let value = and();
    while (isOp('||')) {
      at++;
      const right = and();
      value = truthy(value) || truthy(right);
    }
    return value;
  };

  const result = or();
  if (at !== tokens.length) throw new ExpressionError(`unexpected tokens at the end of: ${text}`);
  return truthy(result);
}
