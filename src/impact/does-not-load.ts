/**
 * A head policy that does not load: how the preview names it (the first of its load errors), and
 * which of a kind's policies are such, for the kinds whose files define named policies.
 */

/** At most this many errors are shown per policy; chs lint lists them all. */
const SHOWN = 2;

export function doesNotLoad(errors: readonly string[]): string {
  const more = errors.length > SHOWN ? `; and ${errors.length - SHOWN} more (chs lint)` : '';
  return `does not load: ${errors.slice(0, SHOWN).join('; ')}${more}`;
}

/** A policy file its runtime refuses: the policies it names (as far as it parses) and why. */
export interface BrokenFile {
  names: string[];
  errors: string[];
}

/**
 * The head's policies that do not load, by name, with their file and errors: those its broken
 * files name, and the base's policies whose file no longer parses into them (neither removed).
 */
export function notLoading(
  base: ReadonlyMap<string, { file?: string | undefined }>,
  head: { loaded: ReadonlyMap<string, unknown>; broken: ReadonlyMap<string, BrokenFile> },
): Map<string, { file: string; errors: string[] }> {
  const out = new Map<string, { file: string; errors: string[] }>();
  for (const [file, { names, errors }] of head.broken)
    for (const name of names) if (!head.loaded.has(name)) out.set(name, { file, errors });
  for (const [name, { file }] of base) {
    const broken = file === undefined ? undefined : head.broken.get(file);
    if (file !== undefined && broken && !head.loaded.has(name) && !out.has(name))
      out.set(name, { file, errors: broken.errors });
  }
  return out;
}
