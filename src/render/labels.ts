/**
 * The labels every rendered object carries: who manages it, for which target, and a hash of its
 * content. `chs deploy --prune` and `chs drift` find our objects by the first two.
 */
import type * as Crypto from 'node:crypto';
import { createRequire } from 'node:module';

/** node:crypto when a hash is first taken: the renderers are in the languages list `chs lint` loads. */
let cryptoModule: typeof Crypto | undefined;
const crypto = (): typeof Crypto =>
  (cryptoModule ??= createRequire(import.meta.url)('node:crypto') as typeof Crypto);

export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const MANAGED_BY = 'container-host-security';
export const TARGET_LABEL = 'container-host-security/target';
export const CONTENT_HASH_LABEL = 'container-host-security/content-hash';
export const COMPONENT_LABEL = 'app.kubernetes.io/component';
export const PART_OF_LABEL = 'app.kubernetes.io/part-of';

/** The label selector of a target's objects. */
export function targetSelector(target: string): string {
  return `${MANAGED_BY_LABEL}=${MANAGED_BY},${TARGET_LABEL}=${target}`;
}

/** JSON with sorted keys: the same value always gives the same bytes. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value)
      .sort()
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value);
}

/** A short hash of a value (a label value: at most 63 characters). */
export function contentHash(value: unknown): string {
  return crypto().createHash('sha256').update(canonicalJson(value)).digest('hex').slice(0, 20);
}

/** A DNS-1123 label from a file name: lower case, [a-z0-9-], at most 63 characters. */
export function dnsName(text: string): string {
  const name = text
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/, '');
  return name === '' ? 'profile' : name;
}

/** A ConfigMap key from a relative path: `[-._a-zA-Z0-9]+`. */
export function configMapKey(relativePath: string): string {
  return relativePath.replace(/\//g, '__').replace(/[^-._a-zA-Z0-9]/g, '-');
}
