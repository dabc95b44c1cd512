/**
 * `podSecurity:` cases: whether a policy (or a Pod Security Standards level) admits an object.
 * `{policy: NAME|LEVEL, object: {...}, expect: {allowed: BOOL, messageContains?: TEXT}}`
 */
import type { YamlMap } from '../../core/yaml.js';
import { pairOf } from '../../core/yaml.js';
import { checkKeys, checkString, describeNode, span } from '../shape.js';
import type { CaseKind, Problem } from '../types.js';
import { notWired } from './not-wired.js';

const WHERE = 'a podSecurity case';

function validate(body: YamlMap): Problem[] {
  const problems = checkKeys(body, WHERE, ['policy', 'object', 'expect'], ['policy', 'object', 'expect']);
  problems.push(...checkString(body, 'policy', WHERE));
  const object = pairOf(body, 'object')?.value;
  if (object && object.kind !== 'map')
    problems.push({
      message: `"object" must be a Kubernetes object (a mapping), not ${describeNode(object)}`,
      range: span(object),
    });
  const expect = pairOf(body, 'expect')?.value;
  if (expect && expect.kind !== 'map')
    problems.push({
      message: `"expect" must be {allowed: true|false, messageContains?: TEXT}, not ${describeNode(expect)}`,
      range: span(expect),
    });
  if (expect?.kind === 'map') {
    const where = 'the expectation of a podSecurity case';
    problems.push(...checkKeys(expect, where, ['allowed', 'messageContains'], ['allowed']));
    const allowed = pairOf(expect, 'allowed')?.value;
    if (allowed && typeof allowed.value !== 'boolean')
      problems.push({
        message: `"allowed" must be true or false, not ${describeNode(allowed)}`,
        range: span(allowed),
      });
    problems.push(...checkString(expect, 'messageContains', where));
  }
  return problems;
}

export const podSecurityCase: CaseKind = {
  key: 'podSecurity',
  validate,
  evaluate: notWired('podSecurity', 'evaluatePodSecurity from src/languages/pod-security'),
};
