/** Secrets never reach a log line, a note or an issue: see src/core/secrets.ts. */
import { SecretMask, secrets as processSecrets } from '../core/secrets.js';

/** `text` with the process's secrets and these ones (the token in use) masked. */
export function mask(text: string, secrets: readonly (string | undefined)[]): string {
  const extra = new SecretMask();
  extra.add(secrets);
  return extra.mask(processSecrets.mask(text));
}
