/** Where the shared reference corpus lives, and whether this checkout can see it. */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const corpusDir = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  '..',
  'shared',
  'corpus',
  'falco',
);
export const hasCorpus = existsSync(corpusDir);

export function warnSkipped(what: string): void {
  if (!hasCorpus) console.warn(`skipping ${what}: the Falco corpus (${corpusDir}) is absent`);
}
