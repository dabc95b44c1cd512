/** Writing a report file (a job artifact, read by whoever can see the pipeline), secrets masked. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { UserError } from './errors.js';
import { maskSecrets } from './secrets.js';

/** Writes `text` to `path` (its directory created); `what` names the report in the error. */
export function writeArtifact(path: string, text: string, what: string, shown: string = path): void {
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, maskSecrets(text));
  } catch (error) {
    throw new UserError(
      `cannot write ${what} to ${shown}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
    );
  }
}
