/** Small helpers for checking the shape of YAML mappings, with ranges and "did you mean". */
import { didYouMeanSuffix } from '../core/did-you-mean.js';
import type { YamlMap, YamlNode } from '../core/yaml.js';
import { pairOf } from '../core/yaml.js';
import type { Problem } from './types.js';
import { textOf } from '../core/text.js';

export const span = (node: YamlNode): { start: number; end: number } => ({
  start: node.start,
  end: node.end,
});

export function describeNode(node: YamlNode): string {
  if (node.kind === 'map') return 'a mapping';
  if (node.kind === 'seq') return 'a list';
  if (node.value === null) return 'null';
  return typeof node.value === 'string'
    ? `the string "${node.value}"`
    : `${typeof node.value} ${textOf(node.value)}`;
}

/** Problems for keys outside `allowed`, and for `required` keys that are missing. */
export function checkKeys(
  map: YamlMap,
  where: string,
  allowed: readonly string[],
  required: readonly string[] = [],
): Problem[] {
  const problems: Problem[] = [];
  for (const pair of map.pairs) {
    if (!allowed.includes(pair.key))
      problems.push({
        message: `unknown key "${pair.key}" in ${where}${didYouMeanSuffix(pair.key, allowed)} (allowed: ${allowed.join(', ')})`,
        range: span(pair.keyNode),
      });
  }
  for (const key of required) {
    if (!pairOf(map, key)) problems.push({ message: `${where} needs "${key}"`, range: span(map) });
  }
  return problems;
}

/** A problem when the key is present and not a string (or null, when allowed). */
export function checkString(map: YamlMap, key: string, where: string, nullable = false): Problem[] {
  const pair = pairOf(map, key);
  if (!pair) return [];
  const value = pair.value;
  if (value.kind === 'scalar' && (typeof value.value === 'string' || (nullable && value.value === null)))
    return [];
  if (value.kind === 'scalar' && (typeof value.value === 'number' || typeof value.value === 'boolean'))
    return [];
  return [
    {
      message: `"${key}" in ${where} must be a string${nullable ? ' or null' : ''}, not ${describeNode(value)}`,
      range: span(value),
    },
  ];
}

/** The string under a key (scalars other than null are taken as text, as YAML users expect). */
export function stringAt(map: YamlMap, key: string): string | null | undefined {
  const node = pairOf(map, key)?.value;
  if (!node || node.kind !== 'scalar') return undefined;
  if (node.value === null) return null;
  return node.kind === 'scalar' && typeof node.value === 'string' ? node.value : node.text;
}
