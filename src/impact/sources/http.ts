/**
 * HTTP to an event store: credentials read from the environment variables the configuration
 * names (never logged, never in a message), 429 and 5xx retried as Retry-After or a backoff says,
 * and one line for what cannot be retried. Plain `fetch`: chs sends a handful of JSON requests
 * per page, and neither official Elasticsearch client speaks to both Elasticsearch and OpenSearch
 * (see docs/event-stores.md).
 */
import { UserError } from '../../core/errors.js';
import { DEFAULT_RETRY, nextWait, parseRetryAfter } from '../../core/retry.js';
import type { RetryPolicy } from '../../core/retry.js';
import type { StoreAuth } from '../../core/config.js';

export interface StoreHttpOptions {
  env: Readonly<Record<string, string | undefined>>;
  retry?: RetryPolicy;
  sleep?: (ms: number) => Promise<void>;
  /** A line for every retry (status, wait): the CLI writes it on standard error. */
  onRetry?: (line: string) => void;
  /** The clock for `since` windows (tests fix it). */
  now?: () => number;
}

/** A store answered with an error that retrying does not cure (or retries ran out). */
export class StoreError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'StoreError';
  }
}

/** The Authorization header from the named variables; a named variable that is unset is an error. */
export function authorization(
  auth: StoreAuth,
  env: Readonly<Record<string, string | undefined>>,
  where: string,
  apiKeyScheme = 'ApiKey',
): string | undefined {
  const read = (key: keyof StoreAuth): string | undefined => {
    const name = auth[key];
    if (name === undefined) return undefined;
    const value = env[name];
    if (value === undefined || value === '')
      throw new UserError(
        `${where}: the environment variable ${name} (${key}) is not set; set it in the job's CI/CD variables, or remove ${key}`,
      );
    return value;
  };
  const token = read('tokenEnv');
  if (token !== undefined) return `Bearer ${token}`;
  const apiKey = read('apiKeyEnv');
  if (apiKey !== undefined) return `${apiKeyScheme} ${apiKey}`;
  const user = read('userEnv');
  const password = read('passwordEnv');
  if (user !== undefined || password !== undefined)
    return `Basic ${Buffer.from(`${user ?? ''}:${password ?? ''}`).toString('base64')}`;
  return undefined;
}

/** Which variable holds the credential, for a 401/403 message. */
function credentialName(auth: StoreAuth): string {
  const names = [auth.tokenEnv, auth.apiKeyEnv, auth.userEnv, auth.passwordEnv].filter(
    (n): n is string => n !== undefined,
  );
  return names.length === 0
    ? 'no credential is configured (tokenEnv, apiKeyEnv or userEnv/passwordEnv)'
    : names.map((n) => `$${n}`).join(' and ');
}

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export interface StoreRequest {
  method: 'GET' | 'POST' | 'DELETE';
  url: URL;
  headers: Record<string, string>;
  body?: unknown;
  /** Names the store in messages (`loki https://host`): never the credential. */
  where: string;
  auth: StoreAuth;
}

/** The JSON answer of a request, retried on 429, 5xx and network failures. */
export async function storeJson(request: StoreRequest, options: StoreHttpOptions): Promise<unknown> {
  const policy = options.retry ?? DEFAULT_RETRY;
  const sleep = options.sleep ?? defaultSleep;
  const started = Date.now();
  const path = request.url.pathname;
  for (let attempt = 1; ; attempt++) {
    let response: Response | undefined;
    let failure = 'no answer';
    try {
      response = await fetch(request.url, {
        method: request.method,
        headers: {
          accept: 'application/json',
          ...(request.body === undefined ? {} : { 'content-type': 'application/json' }),
          ...request.headers,
        },
        ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
      });
    } catch (error) {
      const cause = (error as Error & { cause?: { code?: string } }).cause;
      failure = cause?.code ?? (error as Error).message;
    }
    if (response?.ok) {
      const text = await response.text();
      try {
        return text === '' ? {} : (JSON.parse(text) as unknown);
      } catch {
        throw new StoreError(
          `${request.where}: ${request.method} ${path} answered ${response.status} with a body that is not JSON`,
        );
      }
    }
    let retryAfter: number | undefined;
    if (response) {
      const reason = await errorReason(response);
      if (response.status === 401 || response.status === 403)
        throw new UserError(
          `${request.where}: ${response.status} ${response.status === 401 ? 'Unauthorized' : 'Forbidden'} for ${request.method} ${path}${reason ? ` (${reason})` : ''}: check the credential in ${credentialName(request.auth)}${response.status === 403 ? ' and that it may read this data' : ''}`,
        );
      failure = `${response.status}${reason ? ` (${reason})` : ''}`;
      if (response.status !== 429 && response.status < 500)
        throw new StoreError(
          `${request.where}: ${request.method} ${path} answered ${failure}`,
          response.status,
        );
      retryAfter = parseRetryAfter(response.headers.get('retry-after'), Date.now());
    }
    const wait = nextWait(policy, attempt, Date.now() - started, retryAfter);
    if (wait === undefined)
      throw new StoreError(
        `${request.where}: ${request.method} ${path} failed ${attempt} time(s), last with ${failure}`,
        response?.status,
      );
    options.onRetry?.(
      `chs: ${request.where} answered ${failure} to ${request.method} ${path}; retrying in ${Math.ceil(wait / 1000)} s (attempt ${attempt + 1})`,
    );
    await sleep(wait);
  }
}

/** The store's own words for an error, short: Loki answers text, Elasticsearch `{"error":{...}}`. */
async function errorReason(response: Response): Promise<string> {
  const text = (await response.text().catch(() => '')).trim();
  if (text === '') return '';
  try {
    const parsed = JSON.parse(text) as {
      error?: { reason?: unknown; type?: unknown } | string;
      message?: unknown;
    };
    const error = parsed.error;
    const reason =
      typeof error === 'string'
        ? error
        : typeof error?.reason === 'string'
          ? error.reason
          : typeof parsed.message === 'string'
            ? parsed.message
            : text;
    return reason.replace(/\s+/g, ' ').slice(0, 200);
  } catch {
    return text.replace(/\s+/g, ' ').slice(0, 200);
  }
}
