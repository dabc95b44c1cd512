/** `--report TYPE=FILE` (repeatable) and `--report-base DIR`, for the commands that write report files. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UserError } from '../core/errors.js';

export interface ReportRequest {
  type: string;
  path: string;
}

/** The requested reports, refused with a message naming the types when one is unknown. */
export function parseReportFlags(
  values: readonly string[],
  cwd: string,
  types: readonly string[],
): ReportRequest[] {
  return values.map((value) => {
    const eq = value.indexOf('=');
    const type = eq === -1 ? value : value.slice(0, eq);
    const path = eq === -1 ? '' : value.slice(eq + 1);
    if (!types.includes(type) || path === '') {
      throw new UserError(`--report takes TYPE=FILE with TYPE one of ${types.join(', ')}, not "${value}"`);
    }
    return { type, path: resolve(cwd, path) };
  });
}

/** Writes each report, its directory created; a file that cannot be written is a user error. */
export async function writeReports(
  requests: readonly ReportRequest[],
  render: (type: string) => Promise<string>,
): Promise<void> {
  for (const { type, path } of requests) {
    const content = await render(type);
    try {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, content);
    } catch (error) {
      throw new UserError(
        `cannot write the ${type} report to ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
      );
    }
  }
}

/** Where report paths are relative to: `--report-base` (resolved against the working directory), else it. */
export function reportBase(cwd: string, flag: string | undefined): string {
  return flag === undefined ? cwd : resolve(cwd, flag);
}
