/**
 * How a test says that it is skipped, and why. `npm test` (scripts/test.mjs) gathers the reasons
 * through CHS_TEST_SKIP_LOG and prints each reason once, with what it skipped, before its closing
 * line; run without it (vitest alone), the reason is a warning in the test file's output.
 *
 * Call it at the top level of a test file, where the skip is decided at collection time.
 */
import { appendFileSync } from 'node:fs';

/** The reasons, one wording each, so that a kind of skip is named once in the output. */
export const WHY = {
  noCorpus: 'the reference corpora (../shared/corpus beside the repository) are absent',
  noApparmorParser: 'apparmor_parser (Debian package apparmor) is not installed',
  noApparmorPackage: "Debian's apparmor package is not installed here (no /etc/apparmor.d/tunables/global)",
  noScmpResolver: 'scmp_sys_resolver (Debian package seccomp) is not installed',
  noOpenssl: 'openssl is not installed',
  noSh: 'there is no /bin/sh',
  notBuilt: 'dist/ is not built (npm run build)',
} as const;

export function skipping(what: string, why: string): void {
  const log = process.env.CHS_TEST_SKIP_LOG;
  if (log) appendFileSync(log, `${JSON.stringify({ what, why })}\n`);
  else console.warn(`skipped: ${what} (${why})`);
}
