/** Errors of the GitLab API, as the request handler raises them (before they become UserErrors). */
export class GitLabHttpError extends Error {
  constructor(
    readonly status: number,
    readonly method: string,
    /** The endpoint path after /api/v4/ (no query string: it may carry search terms). */
    readonly endpoint: string,
    readonly description: string,
    /** How many attempts were made (1 when the status was not retried). */
    readonly attempts: number,
    readonly scope?: string,
  ) {
    super(`${method} ${endpoint}: ${status}${description ? ` ${description}` : ''}`);
    this.name = 'GitLabHttpError';
  }
}

export class GitLabNetworkError extends Error {
  constructor(
    readonly method: string,
    readonly endpoint: string,
    readonly reason: string,
    readonly attempts: number,
  ) {
    super(`${method} ${endpoint}: ${reason}`);
    this.name = 'GitLabNetworkError';
  }
}
