/** Exit codes of every command (PRODUCT.md). */
export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_ERROR = 2;

/**
 * A mistake of the user's (a bad flag, a missing file, a wrong configuration): printed as one
 * line, no stack trace, exit 2.
 */
export class UserError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT_ERROR,
  ) {
    super(message);
    this.name = 'UserError';
  }
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
