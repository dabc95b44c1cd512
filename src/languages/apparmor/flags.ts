/**
 * Profile flags as apparmor_parser 4.1 reads them (`flagvals` in profile.h): each flag is one
 * word of the list, `name=value` included; modes exclude each other; a path flag excludes its
 * opposite; `error=`, `kill.signal=` and `attach_disconnected.path=` may be repeated only with
 * the same value. `attach_disconnected.path` is a path with variables, which must begin with `/`
 * once they are expanded.
 */
import { didYouMeanSuffix } from '../../core/did-you-mean.js';
import type { Flag, Profile } from './ast.js';
import { expandVariables, normalizeSlashes } from './aare.js';
import type { VariableValues } from './aare.js';
import type { Reporter } from './reporter.js';
import { invalidFlags } from './rules/invalid-flags.js';
import { CONFLICTING_FLAGS, MODE_FLAGS, PLAIN_FLAGS, isErrnoName, isSignal } from './tables.js';

const VALUED_FLAGS = ['attach_disconnected.path', 'kill.signal', 'error'];

export function validateFlags(profile: Profile, variables: VariableValues, report: Reporter): void {
  if (profile.flagsRange && profile.flags.length === 0) {
    report(invalidFlags, 'empty', profile.flagsRange);
    return;
  }
  const seen = new Map<string, Flag>();
  for (const flag of profile.flags) {
    let name = flag.name;
    if (flag.value !== undefined) {
      if (!checkFlagValue(flag, variables, report)) continue;
      const earlier = seen.get(name);
      if (earlier?.value && earlier.value.text !== flag.value.text) {
        report(invalidFlags, 'values', flag, { name, a: earlier.value.text, b: flag.value.text });
        continue;
      }
      seen.set(name, flag);
      // A disconnected path turns attach_disconnected on.
      if (name !== 'attach_disconnected.path') continue;
      name = 'attach_disconnected';
    } else if (!PLAIN_FLAGS.has(name) && name !== 'debug') {
      const hint = VALUED_FLAGS.includes(name) ? ` (it takes a value: ${name}=...)` : '';
      report(invalidFlags, 'unknown', flag, {
        name,
        hint: hint || didYouMeanSuffix(name, [...PLAIN_FLAGS, ...VALUED_FLAGS]),
      });
      continue;
    }
    if (MODE_FLAGS.has(name)) {
      const other = [...seen.keys()].find((n) => MODE_FLAGS.has(n) && n !== name);
      if (other) report(invalidFlags, 'conflict', flag, { a: other, b: name });
    }
    for (const [a, b] of CONFLICTING_FLAGS) {
      const other = name === a ? b : name === b ? a : undefined;
      if (other && seen.has(other)) report(invalidFlags, 'conflict', flag, { a: other, b: flag.name });
    }
    if (!seen.has(name)) seen.set(name, flag);
  }
}

function checkFlagValue(flag: Flag, variables: VariableValues, report: Reporter): boolean {
  const value = flag.value?.text ?? '';
  const bad = (detail: string): false => {
    report(invalidFlags, 'value', flag, { name: flag.name, detail });
    return false;
  };
  switch (flag.name) {
    case 'kill.signal':
      return isSignal(value) || bad(`"${value}" is not a signal name such as term or kill`);
    case 'error':
      return isErrnoName(value) || bad(`"${value}" is not an errno name such as EPERM or EACCES`);
    case 'attach_disconnected.path': {
      const expanded = normalizeSlashes(expandVariables(value, variables));
      // An undefined variable is reported where variables are checked.
      if (!expanded.startsWith('/') && !expanded.startsWith('@{'))
        return bad(
          value === expanded
            ? `"${value}" is not an absolute path`
            : `"${value}" expands to "${expanded}", which does not begin with /`,
        );
      return true;
    }
    default:
      report(invalidFlags, 'unknown', flag, {
        name: `${flag.name}=`,
        hint: didYouMeanSuffix(flag.name, VALUED_FLAGS),
      });
      return false;
  }
}
