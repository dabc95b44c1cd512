/**
 * The HTTP layer under `@gitbeaker/rest`: gitbeaker's own handler retries 429 and 502 a few
 * milliseconds apart and ignores Retry-After, so the bot brings its own. It retries 429 (any
 * method: GitLab refused the request before doing anything) and 5xx for idempotent methods,
 * waits what Retry-After says or an exponential backoff with jitter, and stops after a bounded
 * number of attempts and a bounded total time. A POST that failed with 5xx is not repeated
 * here: it may have landed, and only its caller can check (see sticky-note.ts).
 */
import { GitLabHttpError, GitLabNetworkError } from './errors.js';
import { backoffMs, nextWait, parseRetryAfter } from '../core/retry.js';
import type { RetryPolicy } from '../core/retry.js';
import type { FormattedResponse, RequestOptions, ResponseBodyTypes } from '@gitbeaker/requester-utils';

export type { RetryPolicy } from '../core/retry.js';
export { DEFAULT_RETRY, backoffMs, parseRetryAfter } from '../core/retry.js';

export interface HandlerHooks {
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  /** Called before every wait, for a log line. */
  onRetry?: (info: {
    method: string;
    endpoint: string;
    status: number | string;
    waitMs: number;
    attempt: number;
  }) => void;
}

const IDEMPOTENT = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);
/** Network failures that happen before a request is sent. */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

export function isRetryable(method: string, status: number): boolean {
  if (status === 429) return true;
  return status >= 500 && status <= 599 && IDEMPOTENT.has(method);
}

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export function createRequestHandler(policy: RetryPolicy, hooks: HandlerHooks = {}) {
  const sleep = hooks.sleep ?? defaultSleep;
  const now = hooks.now ?? Date.now;
  return async function handle(endpoint: string, raw: Record<string, unknown> = {}): Promise<FormattedResponse> {
    const options = requestOptions(raw);
    const method = (options.method ?? 'GET').toUpperCase();
    const base = options.prefixUrl?.endsWith('/') ? options.prefixUrl : `${options.prefixUrl ?? ''}/`;
    const url = new URL(endpoint, base);
    url.search = options.searchParams ?? '';
    // Resources resolve their endpoints below different prefixes: show the path after /api/v4/.
    const shown = decodeURIComponent(url.pathname.replace(/^.*?\/api\/v4\//, ''));
    const started = now();
    for (let attempt = 1; ; attempt++) {
      let response: Response;
      try {
        response = await fetch(url, {
          method,
          headers: options.headers ?? {},
          ...(options.body === undefined ? {} : { body: options.body }),
          ...(options.signal ? { signal: options.signal } : {}),
        });
      } catch (error) {
        const reason = networkReason(error);
        const wait = backoffMs(policy, attempt);
        // A request that never reached GitLab is safe to repeat; a POST cut off midway may have landed.
        const repeatable = IDEMPOTENT.has(method) || NOT_SENT.has(reason);
        if (
          !repeatable ||
          attempt >= policy.maxAttempts ||
          now() - started + wait > policy.maxTotalMs ||
          reason === 'timeout'
        )
          throw new GitLabNetworkError(method, shown, reason, attempt);
        hooks.onRetry?.({ method, endpoint: shown, status: reason, waitMs: wait, attempt });
        await sleep(wait);
        continue;
      }
      if (response.ok) return parseResponse(response, options.asStream === true);
      const { description, scope } = await errorDescription(response);
      if (!isRetryable(method, response.status))
        throw new GitLabHttpError(response.status, method, shown, description, attempt, scope);
      const retryAfter = parseRetryAfter(response.headers.get('retry-after'), now());
      const wait = nextWait(policy, attempt, now() - started, retryAfter);
      if (wait === undefined)
        throw new GitLabHttpError(response.status, method, shown, description, attempt, scope);
      hooks.onRetry?.({ method, endpoint: shown, status: response.status, waitMs: wait, attempt });
      await sleep(wait);
    }
  };
}

/**
 * gitbeaker types the handler's options as a plain record; they are the `RequestOptions` that
 * client.ts's options handler returns, read here field by field.
 */
function requestOptions(raw: Record<string, unknown>): RequestOptions {
  const options: RequestOptions = {};
  if (typeof raw.method === 'string') options.method = raw.method;
  if (typeof raw.prefixUrl === 'string') options.prefixUrl = raw.prefixUrl;
  if (typeof raw.searchParams === 'string') options.searchParams = raw.searchParams;
  if (typeof raw.body === 'string' || raw.body instanceof FormData) options.body = raw.body;
  if (raw.signal instanceof AbortSignal) options.signal = raw.signal;
  if (raw.asStream === true) options.asStream = true;
  if (isHeaders(raw.headers)) options.headers = raw.headers;
  return options;
}

function isHeaders(value: unknown): value is Record<string, string> {
  return (
    typeof value === 'object' &&
    value !== null &&
    Object.values(value).every((header) => typeof header === 'string')
  );
}

function networkReason(error: unknown): string {
  if (error instanceof Error) {
    if (error.name === 'TimeoutError' || error.name === 'AbortError') return 'timeout';
    const cause = (error as Error & { cause?: { code?: string; message?: string } }).cause;
    return cause?.code ?? cause?.message ?? error.message;
  }
  return String(error);
}

async function parseResponse(response: Response, asStream: boolean): Promise<FormattedResponse> {
  const headers = Object.fromEntries(response.headers.entries());
  if (asStream) return { body: response.body, headers, status: response.status };
  if (response.status === 204) return { body: null, headers, status: response.status };
  const type = (response.headers.get('content-type') ?? '').split(';')[0]?.trim() ?? '';
  let body: ResponseBodyTypes;
  if (type === 'application/json') {
    const text = await response.text();
    body = text === '' ? {} : (JSON.parse(text) as ResponseBodyTypes);
  } else if (type.startsWith('text/')) body = await response.text();
  else body = await response.blob();
  return { body: body ?? {}, headers, status: response.status };
}

async function errorDescription(response: Response): Promise<{ description: string; scope?: string }> {
  const text = await response.text().catch(() => '');
  const type = response.headers.get('content-type') ?? '';
  if (!type.includes('json')) return { description: text.slice(0, 300) };
  try {
    const parsed = JSON.parse(text) as {
      message?: unknown;
      error?: unknown;
      error_description?: unknown;
      scope?: unknown;
    };
    const main = parsed.error_description ?? parsed.message ?? parsed.error ?? '';
    const description = typeof main === 'string' ? main : JSON.stringify(main);
    return typeof parsed.scope === 'string'
      ? { description: description.slice(0, 300), scope: parsed.scope }
      : { description: description.slice(0, 300) };
  } catch {
    return { description: text.slice(0, 300) };
  }
}
