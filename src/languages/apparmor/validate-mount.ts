/**
 * mount, remount and umount rules as apparmor_parser 4.1 takes them (parser_yacc.y, mount.cc):
 * conditions first, then the source (mount) or mount point, then `-> mount point` for mount only.
 * `fstype=`/`vfstype=` may be repeated (the values add up) and so may `options=`/`option=`: each
 * `options=(...)` is a set of flags on its own, refused when it both sets and clears one flag;
 * `options in (...)` sets are optional and never conflict. A rule must compile to something: a
 * propagation, bind or move mount cannot be conditional on a file system type, nor a propagation
 * change name both a source and a mount point. Sources and mount points are patterns, `**` included,
 * and need not be absolute.
 */
import { didYouMeanSuffix } from '../../core/did-you-mean.js';
import type { MediationRule, Word } from './ast.js';
import { checkPattern } from './aare.js';
import type { Reporter } from './reporter.js';
import { invalidOption } from './rules/invalid-option.js';
import { MOUNT_FLAGS, MS } from './tables.js';

const MAKE_CMDS =
  MS.UNBINDABLE | MS.RUNBINDABLE | MS.PRIVATE | MS.RPRIVATE | MS.SLAVE | MS.RSLAVE | MS.SHARED | MS.RSHARED;
const CMDS = MS.MOVE | MS.REMOUNT | MS.BIND | MS.RBIND | MAKE_CMDS;

const KEYS = ['options', 'option', 'fstype', 'vfstype'];

export function validateMount(rule: MediationRule, report: Reporter): void {
  for (const condition of rule.conditions) {
    if (!KEYS.includes(condition.key)) {
      report(invalidOption, 'unknownKey', condition.keyRange, {
        kind: rule.kind,
        key: condition.key,
        hint: didYouMeanSuffix(condition.key, KEYS),
      });
      return;
    }
    if (condition.nested) {
      report(invalidOption, 'invalid', condition, {
        detail: `${condition.key}= does not take nested conditions`,
      });
      return;
    }
    if (condition.key === 'fstype' || condition.key === 'vfstype')
      for (const value of condition.values) checkPattern(value, report);
  }
  const first = rule.words[0];
  const late = first && rule.conditions.find((c) => c.start > first.start);
  if (late) {
    report(invalidOption, 'invalid', late.keyRange, {
      detail: `conditions come before the ${rule.kind === 'mount' ? 'source' : 'mount point'}: ${rule.kind} ${late.key}=... ${first.text}`,
    });
    return;
  }
  const required: number[] = [];
  const optional: number[] = [];
  for (const condition of rule.conditions) {
    if (condition.key !== 'options' && condition.key !== 'option') continue;
    const flags = optionFlags(condition.values, !condition.membership, report);
    if (flags === undefined) return;
    (condition.membership ? optional : required).push(flags);
  }
  const fstype = rule.conditions.some((c) => c.key === 'fstype' || c.key === 'vfstype');
  if (rule.kind === 'mount') {
    if (rule.words.length > 1) {
      report(invalidOption, 'invalid', rule.words[1] as Word, {
        detail: 'mount takes one source; write the mount point after "->"',
      });
      return;
    }
    if (!compiles(required, optional, first !== undefined, rule.target !== undefined, fstype)) {
      report(invalidOption, 'invalid', rule.keyword, {
        detail: fstype
          ? 'propagation, bind, move and remount options cannot be combined with fstype=: drop fstype= or add an ordinary mount option'
          : 'propagation options (make-private, ...) take the mount point alone: write "mount options=(...) -> /mount/point," without a source',
      });
      return;
    }
    for (const word of rule.words) checkPattern(word, report);
    if (rule.target) checkPattern(rule.target, report);
  } else {
    if (rule.target)
      report(invalidOption, 'invalid', rule.target, { detail: `${rule.kind} takes no "->" target` });
    if (rule.words.length > 1)
      report(invalidOption, 'invalid', rule.words[1] as Word, {
        detail: `${rule.kind} takes one mount point`,
      });
    for (const word of rule.words) checkPattern(word, report);
  }
}

/** The flags an options list sets; undefined (reported) when it names an unknown option or, for `=`, contradicts itself. */
function optionFlags(values: readonly Word[], exact: boolean, report: Reporter): number | undefined {
  let set = 0;
  let clear = 0;
  const named = new Map<number, string>();
  for (const value of values) {
    if (value.text.includes(',')) {
      report(invalidOption, 'invalid', value, {
        detail: `several mount options must be written in parentheses: options=(${value.text})`,
      });
      return undefined;
    }
    const flag = MOUNT_FLAGS.get(value.text);
    if (!flag) {
      report(invalidOption, 'badValue', value, {
        what: 'mount option',
        value: value.text,
        hint: didYouMeanSuffix(value.text, [...MOUNT_FLAGS.keys()]),
      });
      return undefined;
    }
    if (exact && ((flag.set & clear) !== 0 || (flag.clear & set) !== 0)) {
      const other = named.get((flag.set & clear) | (flag.clear & set)) ?? 'another option';
      report(invalidOption, 'invalid', value, {
        detail: `mount options "${other}" and "${value.text}" contradict each other`,
      });
      return undefined;
    }
    set |= flag.set;
    clear |= flag.clear;
    named.set(flag.set | flag.clear, value.text);
  }
  // Optional flags mean the same set or clear: one mask.
  return exact ? set : set | clear;
}

/** Whether gen_flag_rules in mount.cc encodes something for a mount rule. */
function compiles(
  required: readonly number[],
  optional: readonly number[],
  source: boolean,
  target: boolean,
  fstype: boolean,
): boolean {
  if (required.length === 0) return true;
  const opts = optional.length > 0 ? optional : [0];
  return required.some((flags) =>
    opts.some(
      (opt) =>
        flags === 0 ||
        (flags & MS.BIND && !fstype) ||
        (flags & MAKE_CMDS && !(source && target) && !fstype) ||
        (flags & MS.MOVE && !fstype) ||
        ((flags | opt) & ~CMDS) !== 0 ||
        (flags & MS.REMOUNT && !source && !fstype),
    ),
  );
}
