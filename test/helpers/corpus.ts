/**
 * The reference corpora in ../shared/corpus (next to the repository). Tests that need them skip
 * themselves, saying so, when the folder is absent (outside this workplace).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { WHY, skipping } from './skip.js';

const CORPUS = fileURLToPath(new URL('../../../shared/corpus', import.meta.url));
export const hasCorpus = existsSync(CORPUS);

export function corpusPath(...parts: string[]): string {
  return [CORPUS, ...parts].join('/');
}

/** Call at the top of a test file whose tests need the corpus: says what is skipped and why. */
export function warnIfNoCorpus(what: string): void {
  if (!hasCorpus) skipping(what, WHY.noCorpus);
}
