/** Secrets never reach a log line: every message the bot prints goes through `mask`. */
const MASK = '[MASKED]';

export function mask(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const secret of secrets) {
    // Very short values would mask ordinary words; GitLab tokens are 20 characters or more.
    if (secret === undefined || secret.length < 6) continue;
    out = out.split(secret).join(MASK);
  }
  return out;
}
