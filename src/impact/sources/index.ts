/**
 * `preview.events` (or the command line's equivalents) as event sources: globs and paths
 * matched under the repository root, stores built from the configuration object the caller
 * passes (the preview's trusted one: a source never reads chs.yaml itself).
 */
import { relative, resolve } from 'node:path';
import type { EventSourceConfig } from '../../core/config.js';
import { displayPath, walkFiles } from '../../core/discovery.js';
import type { WalkProblem } from '../../core/discovery.js';
import { UserError } from '../../core/errors.js';
import { globBase, globToRegExp } from '../../core/glob.js';
import { OUTSIDE_REASON, Reach } from '../../core/reach.js';
import { elasticsearchSource } from './elasticsearch.js';
import { fileSource } from './file.js';
import type { StoreHttpOptions } from './http.js';
import { lokiSource } from './loki.js';
import type { EventSource } from './source.js';

export type { EventSink, EventSource,  } from './source.js';
export type { StoreHttpOptions } from './http.js';
export { fileSource } from './file.js';

/**
 * The files a glob of chs.yaml matches, relative to the repository root; they stay inside it
 * (a glob or a link that leads out of it is a configuration error, and nothing of it is read).
 */
function globFiles(glob: string, root: string, cwd: string): EventSource[] {
  const matcher = globToRegExp(glob);
  const out: EventSource[] = [];
  const problems: WalkProblem[] = [];
  for (const file of walkFiles(resolve(root, globBase(glob)), problems, cwd, new Reach([root]))) {
    const rel = relative(root, file).split('\\').join('/');
    if (matcher.test(rel)) out.push(fileSource(file, displayPath(file, cwd)));
  }
  const outside = problems.find((p) => p.outside);
  if (outside) throw new UserError(`chs.yaml preview.events '${glob}': ${outside.display} is ${OUTSIDE_REASON}`);
  return out;
}

export function configuredSources(
  entries: readonly EventSourceConfig[],
  root: string,
  cwd: string,
  http: StoreHttpOptions,
): EventSource[] {
  const out: EventSource[] = [];
  for (const entry of entries) {
    if (typeof entry === 'string') out.push(...globFiles(entry, root, cwd));
    else if ('loki' in entry) out.push(lokiSource(entry.loki, http));
    else out.push(elasticsearchSource(entry.elasticsearch, http));
  }
  return out;
}
