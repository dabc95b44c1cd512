/**
 * Label selectors as the API server parses them: `a=b`, `a==b`, `a!=b`, `a in (x,y)`,
 * `a notin (x,y)`, `a` (exists) and `!a` (does not exist), joined by commas (all must hold).
 */

export type Requirement =
  | { key: string; op: 'eq' | 'neq'; value: string }
  | { key: string; op: 'in' | 'notin'; values: string[] }
  | { key: string; op: 'exists' | 'absent' };

export class SelectorError extends Error {}

const KEY =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;

/** Splits on commas that are not inside parentheses. */
function splitTerms(text: string): string[] {
  const terms: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      terms.push(current);
      current = '';
    } else current += ch;
  }
  if (depth !== 0) throw new SelectorError(`unbalanced parentheses in "${text}"`);
  terms.push(current);
  return terms;
}

function checkKey(key: string): string {
  if (!KEY.test(key)) throw new SelectorError(`invalid label key "${key}"`);
  return key;
}

function checkValue(value: string): string {
  if (value.length > 63 || !VALUE.test(value)) throw new SelectorError(`invalid label value: "${value}"`);
  return value;
}

export function parseSelector(text: string): Requirement[] {
  if (text.trim() === '') return [];
  return splitTerms(text).map((raw) => {
    const term = raw.trim();
    let match = /^(\S+?)\s*(==|!=|=)\s*(\S*)$/.exec(term);
    if (match) {
      const [, key = '', op, value = ''] = match;
      return { key: checkKey(key), op: op === '!=' ? 'neq' : 'eq', value: checkValue(value) };
    }
    match = /^(\S+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(term);
    if (match) {
      const [, key = '', op, list = ''] = match;
      const values = list.split(',').map((v) => checkValue(v.trim()));
      return { key: checkKey(key), op: op === 'in' ? 'in' : 'notin', values };
    }
    match = /^(!?)\s*(\S+)$/.exec(term);
    if (match) {
      const [, bang, key = ''] = match;
      return { key: checkKey(key), op: bang ? 'absent' : 'exists' };
    }
    throw new SelectorError(`unable to parse requirement: "${term}"`);
  });
}

export function matches(requirements: readonly Requirement[], labels: Record<string, string>): boolean {
  return requirements.every((r) => {
    const has = Object.prototype.hasOwnProperty.call(labels, r.key);
    const value = labels[r.key];
    switch (r.op) {
      case 'eq':
        return has && value === r.value;
      case 'neq':
        return !has || value !== r.value;
      case 'in':
        return has && r.values.includes(value as string);
      case 'notin':
        return !has || !r.values.includes(value as string);
      case 'exists':
        return has;
      case 'absent':
        return !has;
    }
  });
}
