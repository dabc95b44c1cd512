/** How the preview names a head policy that does not load: the first of its load errors. */

/** At most this many errors are shown per policy; chs lint lists them all. */
const SHOWN = 2;

export function doesNotLoad(errors: readonly string[]): string {
  const more = errors.length > SHOWN ? `; and ${errors.length - SHOWN} more (chs lint)` : '';
  return `does not load: ${errors.slice(0, SHOWN).join('; ')}${more}`;
}
