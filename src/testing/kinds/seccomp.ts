/**
 * `seccomp:` cases: the action a seccomp profile takes for a system call.
 * `{profile: PATH, syscall: NAME, expect: SCMP_ACT_...}`
 */
import type { YamlMap } from '../../core/yaml.js';
import { pairOf } from '../../core/yaml.js';
import { checkKeys, checkString, describeNode, span, stringAt } from '../shape.js';
import type { CaseKind, Problem } from '../types.js';
import { notWired } from './not-wired.js';

const WHERE = 'a seccomp case';

function validate(body: YamlMap): Problem[] {
  const problems = checkKeys(body, WHERE, ['profile', 'syscall', 'expect'], ['profile', 'syscall', 'expect']);
  problems.push(...checkString(body, 'profile', WHERE), ...checkString(body, 'syscall', WHERE));
  const expectNode = pairOf(body, 'expect')?.value;
  const expect = stringAt(body, 'expect');
  if (expectNode && (typeof expect !== 'string' || !/^SCMP_ACT_[A-Z_]+$/.test(expect)))
    problems.push({
      message: `"expect" of a seccomp case is an action such as SCMP_ACT_ERRNO, not ${describeNode(expectNode)}`,
      range: span(expectNode),
    });
  return problems;
}

export const seccompCase: CaseKind = {
  key: 'seccomp',
  validate,
  evaluate: notWired('seccomp', 'evaluateSyscall from src/languages/seccomp'),
};
