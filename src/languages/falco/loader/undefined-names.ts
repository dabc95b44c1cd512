/**
 * What to say about a macro or list name that nothing defines: the close name the repository
 * defines (a typo: `in_shp` for `in_shop`), else the official rules file that defines it (its
 * macros moved in 2023 from falco_rules.yaml to the incubating, sandbox and deprecated files),
 * else how to define it. One sentence (or none), appended to the message Falco gives.
 */
import { didYouMean } from '../../../core/did-you-mean.js';
import { OFFICIAL_FILES, OFFICIAL_LISTS, OFFICIAL_MACROS } from '../official-names.generated.js';

export type NameKind = 'macro' | 'list';

const STABLE = 0;
const MONOLITH = OFFICIAL_FILES.length - 1;

const official: Record<NameKind, ReadonlyMap<string, readonly number[]>> = {
  macro: new Map(OFFICIAL_MACROS),
  list: new Map(OFFICIAL_LISTS),
};

function fileNames(indexes: readonly number[]): string {
  const names = indexes.map((i) => OFFICIAL_FILES[i] as string);
  return names.length === 1 ? (names[0] as string) : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}

export interface UndefinedNameContext {
  /** Names of that kind the loaded files define (anywhere, visible or not). */
  defined: readonly string[];
  /** Whether chs.yaml names no baseline (then the official falco_rules.yaml is not loaded). */
  noBaseline: boolean;
}

/** The sentence that follows "Undefined macro 'x'": what to do about it. */
export function undefinedNameHint(kind: NameKind, name: string, context: UndefinedNameContext): string {
  const close = didYouMean(
    name,
    context.defined.filter((n) => n !== name),
  );
  if (close !== undefined) return ` Did you mean the ${kind} '${close}'?`;
  const files = official[kind].get(name);
  if (files) {
    if (files.includes(STABLE))
      return context.noBaseline
        ? ` It is defined in the official ${OFFICIAL_FILES[STABLE]}: name that file under falco.baseline in chs.yaml so that it loads first.`
        : ` It is defined in the official ${OFFICIAL_FILES[STABLE]}, but not in the baseline loaded: load the falco_rules.yaml of the Falco version you run under falco.baseline.`;
    const current = files.filter((i) => i !== MONOLITH);
    if (current.length > 0)
      return ` It is defined in the official ${fileNames(current)}, not in ${OFFICIAL_FILES[STABLE]}: load ${current.length > 1 ? 'one of them' : 'that file'} after ${OFFICIAL_FILES[STABLE]} under falco.baseline in chs.yaml, or copy the ${kind} into your rules.`;
    return ` It was defined in ${OFFICIAL_FILES[STABLE]} before the official rules were split in 2023 (rules 1.0.1) and is gone since: copy its definition from there into your rules.`;
  }
  const officialClose = didYouMean(name, official[kind].keys());
  if (officialClose !== undefined) return ` Did you mean the official ${kind} '${officialClose}'?`;
  const define = kind === 'macro' ? `- macro: ${name}` : `- list: ${name}`;
  // `monitoring_software` used, `monitoring_tools` defined: too far apart for a typo, one of a kind.
  const stem = /^([a-z]{4,})_/i.exec(name)?.[1];
  const sameStem = stem ? context.defined.filter((n) => n !== name && n.startsWith(`${stem}_`)) : [];
  if (sameStem.length === 1)
    return ` No file loaded defines it; the only ${kind} named '${stem}_...' is '${sameStem[0]}': use that name, or define it (\`${define}\`) before the rules that use it.`;
  return context.noBaseline
    ? ` Define it (\`${define}\`) before the rules that use it; a ${kind} of the official rules needs the official rules file named under falco.baseline in chs.yaml.`
    : ` No file loaded defines it: define it (\`${define}\`) before the rules that use it.`;
}
