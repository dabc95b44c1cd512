/**
 * `apparmor:` cases: whether a profile of the repository allows an access.
 * `{profile: NAME, access: {path, permissions} | {exec: PATH} | {capability: NAME} | {network: {domain, type}}, expect: allow|deny}`
 */
import type { YamlMap } from '../../core/yaml.js';
import { pairOf } from '../../core/yaml.js';
import { checkKeys, checkString, describeNode, span, stringAt } from '../shape.js';
import type { CaseKind, Problem } from '../types.js';
import { notWired } from './not-wired.js';

const WHERE = 'an apparmor case';
const ACCESS_SHAPES: readonly (readonly string[])[] = [
  ['path', 'permissions'],
  ['exec'],
  ['capability'],
  ['network'],
];

function validate(body: YamlMap): Problem[] {
  const problems = checkKeys(body, WHERE, ['profile', 'access', 'expect'], ['profile', 'access', 'expect']);
  problems.push(...checkString(body, 'profile', WHERE));
  const access = pairOf(body, 'access')?.value;
  if (access && access.kind !== 'map')
    problems.push({
      message: `"access" must be a mapping, not ${describeNode(access)}`,
      range: span(access),
    });
  if (access?.kind === 'map') {
    const keys = access.pairs.map((p) => p.key).sort();
    const known = ACCESS_SHAPES.some(
      (shape) => shape.length === keys.length && [...shape].sort().every((k, i) => k === keys[i]),
    );
    if (!known)
      problems.push({
        message:
          'an access is {path: PATH, permissions: PERMS}, {exec: PATH}, {capability: NAME} or {network: {domain: D, type: T}}',
        range: span(access),
      });
  }
  const expect = stringAt(body, 'expect');
  const expectNode = pairOf(body, 'expect')?.value;
  if (expectNode && expect !== 'allow' && expect !== 'deny')
    problems.push({
      message: `"expect" of an apparmor case is allow or deny, not ${describeNode(expectNode)}`,
      range: span(expectNode),
    });
  return problems;
}

export const apparmorCase: CaseKind = {
  key: 'apparmor',
  validate,
  evaluate: notWired('apparmor', 'evaluateAccess from src/languages/apparmor'),
};
