/** Pod Security Standards levels and policy versions (`v1.N` or `latest`). */

export type PssLevel = 'privileged' | 'baseline' | 'restricted';

export const PSS_LEVELS: readonly PssLevel[] = ['privileged', 'baseline', 'restricted'];

export interface PolicyVersion {
  /** The minor of Kubernetes 1.x; Infinity for `latest`. */
  minor: number;
  /** As written: `v1.30` or `latest`. */
  text: string;
}

export const LATEST: PolicyVersion = { minor: Number.POSITIVE_INFINITY, text: 'latest' };

const VERSION = /^v1\.(0|[1-9][0-9]{0,3})$/;

/** Parses `v1.N` or `latest` (PSA's label syntax); undefined for anything else. */
export function parseVersion(text: string): PolicyVersion | undefined {
  if (text === 'latest') return LATEST;
  const match = VERSION.exec(text);
  return match ? { minor: Number(match[1]), text } : undefined;
}

export function isPssLevel(value: unknown): value is PssLevel {
  return typeof value === 'string' && (PSS_LEVELS as readonly string[]).includes(value);
}
