/**
 * Waiting between attempts of an HTTP request, for every client chs ships (GitLab, the event
 * stores): what Retry-After says, else an exponential backoff with jitter, within a bounded
 * number of attempts and a bounded total time.
 */

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  /** No retry starts once this much time has passed since the first attempt. */
  maxTotalMs: number;
  /** The first backoff; it doubles with every attempt (plus up to 25 % jitter). */
  baseDelayMs: number;
  /** Longest single wait: a longer Retry-After ends the retries. */
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  maxAttempts: 6,
  maxTotalMs: 120_000,
  baseDelayMs: 1_000,
  maxDelayMs: 60_000,
};

/** Retry-After in milliseconds: delta-seconds or an HTTP date; undefined when absent or bad. */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

export function backoffMs(policy: RetryPolicy, attempt: number, random: () => number = Math.random): number {
  const exponential = policy.baseDelayMs * 2 ** (attempt - 1);
  return Math.min(policy.maxDelayMs, Math.round(exponential * (1 + 0.25 * random())));
}

/** The wait before the next attempt, or undefined when the policy says to stop. */
export function nextWait(
  policy: RetryPolicy,
  attempt: number,
  elapsedMs: number,
  retryAfterMs: number | undefined,
): number | undefined {
  const wait = retryAfterMs ?? backoffMs(policy, attempt);
  // Retrying before Retry-After would only be refused again: past the longest wait, give up.
  if (attempt >= policy.maxAttempts || wait > policy.maxDelayMs || elapsedMs + wait > policy.maxTotalMs)
    return undefined;
  return wait;
}
