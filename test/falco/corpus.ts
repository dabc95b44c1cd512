/** Where the Falco part of the shared reference corpus lives, and whether this checkout can see it. */
import { corpusPath, hasCorpus, warnIfNoCorpus } from '../helpers/corpus.js';

export const corpusDir = corpusPath('falco');
export { hasCorpus };

export function warnSkipped(what: string): void {
  warnIfNoCorpus(what);
}
