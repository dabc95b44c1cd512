/**
 * apparmor_parser merges the file rules of a profile that share a path, rule mode, audit flag,
 * priority and link target (`process_file_entries` in parser_merge.c), and refuses the profile
 * when two merged rules give the same half (owner or other) different exec transitions. The
 * change_profile rules merge the same way on their exec path and target, where only `unsafe`
 * can differ.
 */
import type { Rule, Word } from './ast.js';
import { expandVariables } from './aare.js';
import type { VariableValues } from './aare.js';
import { execTypeOf } from './permissions.js';

export interface ExecClaim {
  /** What the rule merges on. */
  key: string;
  /** The transition the owner half and the other half get ('' when the half is not claimed). */
  owner: string;
  other: string;
  /** How the transition reads in a message. */
  mode: string;
  range: Word;
}

/** The exec transition a rule claims for its merge group, if it claims one. */
export function execClaim(rule: Rule, variables: VariableValues): ExecClaim | undefined {
  const q = rule.qualifiers;
  if (q.deny) return undefined;
  const group = `${q.audit ? 'audit' : ''}\0${q.priority?.value ?? 0}`;
  if (rule.kind === 'file') {
    const exec = rule.permissions.exec;
    const type = exec ? execTypeOf(exec) : undefined;
    if (!exec || !type) return undefined;
    const unsafe = rule.safety ? rule.safety.text === 'unsafe' : type.unsafe;
    const link = rule.permissionsFirst && rule.permissions.link ? (rule.target?.text ?? '') : '';
    const target = link === '' ? (rule.target?.text ?? '') : '';
    const transition = `${type.kind}\0${unsafe}\0${target}`;
    const path = rule.path ? expandVariables(rule.path.text, variables) : '/{**,}';
    const mode = `${rule.safety ? `${rule.safety.text} ` : ''}${exec}${target ? ` -> ${target}` : ''}`;
    return {
      key: `file\0${group}\0${link}\0${path}`,
      owner: q.other ? '' : transition,
      other: q.owner ? '' : transition,
      mode,
      range: rule.permissionsWord ?? rule.path ?? (rule as unknown as Word),
    };
  }
  if (rule.kind === 'change_profile') {
    const first = rule.words[0];
    const safety = first && (first.text === 'safe' || first.text === 'unsafe') ? first : undefined;
    const exec = rule.words.find((w) => w !== safety);
    if (!exec) return undefined;
    const target = rule.target?.text ?? '**';
    const mode = safety?.text ?? 'safe';
    return {
      key: `change_profile\0${group}\0${expandVariables(exec.text, variables)}\0${target}`,
      owner: mode,
      other: mode,
      mode: `change_profile ${mode}`,
      range: safety ?? exec,
    };
  }
  return undefined;
}

/** Whether two claims of one merge group give a half two different transitions. */
export function conflicting(a: ExecClaim, b: ExecClaim): boolean {
  return (
    (a.owner !== '' && b.owner !== '' && a.owner !== b.owner) ||
    (a.other !== '' && b.other !== '' && a.other !== b.other)
  );
}
